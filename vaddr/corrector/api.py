"""`correct()`: the public entry point of the corrector.

It accepts one string or a recognizer's ranked hypotheses. Each hypothesis is parsed against the gazetteer;
the winner maximises recognizer log-probability plus a weighted structure score (how much of the line is
explained by a consistent province/district/ward chain) minus a cost per word that is no known spelling. The
weights and every other tunable are one `Params` value (params.py; the fitted weights are read from
`data/weights.json`, written by `training/fit_rescoring.py`), passed as `correct(..., params=...)`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, Literal

from vaddr import gazetteer, validation
from vaddr.corrector import calibration, keywords, matcher, order, render, rescore, tidy
from vaddr.corrector.explained import explained
from vaddr.corrector.params import DEFAULT, Params
from vaddr.corrector.parts import split_parts
from vaddr.corrector.spans import to_input
from vaddr.corrector.words import unknown_words
from vaddr.rules import abbreviations
from vaddr.rules.text import normalize, squeeze, tone_style
from vaddr.types import Address, Alternative, Hypothesis, Level, Scheme, UnitMatch

ToneOption = Literal["auto", "old", "new"]
CaseOption = Literal["title", "upper", "lower", "keep"]


def _as_hypotheses(data: Any) -> list[Hypothesis]:
    """Accept a string, (text, log_prob) pairs, Hypothesis objects or anything with `.hypotheses`; checked and
    sanitised at this boundary (`vaddr.validation`: finite log-probabilities, bounded length and count, control
    and bidi characters removed)."""
    if isinstance(data, str):
        data = [data]
    elif hasattr(data, "hypotheses"):
        data = data.hypotheses
    if isinstance(data, (bytes, bytearray)) or not isinstance(data, Iterable):
        raise TypeError(f"correct() takes a str or a list of (text, log_prob) hypotheses, not {type(data).__name__}")
    out: list[Hypothesis] = []
    for item in validation.check_hypothesis_list(data):
        if isinstance(item, Hypothesis):
            text, log_prob = item.text, item.log_prob
        elif isinstance(item, str):
            text, log_prob = item, 0.0
        elif isinstance(item, Sequence) and len(item) == 2 and isinstance(item[0], str):
            text, log_prob = item
        else:
            raise TypeError(f"a hypothesis must be a str, a (text, log_prob) pair or a Hypothesis, not {item!r}")
        if len(out) == validation.MAX_HYPOTHESES:
            raise ValueError(f"correct() takes at most {validation.MAX_HYPOTHESES} hypotheses per line")
        validation.check_text_length(text)
        log_prob = validation.check_log_prob(log_prob, f"log_prob of hypothesis {text!r}")
        clean = validation.clean_text(text)
        if isinstance(item, Hypothesis) and clean == text and log_prob == item.log_prob:
            out.append(item)
        else:
            out.append(Hypothesis(text=clean, log_prob=log_prob))
    if not out:
        raise ValueError("correct() got an empty list of hypotheses")
    return out


def _check_options(scheme: object, tone: object, case: object) -> None:
    validation.check_choice("scheme", scheme, validation.SCHEMES)
    validation.check_choice("tone", tone, validation.TONES)
    validation.check_choice("case", case, validation.CASES)


def _same_digits(hyps: list[Hypothesis]) -> list[Hypothesis]:
    """The readings whose digits are those of the best one.

    Numbers are never corrected (house numbers, "Phường 7", the digits forms carry inside words): no address
    structure can vouch for them. So a reading may win on structure only by its letters; "Hải Phòn9" as read
    is not traded for a less likely "Hải Phòng" because the latter names a province.
    """
    digits = [ch for ch in hyps[0].text if ch.isdigit()]
    return [h for h in hyps if [ch for ch in h.text if ch.isdigit()] == digits]


def _readings(
    line: matcher.Prepared, scheme: Scheme, limit: int, params: Params
) -> list[tuple[str, list[matcher.Parse], float]]:
    """The line read in each structure worth trying: (structure, ranked parses, tie bonus).

    Legacy first; the 2025 units (ward + province) too unless the legacy reading is settled (`_settled_legacy`),
    the legacy reading winning ties since most forms predate the reform. (A ward read within one edit in the 2025
    structure pays no missing district there, so it wins against the legacy reading of the same letters with the
    district left out: see `matcher._parse`.)
    """
    legacy = _ranked(line, "legacy", limit, params)
    dangling = _district_typed_as_ward(line, legacy[0])
    if dangling:
        legacy = sorted(
            (
                matcher.Parse(p.score - params.dangling_type, p.matches) if _district_typed_as_ward(line, p) else p
                for p in legacy
            ),
            key=lambda p: -p.score,
        )
    readings = [("legacy", legacy, 0.0)]
    if scheme == "2025" or dangling or not _settled_legacy(line, legacy[0]):
        readings.append(("2025", _ranked(line, "2025", limit, params), params.tie_2025))
    return readings


_RESERVE = 8  # parses looked through, beyond the `limit` best, for one that explains the line


def _close(parse: matcher.Parse) -> bool:
    """Every unit read with at most one edit, or one per five letters: a parse from below the best ones must
    not stretch a name over other words ("Phútrung Phú" is not ward Hưng Phú, two edits in seven letters)."""
    return all(m.edits <= 1 or 5 * m.edits <= m.end - m.start for m in parse.matches)


def _ranked(line: matcher.Prepared, scheme: str, limit: int, params: Params) -> list[matcher.Parse]:
    """The `limit` best parses, and the best one that passes `explained` when none of those does.

    Why: the best parses may all cut a written word ("XãQQuang Thọ" holds Quang Thọ exactly after "XãQ", in
    several variants) and be dropped by `correct()`; without a reserve the line came back with no unit at all,
    though the province and district read below them stood. Only a parse whose names are read closely
    (`_close`) is taken from the reserve."""
    parses = matcher.parse(line, scheme, limit=limit + _RESERVE, params=params)
    top = parses[:limit]
    if len(parses) > limit and not any(explained(line, p) for p in top):
        top += [p for p in parses[limit:] if _close(p) and explained(line, p)][:1]
    return top


def _best_reading(text: str, scheme: Scheme, params: Params) -> tuple[matcher.Prepared, matcher.Parse, str]:
    """The best reading of one text as `correct()` would choose it: the line (reordered where it needs it,
    each order paying its cost), its parse in either structure, and that structure."""
    found: tuple[float, matcher.Prepared, matcher.Parse, str] | None = None
    for line, readings, cost in _lines(text, scheme, params):
        for sch, parses, tie in readings:  # the first reading wins ties
            cand = next((p for p in parses if explained(line, p) and (not cost or _exact_province(line, p))), None)
            if cand is not None and (found is None or cand.score + tie - cost > found[0]):
                found = (cand.score + tie - cost, line, cand, sch)
    if found is None:
        return matcher.prepare(text), matcher.Parse(float("-inf"), ()), "legacy"
    return found[1], found[2], found[3]


def _settled_legacy(line: matcher.Prepared, parse: matcher.Parse) -> bool:
    """A legacy reading whose district is written without an edit: the 2025 structure, which has no districts,
    cannot explain the line better (its ward would have to match the same letters). Unless the district is written
    without its type word and its name is part of a 2025 ward's ("Phường Nam Hoa Lư" and "Xuân Hương - Đà Lạt"
    are 2025 wards), or no ward was read exactly while a ward's type word stands before the district ("Phường Sài
    Gòn, Quận 1, TP HCM": a 2025 ward, and the district out of habit)."""
    if _clean_chain(parse):
        return True
    district = next((m for m in parse.matches if m.level is Level.DISTRICT), None)
    if district is None or district.edits or len(parse.matches) < 2:
        return False
    if district.type_word is None and matcher.inside_2025_ward(district):
        return False
    exact_ward = any(m.level is Level.WARD and m.edits == 0 for m in parse.matches)
    return exact_ward or not _ward_typed_before(line, district.type_start)


def _ward_typed_before(line: matcher.Prepared, start: int) -> bool:
    """Whether a ward's type word ("Phường", "P.", "F.", "Xã") is written before squeezed position `start`, as the
    matcher reads type words (glued and dotted ones too: "P.Sài Gòn")."""
    return any(
        line.bound[i] and any(matcher.ward_only_type(t) for _, t in matcher.type_words_before(line, i))
        for i in range(1, start)
    )


def _district_typed_as_ward(line: matcher.Prepared, parse: matcher.Parse) -> bool:
    """The legacy reading's district was matched with no type word while a ward's type word opens the line or
    the part just before it: "Xã Cẩm Thủy, Tỉnh Thanh Hóa" names the commune Cẩm Thủy of the 2025 structure,
    not the former district of that name, so the 2025 reading must be tried too. Only a type word that opens a
    part counts: inside a part, "Xa" or "Xã" is more often the end of a misread "Thị xã" ("Thdị Xa Từ Sơn")."""
    return any(
        m.level is Level.DISTRICT
        and m.type_word is None
        and any(matcher.ward_only_type(t) and _opens_part(line, i) for i, t in matcher.type_words_before(line, m.start))
        for m in parse.matches
    )


def _opens_part(line: matcher.Prepared, i: int) -> bool:
    """Whether squeezed position `i` starts the line or follows a written separator (",", ";")."""
    before = line.text[: line.pos[i]].rstrip()
    return not before or before[-1] in ",;"


def _exact_province(line: matcher.Prepared, parse: matcher.Parse) -> bool:
    """A province read without an edit, from the start of a written word ("Văn Giang" holds no An Giang)."""
    return any(m.level is Level.PROVINCE and m.edits == 0 and line.bound[m.start] for m in parse.matches)


def _needs_reorder(line: matcher.Prepared, parses: list[matcher.Parse]) -> bool:
    """The line as written yields no province read without an edit, or yields one but no complete chain read
    without an edit: it may be written in another order. ("Hà Nội, Ba Đình, Điện Biên" ends with a province's
    name, and only the reverse order reads it all: ward Điện Biên, Ba Đình, Hà Nội.) A complete edit-free chain
    as written is never reordered, so clean lines pay nothing."""
    return not _exact_province(line, parses[0]) or not _clean_chain(parses[0])


def _lines(
    text: str, scheme: Scheme, params: Params
) -> list[tuple[matcher.Prepared, list[tuple[str, list[matcher.Parse], float]], float]]:
    """The line as written with its readings, plus its reorderings where it needs them (each with its cost)."""
    line = matcher.prepare(text)
    readings = _readings(line, scheme, 2, params)
    out = [(line, readings, 0.0)]
    if _needs_reorder(line, readings[0][1]):
        others = order.reorderings(line.text)
        head = _district_first_head(line, readings[0][1][0])
        if head is not None:
            others += order.district_first(line.text[:head], line.text[head:])
        for other in others:
            again = matcher.prepare(other)
            if matcher.ends_with_exact_province(again, "legacy", params):  # else no reading of it would count
                out.append((again, _readings(again, scheme, 2, params), params.reorder_cost))
    return out


def _district_first_head(line: matcher.Prepared, parse: matcher.Parse) -> int | None:
    """Where the province starts (an index into `line.text`) when the best reading found the province written
    exactly at the end but no district while the line opens with a district's type word ("Q.3 P.7 TP.HCM",
    "Huyện Ba Vì Xã Tản Lĩnh Hà Nội"): the district may have been written before the ward (`order.district_first`)."""
    if any(m.level is Level.DISTRICT for m in parse.matches):
        return None
    prov = next((m for m in parse.matches if m.level is Level.PROVINCE and m.edits == 0), None)
    if prov is None or not line.bound[prov.start]:
        return None
    words = line.text.split()
    opening = abbreviations.unit_type_of(words, 0) if words else None
    glued = abbreviations.split_glued(words[0]) if words else None
    typed = opening or (glued[0] if glued else None)
    if typed is None or Level.DISTRICT not in typed.levels:
        return None
    return line.pos[prov.type_start]


def _province_code(parse: matcher.Parse) -> str | None:
    prov = next((m for m in parse.matches if m.level is Level.PROVINCE), None)
    return None if prov is None else prov.entry.unit.code.split("~")[0]


def _guard(
    parse: matcher.Parse, first: matcher.Prepared, scheme: str, written: dict[str, frozenset[str]], params: Params
) -> float:
    """The province guard: a reading whose province is not the one written at the end of the best reading
    (`first`), with at most `params.guard_edits` edits, pays `params.province_guard`."""
    prov = next((m for m in parse.matches if m.level is Level.PROVINCE), None)
    if prov is None:
        return 0.0
    code = prov.entry.unit.code.split("~")[0]
    found = written.get(scheme)
    if found is None:  # looked up once per call and structure, only when some reading has a province
        found = written[scheme] = matcher.written_provinces(first, scheme, params)
    return params.province_guard if found and code not in found else 0.0


def _span_in_input(original: str, tidied: str, span: tuple[int, int]) -> tuple[int, int] | None:
    """A span of the tidied, normalised line as indices into the caller's text (None where not exact)."""
    normalised = normalize(original)
    a = tidy.source_index(normalised, tidied, span[0])
    b = tidy.source_index(normalised, tidied, span[1] - 1) + 1
    return to_input(original, normalised, (a, b))


def _codes(parse: matcher.Parse) -> tuple[str, ...]:
    return tuple(m.entry.unit.code for m in parse.matches)


def _clean_chain(parse: matcher.Parse) -> bool:
    """Province, district and ward all matched without an edit: no other reading can beat it."""
    return len(parse.matches) == 3 and all(m.edits == 0 for m in parse.matches)


def _as_written(
    hyp: Hypothesis, scheme: Scheme
) -> list[tuple[float, matcher.Prepared, matcher.Parse, Hypothesis, str]]:  # noqa: E501
    """The reading with no unit: what `correct()` falls back to when every parse would cut or drop a word."""
    line = matcher.prepare(hyp.text)
    sch = "2025" if scheme == "2025" else "legacy"
    return [(0.0, line, matcher.Parse(0.0, ()), hyp, sch)]


def _confidence(parse: matcher.Parse, params: Params) -> float:
    """How sure we are: match quality of each level found, discounted for levels not found."""
    if not parse.matches:
        return params.confidence_none
    quality = [max(0.0, 1.0 - m.edits / max(1, m.end - m.start)) for m in parse.matches]
    coverage = params.coverage[len(parse.matches) - 1]
    return round(sum(quality) / len(quality) * coverage, 4)


def _unit_match(line: matcher.Prepared, m: matcher.LevelMatch, text: str, input_text: str | None) -> UnitMatch:
    """The public form of a matched unit; its span indexes `input_text` (None: the line read is no longer the
    caller's text, e.g. reordered, so no span)."""
    unit = m.entry.unit
    span = None
    if input_text is not None:
        span = _span_in_input(input_text, line.text, (line.pos[m.type_start], line.pos[m.end - 1] + 1))
    return UnitMatch(
        level=m.level,
        name=unit.name,
        type=unit.type,
        code=unit.code,
        span=span,
        score=round(max(0.0, 1.0 - m.edits / max(1, m.end - m.start)), 4),
        text=text,
        current=unit.current,
        valid=unit.valid,
        successor=None if unit.current else gazetteer.successor(unit.code),
    )


def _infer_parents(units: dict[Level, UnitMatch], scheme: str) -> None:
    """Fill the levels above the lowest matched unit that the line does not name: they follow from it.

    "Phú Nhuận Hồ Chí Minh" names no ward, but "Tân Thành Thành Phố Cà Mau" names no province although it has
    one; the address is only complete with it. Inferred units carry no span and no text.
    """
    gaz = gazetteer.legacy() if scheme == "legacy" else gazetteer.current()
    lowest = units.get(Level.WARD) or units.get(Level.DISTRICT)
    if lowest is None or lowest.code not in gaz:
        return
    unit = gaz.get(lowest.code)
    while unit.parent is not None and unit.parent in gaz:
        unit = gaz.get(unit.parent)
        level = Level.of_depth(unit.level)
        if level not in units:
            units[level] = UnitMatch(
                level=level,
                name=unit.name,
                type=unit.type,
                code=unit.code,
                span=None,
                score=lowest.score,
                text="",
                inferred=True,
                current=unit.current,
                valid=unit.valid,
                successor=None if unit.current else gazetteer.successor(unit.code),
            )


def correct(
    data: str | Sequence[tuple[str, float]] | Sequence[Hypothesis] | Any,
    *,
    scheme: Scheme = "legacy",
    tone: ToneOption = "auto",
    case: CaseOption = "title",
    alternatives: int = 0,
    lexicon: bool = True,
    params: Params | None = None,
) -> Address:
    """Correct one address line.

    `data` is a string, or a recognizer's hypotheses as (text, log_prob) pairs / `Hypothesis` objects / an
    object with a `.hypotheses` list (best first; only those with the digits of the first compete, since
    digits are never corrected). `tone="auto"` keeps the writer's tone placement ("Hoà" vs
    "Hòa"), falling back to the old style that handwritten forms mostly use. `scheme="2025"` converts a
    legacy reading to the two-level structure in force since 1 July 2025; a line already written in that
    structure is read as such whatever `scheme` says (`Address.scheme` tells which). Never raises on odd
    text: a line with nothing recognisable comes back normalised, with low confidence.

    `alternatives=N` also returns up to N runner-up readings of the whole line (each costs a second rendering,
    a fifth of the time of a call, so there are none by default).

    When `data` also carries the recognizer's per-frame posteriors (`.log_probs`, `[T, C]`, and `.charset`),
    matched units are decoded again against the frames among the units of their parent (`lexicon=False`
    turns this off), so a name that none of the top-k strings spelled can still be recovered.

    `params` is the cost model (`vaddr.corrector.params.Params`); None means the defaults with the fitted weights.
    """
    params = DEFAULT if params is None else params
    weights = params.weights
    _check_options(scheme, tone, case)
    if isinstance(alternatives, bool) or not isinstance(alternatives, int) or not 0 <= alternatives <= 100:
        raise ValueError(f"alternatives={alternatives!r} is not an int from 0 to 100")
    hyps = _same_digits(_as_hypotheses(data))
    if not any(h.text.strip() for h in hyps):  # nothing to correct: say so, with no confidence, as the batch API does
        return Address(text="", input=hyps[0].text, confidence=0.0, error="empty line")
    # A line may be written in either structure (see `_readings`).
    scored: list[tuple[float, matcher.Prepared, matcher.Parse, Hypothesis, str]] = []
    first = matcher.prepare(hyps[0].text)
    written: dict[str, frozenset[str]] = {}
    for hyp in hyps:
        for line, readings, cost in _lines(hyp.text, scheme, params):
            for sch, parses, tie in readings:
                for p in parses:
                    if cost and not _exact_province(line, p):
                        continue  # a reordering must bring a province written in full to the end
                    unknown = unknown_words(line, p) if len(hyps) > 1 else 0
                    structure = p.score * weights.structure - unknown * weights.unknown_word
                    score = structure + hyp.log_prob * weights.log_prob + tie - cost
                    scored.append((score, line, p, hyp, sch))
    if len({_province_code(p) for _, _, p, _, _ in scored} - {None}) > 1:  # readings disagree on the province
        scored = [(s - _guard(p, first, sch, written, params), ln, p, h, sch) for s, ln, p, h, sch in scored]
    # A unit may rewrite the words it was matched on, never cut or drop others (explained.py); when no parse
    # passes, the best hypothesis is returned as written, with no unit.
    scored = [s for s in scored if explained(s[1], s[2])] or _as_written(hyps[0], scheme)
    scored.sort(key=lambda t: -t[0])
    _, line, best, hyp, parsed_as = scored[0]
    if tone == "auto":
        tone_used = tone_style(line.text) or "old"
    else:
        tone_used = tone
    log_probs = getattr(data, "log_probs", None)
    charset = getattr(data, "charset", None)
    read_as_text = line.text  # before any keyword repair
    if lexicon and log_probs is not None and charset and line.text == hyp.text:
        windows = rescore.frame_windows(line.text, log_probs, charset)
        if windows is not None:
            best = rescore.redecode(line, best, log_probs, charset, windows, tone_used, parsed_as, params)
            # misread keywords of the free text, rewritten in place only on image evidence (keywords.py); the
            # calibration then reads the repaired line (its words, its letters), not the one as read
            line, best = keywords.repair(line, best, log_probs, charset, windows)
            if line.text != read_as_text:
                scored[0] = (scored[0][0], line, *scored[0][2:])
    text, unit_texts = render.render(line, best, tone_used, case)
    # a reordered line has no spans in the input (a keyword repair substitutes letters: it moves none)
    spans_valid = read_as_text == matcher.prepare(hyp.text).text
    cut = tidy.tail(normalize(hyp.text))  # a trailing country / postcode, kept as written (reordered lines too)
    # The output must read back as itself (correcting a corrected line changes nothing): a restored word can
    # complete a name that the first reading missed, so re-read the output until it is stable. A complete chain
    # matched without an edit, whose letters the output kept, reads back the same: no re-read needed.
    settled = _clean_chain(best) and squeeze(text) == line.squeezed
    for _ in range(0 if settled else params.fixpoint_rounds):
        if text == line.text:
            break
        again, best_again, read_as = _best_reading(text, scheme, params)  # as correct() would read it
        # ... and with the tone style correct() would read off it (a restyled nonsense syllable can change it)
        tone_again = (tone_style(again.text) or "old") if tone == "auto" else tone
        text_again, texts_again = render.render(again, best_again, tone_again, case)
        if text_again == text:
            break
        line, best, text, unit_texts, spans_valid = again, best_again, text_again, texts_again, False
        parsed_as, tone_used = read_as, tone_again
    # spans index `Address.input` (the first hypothesis); see `UnitMatch.span`
    input_text = hyps[0].text if spans_valid and hyp is hyps[0] else None
    units = {m.level: _unit_match(line, m, t, input_text) for m, t in zip(best.matches, unit_texts, strict=True)}
    _infer_parents(units, parsed_as)
    remainder = ""
    if best.matches:
        start = line.pos[best.start]
        remainder = render.free_text(
            line.text[:start], tone_used, case, render.restores_marks(line.text), not render.shouting(line.text)
        ).strip()
    else:
        remainder = text
    alts: list[Alternative] = []
    seen = {text}
    chosen = (scored[0][1].text, _codes(scored[0][2]))
    for score, alt_line, alt_parse, _, _ in scored[1:]:
        if len(alts) >= alternatives:
            break
        if (alt_line.text, _codes(alt_parse)) == chosen:
            continue  # the same units of the same reading, only matched on other letters: no real alternative
        alt_text, _ = render.render(alt_line, alt_parse, tone_used, case)
        if alt_text in seen:
            continue
        seen.add(alt_text)
        alts.append(Alternative(text=alt_text, score=round(score, 4)))
    if cut:
        text = (text + render.free_text(cut, tone_used, case, False, not render.shouting(cut))).strip()
    result = Address(
        text=text,
        input=hyps[0].text,
        remainder=remainder,
        confidence=_confidence(best, params),
        scheme=parsed_as,  # type: ignore[arg-type]
        alternatives=alts,
        parts=list(split_parts(remainder)),
        province=units.get(Level.PROVINCE),
        district=units.get(Level.DISTRICT),
        ward=units.get(Level.WARD),
    )
    result = calibration.calibrate(result, data, hyps, scored)
    if scheme == "2025" and parsed_as == "legacy":
        return calibration.carry(result, convert(result, tone=tone_used, case=case))
    return result


def convert(
    address: Address | str,
    *,
    tone: ToneOption = "auto",
    case: CaseOption = "title",
    params: Params | None = None,
    to: Scheme = "2025",
) -> Address:
    """Map a legacy (3-level) address to the 2-level structure in force since 1 July 2025 (`to="2025"`), or its
    units that no longer exist (read as written: Quận 2, Tĩnh Gia, Hà Tây) to the legacy units that took them
    over, in the 3-level structure of 2025-06-30 (`to="legacy"`)."""
    from vaddr.corrector.convert import to_2025, to_final_legacy

    validation.check_choice("tone", tone, validation.TONES)
    validation.check_choice("case", case, validation.CASES)
    if not isinstance(address, (Address, str)):
        raise TypeError(f"convert() takes an Address or a str, not {type(address).__name__}")

    if isinstance(address, str):
        address = correct(address, tone=tone, case=case, params=params)
    if to == "legacy":
        return to_final_legacy(address, tone=tone, case=case)
    return to_2025(address, tone=tone, case=case)


__all__ = ["correct", "convert"]
