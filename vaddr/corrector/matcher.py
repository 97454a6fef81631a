"""Hierarchical address parsing: province <- district <- ward, read from the right end of the line.

Vietnamese addresses run from small to large ("... ward district province"), so the line is read from its
right end: the province is matched against the tail, then the district among that province's districts just left
of it, then the ward among that district's wards. Each step keeps a few candidates (a small beam) and may skip a
level that is not written. Matching works on the folded, space-free line, so lost diacritics and lost spaces cost
nothing, and a typo costs an edit; the parse that explains the most characters with the fewest edits wins.

Everything here is pure: a prepared line in, ranked parses out. Rendering the output text lives in render.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from vaddr.corrector.index import Entry, Group, MatchIndex, match_index
from vaddr.rules import abbreviations
from vaddr.rules.text import fold, normalize, to_new_style

BEAM = 4
EDIT_COST = 1.5  # one edit must be paid for by more than one matched character
OFF_BOUNDARY = 1.0  # a name starting inside a written word (spaces lost) must be clearly better
NOT_CURRENT = 0.3  # prefer units of the final legacy state over older snapshot names
SKIP = {1: 1.0, 2: 1.0, 3: 0.5}  # cost of a level that is not written
MIN_GAIN = 1.5
MARK_TIEBREAK = 0.05  # small: marks only break ties between names that fold alike


def max_edits(length: int) -> int:
    """How many edits a key of this length may absorb and still be the same name."""
    if length <= 3:
        return 0
    if length <= 5:
        return 1
    if length <= 8:
        return 2
    if length <= 12:
        return 3
    return 4


@dataclass(frozen=True, slots=True)
class Prepared:
    """A line in the form the matcher needs: normalised text, folded squeezed text and the maps between them."""

    text: str
    squeezed: str
    pos: tuple[int, ...]  # squeezed index -> text index
    bound: tuple[bool, ...]  # len(squeezed)+1 entries: does a written word start/end here?
    has_marks: bool


def prepare(text: str) -> Prepared:
    text = normalize(text)
    folded = fold(text)
    chars: list[str] = []
    pos: list[int] = []
    bound: list[bool] = [True]
    prev_alnum = False
    prev_kind = ""
    for i, ch in enumerate(folded):
        if ch.isalnum():
            kind = "d" if ch.isdigit() else "a"
            if prev_alnum and kind != prev_kind and chars:
                bound[-1] = True  # "Q3", "Kp4": a letter/digit change is a word boundary
            chars.append(ch)
            pos.append(i)
            bound.append(False)
            prev_alnum, prev_kind = True, kind
        else:
            if chars:
                bound[-1] = True
            prev_alnum = False
    bound[-1] = True
    return Prepared(text, "".join(chars), tuple(pos), tuple(bound), folded != text.lower())


@dataclass(frozen=True, slots=True)
class LevelMatch:
    """One unit matched on the squeezed line: [type_start, start) is the type word, [start, end) the name."""

    level: int
    entry: Entry
    type_start: int
    start: int
    end: int
    edits: int
    gain: float
    type_word: str | None  # canonical type announced by the written type word, if any


@dataclass(frozen=True, slots=True)
class Parse:
    score: float
    matches: tuple[LevelMatch, ...]  # province first

    @property
    def start(self) -> int:
        return self.matches[-1].type_start if self.matches else -1


@lru_cache(maxsize=65536)
def _search(tail: str, group_id: tuple[str, ...], scheme: str) -> tuple[tuple[int, int, int], ...]:
    """All keys of a group that match a suffix of `tail`: (suffix length, key index, edits).

    Cached on the tail text so the top-k hypotheses of one line, which share most of their text, pay for each
    distinct tail once.
    """
    group = _group(match_index(scheme), group_id)
    if group is None or not group.keys:
        return ()
    found: list[tuple[int, int, int]] = []
    lo = max(1, group.min_len - max_edits(group.min_len))
    hi = min(len(tail), group.max_len + max_edits(group.max_len))
    for length in range(lo, hi + 1):
        query = tail[-length:]
        cutoff = max_edits(length + 4)
        for key, edits, idx in process.extract(
            query, group.keys, scorer=Levenshtein.distance, score_cutoff=cutoff, limit=None
        ):
            if edits <= max_edits(len(key)):
                found.append((length, idx, int(edits)))
    return tuple(found)


def _group(index: MatchIndex, group_id: tuple[str, ...]) -> Group | None:
    kind = group_id[0]
    if kind == "p":
        return index.provinces
    if kind == "d":
        return index.districts_of.get(group_id[1])
    if kind == "da":
        return index.all_districts
    if kind == "wd":
        return index.wards_of_district.get(group_id[1])
    if kind == "wp":
        return index.wards_of_province.get(group_id[1])
    return None


def _written_lower(line: Prepared, start: int, end: int) -> str | None:
    """The written span, lower case and new-style tones, or None where the line carries no marks at all."""
    if not line.has_marks:
        return None
    return to_new_style(line.text[line.pos[start] : line.pos[end - 1] + 1].lower())


def _type_words(line: Prepared, start: int) -> list[tuple[int, str | None]]:
    """Type words written just before squeezed position `start`: (type word start, canonical type)."""
    out: list[tuple[int, str | None]] = [(start, None)]
    s = line.squeezed
    for key, unit_type in abbreviations.type_keys():
        i = start - len(key)
        if i < 0 or s[i:start] != key or not line.bound[i]:
            continue
        if len(key) == 1 and not line.bound[start]:
            continue  # a lone "p"/"h"/"x" glued to a name is more likely part of the name
        out.append((i, unit_type))
    return out


def _type_bonus(unit_type: str | None, entry: Entry) -> float | None:
    """Reward a written type word that agrees with the unit; None where the pairing is impossible."""
    numeric = entry.unit.name.isdigit()
    if unit_type is None:
        return None if numeric else 0.0
    if unit_type == entry.unit.type:
        return 1.0
    if abbreviations.type_level(unit_type) == {entry.unit.level} or entry.unit.level in abbreviations.type_level(
        unit_type
    ):
        return 0.3
    return None


def _candidates(line: Prepared, end: int, level: int, group_id: tuple[str, ...], scheme: str) -> list[LevelMatch]:
    if end <= 0:
        return []
    tail = line.squeezed[:end][-40:]
    found = _search(tail, group_id, scheme)
    if not found:
        return []
    group = _group(match_index(scheme), group_id)
    assert group is not None
    best: dict[tuple[str, int], LevelMatch] = {}
    for length, idx, edits in found:
        start = end - length
        key = group.keys[idx]
        if edits and len(key) <= 3:
            continue
        off = 0.0 if line.bound[start] else OFF_BOUNDARY
        if off and (len(key) <= 4 or edits):
            continue
        written = _written_lower(line, start, end)
        for entry in group.entries[idx]:
            if entry.exact_only and (edits or off):
                continue
            base = len(key) - EDIT_COST * edits - off - (0.0 if entry.unit.current else NOT_CURRENT)
            if written is not None:  # marks were written: among same-key spellings prefer the closest
                base -= MARK_TIEBREAK * Levenshtein.distance(entry.lower_new, written)
            for type_start, unit_type in _type_words(line, start):
                bonus = _type_bonus(unit_type, entry)
                if bonus is None:
                    continue
                gain = base + bonus
                if gain < MIN_GAIN:
                    continue
                match = LevelMatch(level, entry, type_start, start, end, edits, gain, unit_type)
                slot = (entry.unit.code, type_start)
                if slot not in best or best[slot].gain < gain:
                    best[slot] = match
    ranked = sorted(best.values(), key=lambda m: -m.gain)
    return ranked[: BEAM * 2]


def _dedupe(matches: list[LevelMatch]) -> list[LevelMatch]:
    """Keep the best match per unit, then the beam."""
    seen: set[str] = set()
    out: list[LevelMatch] = []
    for m in matches:
        if m.entry.unit.code in seen:
            continue
        seen.add(m.entry.unit.code)
        out.append(m)
        if len(out) == BEAM:
            break
    return out


def parse(line: Prepared, scheme: str = "legacy", limit: int = 5) -> list[Parse]:
    """Ranked parses of a line, best first. The empty parse (nothing matched) is always among them."""
    n = len(line.squeezed)
    parses: list[Parse] = [Parse(-(SKIP[1] + SKIP[2] + SKIP[3]), ())]
    if n == 0:
        return parses
    provinces: list[LevelMatch | None] = [*_dedupe(_candidates(line, n, 1, ("p",), scheme)), None]
    for prov in provinces:
        p_score = prov.gain if prov else -SKIP[1]
        p_end = prov.type_start if prov else n
        if scheme == "2025":
            _extend_wards(line, scheme, prov, None, p_score - SKIP[2], p_end, parses)
            continue
        if prov:
            d_cands = _candidates(line, p_end, 2, ("d", prov.entry.unit.code), scheme)
        else:
            d_cands = [m for m in _candidates(line, p_end, 2, ("da",), scheme) if m.gain >= 4.0]
        for dist in [*_dedupe(d_cands), None]:
            if dist is None and prov is None:
                continue
            d_score = p_score + (dist.gain if dist else -SKIP[2])
            d_end = dist.type_start if dist else p_end
            _extend_wards(line, scheme, prov, dist, d_score, d_end, parses)
    parses.sort(key=lambda p: -p.score)
    return parses[:limit]


def _extend_wards(
    line: Prepared,
    scheme: str,
    prov: LevelMatch | None,
    dist: LevelMatch | None,
    score: float,
    end: int,
    parses: list[Parse],
) -> None:
    upper = tuple(m for m in (prov, dist) if m is not None)
    if dist is not None:
        group_id: tuple[str, ...] = ("wd", dist.entry.unit.code)
    elif prov is not None:
        group_id = ("wp", prov.entry.unit.code)
    else:
        group_id = ()
    wards = _dedupe(_candidates(line, end, 3, group_id, scheme)) if group_id else []
    for ward in wards:
        parses.append(Parse(score + ward.gain, (*upper, ward)))
    parses.append(Parse(score - SKIP[3], upper))
