"""Hierarchical address parsing: province <- district <- ward, read from the right end of the line.

Vietnamese addresses run from small to large ("... ward district province"), so the line is read from its
right end: the province is matched against the tail, then the district among that province's districts just left
of it, then the ward among that district's wards. Each step keeps a few candidates (a small beam) and may skip a
level that is not written. Matching works on the folded, space-free line, so lost diacritics and lost spaces cost
nothing, and a typo costs an edit; the parse that explains the most characters with the fewest edits wins.

Everything here is pure: a prepared line in, ranked parses out. Rendering the output text lives in render.py.
Every cost and limit comes from the `Params` passed in (params.py); memoised searches key on it.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from vaddr import gazetteer
from vaddr.corrector import parts
from vaddr.corrector.index import Entry, Group, MatchIndex, match_index
from vaddr.corrector.params import DEFAULT, Params
from vaddr.corrector.tidy import tidy
from vaddr.rules import abbreviations
from vaddr.rules.restore import default_vocabulary
from vaddr.rules.text import fold, has_vowel, normalize, squeeze, to_new_style, to_old_style
from vaddr.types import Level

_TOKEN = re.compile(r"\S+")
_DIGIT = re.compile("[0-9]")


@dataclass(frozen=True, slots=True)
class Prepared:
    """A line in the form the matcher needs: normalised text, folded squeezed text and the maps between them."""

    text: str
    squeezed: str
    pos: tuple[int, ...]  # squeezed index -> text index
    bound: tuple[bool, ...]  # len(squeezed)+1 entries: does a written word start/end here?
    has_marks: bool
    type_spans: tuple[tuple[int, int, str], ...] = ()  # squeezed spans of written type words (2+ letters)
    memo: dict[Any, Any] = field(default_factory=dict, compare=False, repr=False)  # per-line cache of lookups


NOISE = "*"  # stands in the squeezed line for a character that matches no letter of any name


@lru_cache(maxsize=4096)
def prepare(text: str) -> Prepared:
    text = tidy(normalize(text))
    for _ in range(3):  # tidy can split a word ("0aAaÙ" -> "0a AaÙ") that normalize then reads differently
        again = tidy(normalize(text))
        if again == text:
            break
        text = again
    folded = fold(text)
    chars: list[str] = []
    pos: list[int] = []
    bound: list[bool] = [True]
    prev_alnum = False
    prev_kind = ""
    for i, ch in enumerate(folded):
        if ch.isdigit() and 0 < i and folded[i - 1].isalpha():
            if i < len(folded) - 1 and folded[i + 1].isalpha():
                ch = NOISE  # a digit inside a word ("Nam Đị8nh", "Sơ6n"): a slip that costs an edit, no number
            elif _stray_digit(text, folded, i):
                ch = NOISE
        if ch.isalnum() or ch == NOISE:
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
    squeezed = "".join(chars)
    return Prepared(
        text, squeezed, tuple(pos), tuple(bound), folded != text.lower(), _type_spans(text, squeezed, tuple(pos))
    )


def _stray_digit(text: str, folded: str, i: int) -> bool:
    """Whether the digit at `i`, glued to the end of a word, is a slip rather than a number ("Hưng Yê0",
    "Yên Sơ2", "Đôn1 Thành"): one digit after a syllable (two letters or more, with a vowel) that is no word
    taking a number. Type words, the free text's part words and listed abbreviations take numbers glued to
    them ("Phường2", "Quan9", "Tổ5", "Khu3", "Kp4"), and so do single letters glued to a word ("Lô.A1"). A word written
    with other marks than such a word is a name: "Sơ2" is no "Số 2". Only a word written with marks counts:
    without them ("qyang2" for "Quang 2", read with its space lost) the word may be a misread one that does take
    a number. A single letter with a digit counts as well when they stand alone ("M4", see below)."""
    if i + 1 < len(folded) and folded[i + 1].isalnum():
        return False  # two digits or more: a number
    a = i
    while a > 0 and folded[a - 1].isalpha():
        a -= 1
    word = folded[a:i]
    if len(word) == 1 and (a == 0 or folded[a - 1] == " ") and (i + 1 == len(folded) or folded[i + 1] == " "):
        # a letter and a digit as a word of their own ("Buôn M4 Thuột", "Hoàng S0 Phì"), that is no numbered
        # unit or hamlet ("P5", "Q3") nor a listed abbreviation ("T5", "Đ4"): a vowel or a letter typed as a digit
        return word not in _numbered_keys() and not abbreviations.is_abbreviation(word)
    if len(word) < 2 or not has_vowel(word) or abbreviations.is_abbreviation(word):
        return False
    written = text[a:i].lower()
    return written != word and written not in _number_words()


@lru_cache(maxsize=1)
def _number_words() -> frozenset[str]:
    """Words a number may be glued to, lower case as written with their marks: type words, the words that
    open a part of the free text (data/part_words.tsv: "Tổ", "Khu", "Số", "Ngõ"...), each word of each
    spelling, and the word before the number of a unit named with one ("Xuân Quang 2", "Hố Nai 3")."""
    spellings = [*abbreviations.UNIT_TYPES, *(key for key, _ in abbreviations.type_keys()), *parts.spellings()]
    words = {w for spelling in spellings for w in spelling.lower().split()}
    for unit in gazetteer.all_units():
        if unit.name[-1:].isdigit():  # (a number ends the name where it has one: a cheap test first)
            named = unit.name.lower().split()
            words.update(w for w, n in zip(named, named[1:], strict=False) if n.isdigit())
    words |= {to_new_style(w) for w in words} | {to_old_style(w) for w in words}
    return frozenset(w for w in words if w)


@lru_cache(maxsize=1)
def _type_prefixes() -> frozenset[str]:
    """Every prefix of every squeezed type spelling: a token outside this set cannot start a type word."""
    return frozenset(key[:i] for key, _ in abbreviations.type_keys() for i in range(1, len(key) + 1))


@lru_cache(maxsize=4096)
def _type_spans(text: str, squeezed: str, pos: tuple[int, ...]) -> tuple[tuple[int, int, str], ...]:
    """Where the writer wrote a unit-type word of two letters or more ("Huyện", "Thành Phố", "Tp")."""
    tokens = [(m.start(), m.end()) for m in _TOKEN.finditer(text)]
    words = [text[a:b] for a, b in tokens]
    out = []
    start_of = {p: i for i, p in enumerate(pos)}
    prefixes = _type_prefixes()
    for i in range(len(words)):
        if squeeze(words[i]) not in prefixes:
            continue
        found = abbreviations.unit_type_of(words, i)
        if found is None:
            continue
        a, b = tokens[i][0], tokens[i + found.n_tokens - 1][1]
        sq = [j for j in range(a, b) if j in start_of]
        if len(sq) >= 2:
            lo, hi = start_of[sq[0]], start_of[sq[-1]] + 1
            out.append((lo, hi, squeezed[lo:hi]))
    return tuple(out)


@dataclass(frozen=True, slots=True)
class LevelMatch:
    """One unit matched on the squeezed line: [type_start, start) is the type word, [start, end) the name."""

    level: Level
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
def _search(
    tail: str, group_id: tuple[str, ...], scheme: str, params: Params, only: tuple[int, ...] | None = None
) -> tuple[tuple[int, int, int], ...]:
    """All keys of a group that match a suffix of `tail`: (suffix length, key index, edits); with `only`, just
    the suffixes of those lengths (the caller keeps only matches that start a written word).

    One C call (rapidfuzz cdist) compares every plausible suffix with every key. Cached on the tail text, so
    the top-k hypotheses of one line, which share most of their text, pay for each distinct tail once.
    """
    group = _group(match_index(scheme), group_id)
    if group is None or not group.keys:
        return ()
    max_edits = params.max_edits
    lo = max(1, group.min_len - group.edits(params)[0])
    hi = min(len(tail), group.max_len + group.edits(params)[1])
    if hi < lo:
        return ()
    lengths = np.arange(lo, hi + 1) if only is None else np.array([n for n in only if lo <= n <= hi], dtype=int)
    if not len(lengths):
        return ()
    queries = [tail[-n:] for n in lengths]
    dist = process.cdist(
        queries, group.keys, scorer=Levenshtein.distance, score_cutoff=params.search_cutoff, dtype=np.int32
    )
    allowed, key_digits = group.arrays(params)
    # a span may absorb the edits allowed for the shorter of itself and the key: "thon" is not "Thọ Sơn"
    if hi < _TABLE:
        allowed_q = _edit_table(params)[lengths]
    else:
        allowed_q = np.array([max_edits(int(n)) for n in lengths])
    qi, ki = np.nonzero(dist <= np.minimum(allowed[None, :], allowed_q[:, None]))
    found: list[tuple[int, int, int]] = []
    query_digits: dict[int, str] = {}
    for q, k in zip(qi.tolist(), ki.tolist(), strict=True):
        # numbers are never corrected: "Hố Nai 2" is not "Hố Nai 3", "Phường 37" is not "Phường 3"
        digits = query_digits.get(q)
        if digits is None:
            digits = query_digits[q] = _digits(queries[q])
        if key_digits[k] != digits:
            continue
        found.append((int(lengths[q]), k, int(dist[q, k])))
    return tuple(found)


_TABLE = 256  # lengths up to this are looked up in `_edit_table` (a name with its type words is far shorter)


@lru_cache(maxsize=16)
def _edit_table(params: Params) -> np.ndarray:
    """`params.max_edits` of every length below `_TABLE`, for the vectorised filter of `_search`."""
    return np.array([params.max_edits(n) for n in range(_TABLE)], dtype=np.int32)


def _digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


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


def _written_marked(line: Prepared, start: int, end: int) -> str | None:
    """The written span, lower case, new-style tones, letters only; None where the line carries no marks."""
    if not line.has_marks:
        return None
    slot = (start, end)
    cached = line.memo.get(slot)
    if cached is None:
        cached = line.memo[slot] = _marked_letters(line.text[line.pos[start] : line.pos[end - 1] + 1])
    return cached


@lru_cache(maxsize=65536)
def _marked_letters(span: str) -> str:
    """A written span, lower case, new-style tones, letters and digits only (memoised: names recur)."""
    return "".join(ch for ch in to_new_style(span.lower()) if ch.isalnum())


def _written_form(line: Prepared, start: int, end: int, form: str) -> bool:
    """Whether the written span has the shape an abbreviated spelling needs (see `Entry.form`)."""
    written = line.text[line.pos[start] : line.pos[end - 1] + 1]
    if form == "caps":  # "BT", "ĐN", "QNa": capitals where the initials are ("QNa" keeps its lower-case tail)
        return written[:1].isupper() and sum(ch.isupper() for ch in written) >= 2 and " " not in written
    if form == "dotted":
        return "." in written or "/" in written
    if form == "word":
        return not any(ch.isspace() for ch in written)
    return True


def _swallowed_type(line: Prepared, start: int, end: int, entry: Entry, params: Params) -> float:
    """Penalty for a name span that contains a written type word the name itself does not contain as words
    ("Huyện" read as Phú Yên, "Tỉnh" as Vinh), or that cuts through one ("T" + "hành Phố" read as Thạnh Phú).
    A type word written with other marks than the name's word pays once more for them: "Phường Láng" is rather
    the 2025 ward Láng than ward Phương Canh ("Phương Mai" holds its "Phương")."""
    for lo, hi, _ in line.type_spans:
        if start <= lo and hi <= end:
            raw = line.text[line.pos[lo] : line.pos[hi - 1] + 1]
            written = " ".join(fold(raw).split())
            if f" {written} " not in f" {entry.folded} ":
                # a span that is the type word and nothing else is no name at all ("Thành phố" is no Thạnh Phú)
                return math.inf if (start, end) == (lo, hi) else params.type_inside
            if not _marks_in_name(raw, entry.display):
                return params.mark_cost  # (beyond the marks it pays as letters: a recognizer slips on marks too)
        if lo < start < hi or lo < end < hi:
            return params.type_inside
    return 0.0


@lru_cache(maxsize=65536)
def _marks_in_name(written: str, display: str) -> bool:
    """Whether a written type word is in the name with the marks it was written with (True where it was written
    without marks: nothing to compare)."""
    if fold(written) == written.lower():
        return True
    words = " ".join(_marked_letters(w) for w in written.split())
    return f" {words} " in f" {' '.join(_marked_letters(w) for w in display.split())} "


def _swallowed_part(spans: tuple[tuple[int, int, str], ...], start: int, end: int, name: str, params: Params) -> float:
    """Penalty for a name span that holds a written word opening a part of the free text that the name does not
    hold as a word ("Xóm Đông" read as ward Lâm Động, its "Xóm" two edits away): the hamlet, house number or
    street written before the ward is no part of its name ("Xóm Chiếu" is a ward's name, and holds it)."""
    for lo, hi, written in spans:  # (`_part_spans` of the line)
        if start <= lo and hi <= end and f" {written} " not in f" {name} ":
            return params.part_inside
        if lo < start < hi:  # ... or starts inside it ("X" + "óm Đông": the "X" of "Xóm" is no Xã)
            return params.part_inside
    return 0.0


def _part_spans(line: Prepared) -> tuple[tuple[int, int, str], ...]:
    """Squeezed spans of the written words that open a part of the free text, written with their marks
    (`parts.marked_opening`: "Thôn", "Xóm", "Số", "Khu phố"), each with its folded words."""
    cached = line.memo.get("parts")
    if cached is None and not parts.may_open(line.text):
        cached = line.memo["parts"] = ()  # (most lines: no marked part word at all)
    if cached is None:
        tokens = [(m.start(), m.end()) for m in _TOKEN.finditer(line.text)]
        words = [line.text[a:b] for a, b in tokens]
        start_of = {p: i for i, p in enumerate(line.pos)}
        found = []
        for i in range(len(words)):
            n = parts.marked_opening(words, i)
            if not n:
                continue
            a, b = tokens[i][0], tokens[i + n - 1][1]
            sq = [j for j in range(a, b) if j in start_of]
            if not sq:
                continue
            lo, hi = start_of[sq[0]], start_of[sq[-1]] + 1
            if any(t_lo < hi and lo < t_hi for t_lo, t_hi, _ in line.type_spans):
                continue  # the "Phố" of "Thành Phố" is the type word's
            written = " ".join(fold(line.text[a:b]).replace(".", " ").split())
            found.append((lo, hi, written))
        cached = line.memo["parts"] = tuple(found)
    return cached


def type_words_before(line: Prepared, start: int) -> list[tuple[int, str | None]]:
    """Type words written just before squeezed position `start`: (type word start, canonical type); the first
    entry is (start, None), "no type word"."""
    return [(i, unit_type) for i, unit_type, _ in _type_words(line, start)]


def _type_words(line: Prepared, start: int) -> list[tuple[int, str | None, int]]:
    """Type words written just before squeezed position `start`: (type word start, canonical type, marks the
    written word has wrong: 0 but for a spelled-out type word with a slip in its marks, see `_mark_slips`)."""
    cached = line.memo.get(start)
    if cached is None:
        cached = line.memo[start] = _find_type_words(line, start)
    return cached


@lru_cache(maxsize=1)
def _type_keys_by_length() -> tuple[tuple[int, dict[str, str]], ...]:
    """The type keys grouped by length, longest first: one dictionary probe per length instead of a
    comparison per key (keys are unique, so at most one matches at each length)."""
    by_length: dict[int, dict[str, str]] = {}
    for key, unit_type in abbreviations.type_keys():
        by_length.setdefault(len(key), {})[key] = unit_type
    return tuple(sorted(by_length.items(), key=lambda kv: -kv[0]))


@lru_cache(maxsize=4096)
def _mark_slips(written: str, unit_type: str) -> int:
    """Marks a written type word has wrong against the spelled-out type ("Quân" for Quận: 1), or 0 where it is
    not that type spelled out with other marks (an abbreviation, another spelling, a table variant).

    Why: a writer who spells the type word out but slips on a mark ("Quân", "Huyên", "Tĩnh", "Thành Phô") still
    wrote the type word. Not read as one, it is left for a neighbouring name to swallow: "Thành Phô Biên Hòa"
    gave ward Thạnh Phú, "Huyện Long Phú Tĩnh Sóc Trăng" ward Long Phú. Read as one, it earns no type bonus
    and pays `mark_cost` per slip, so it never wins for the unit it stands before (a hamlet "Tân Phương" before
    a ward stays a hamlet) and a name that really holds the syllable ("Phương Mai", "Hà Tĩnh") still wins on
    its letters; it wins only where it frees the level above from swallowing it. Two-letter types stay out:
    "Xá" is a village syllable (Yên Xá, Đô Xá), not a slip for Xã.
    """
    key = squeeze(written)
    if len(key) < 3 or key != squeeze(unit_type) or abbreviations.unit_type_of(written.split(), 0) is not None:
        return 0
    return Levenshtein.distance(_marked_letters(written), _marked_letters(unit_type))


def _find_type_words(line: Prepared, start: int) -> list[tuple[int, str | None, int]]:
    out: list[tuple[int, str | None, int]] = [(start, None, 0)]
    s = line.squeezed
    for length, keys in _type_keys_by_length():  # longest first, as `abbreviations.type_keys` orders them
        i = start - length
        if i < 0:
            continue
        key = s[i:start]
        unit_type = keys.get(key)
        if unit_type is None or (not line.bound[i] and len(key) < 3):
            continue
        if len(key) < 3 and not line.bound[start]:
            continue  # a short "p"/"tx" glued to letters is more likely part of a word ("T Xã" is not "Tx" + "ã")
        if len(key) < 3 and _inside_dotted(line.text, line.pos[i]):
            continue  # "K.t.t" (khu tập thể) is one abbreviation: its "t.t" is no Thị trấn
        written = line.text[line.pos[i] : line.pos[start - 1] + 1]
        slips = 0
        if fold(written) != written.lower():  # marks written: "Phương", "Quan", "Tĩnh" may be names, not types
            found = abbreviations.unit_type_of(written.split(), 0)
            if found is None or found.type != unit_type or found.n_tokens != len(written.split()):
                slips = _mark_slips(written, unit_type)
                if not slips:
                    continue
        out.append((i, unit_type, slips))
    for length, variants in _slipped_type_keys():
        i = start - length
        if i < 0 or not line.bound[i]:
            continue
        unit_type = variants.get(s[i:start])
        if unit_type is None or any(t == i for t, _, _ in out):
            continue
        written = line.text[line.pos[i] : line.pos[start - 1] + 1]
        if s[start].isdigit() and len(written.split()) > len(unit_type.split()):
            continue  # before a number a letter of its own is a misread digit: "Phường S2" is no "Phườngs" + 2
        if _slipped_spelling(written, unit_type):
            out.append((i, unit_type, 1))
    return out


def _slipped_spelling(written: str, unit_type: str) -> bool:
    """Whether `written`, one slip from `unit_type` in its letters, is that type word slipped rather than a
    word of its own: written with marks, every mark of the type but the slip ("tỉnd", "Huyệện"; "Ninh" is two
    marked edits from "Tỉnh"); written without, no syllable of the language ("tiinh", "huyen9"; "ninh",
    "thinh" and "vinh" are words)."""
    if fold(written) != written.lower():
        return Levenshtein.distance(_marked_letters(written), _marked_letters(unit_type)) == 1
    vocabulary = default_vocabulary()
    return not all(vocabulary.forms(word) for word in written.split())


def slipped_type(written: str) -> str | None:
    """The type a written word is one slip away from ("tỉnd" -> "Tỉnh"; see `_slipped_type_keys`), else None."""
    key = "".join(NOISE if ch.isdigit() else ch for ch in squeeze(written))  # as `prepare` reads "Thà6nh"
    return next((variants.get(key) for n, variants in _slipped_type_keys() if n == len(key)), None)


_SQUEEZED_ALPHABET = "abcdefghijklmnopqrstuvwxyz" + NOISE  # a digit inside a word is NOISE there; others are numbers


@lru_cache(maxsize=1)
def _slipped_type_keys() -> tuple[tuple[int, dict[str, str]], ...]:
    """Squeezed strings one keyboard slip (a letter or digit inserted, replaced or dropped) away from a
    spelled-out type word, grouped by length: "tỉndNam Định", "HNuyện", "Thà6nh phố", "Tỉn".

    Why: such a word is the writer's type word, and not read as one it stands between two units, so the unit
    before it cannot end there ("X. Việt Hùng, HuyệnTrực Ninh, tỉndNam Định" lost its district and ward). It
    counts only where the written word has every letter and mark of the type but the one slip (checked by the
    caller, `_slipped_spelling`), so names one letter from a type word mostly stay names: "Ninh", "Quang",
    "Tuyên", "Phong" are two marked edits from "Tỉnh", "Quận", "Huyện", "Phường". A few name syllables do pass
    ("Thường", "Đỉnh", "Tánh"): like a type word with slipped marks (`_mark_slips`), a slipped one earns no bonus
    and pays `mark_cost`, so a name that holds the syllable still wins on its letters (558 addresses with those
    syllables read the same as before this rule).
    """
    exact = {key for key, _ in abbreviations.type_keys()}
    spelled = [(squeeze(t), t) for t in abbreviations.UNIT_TYPES if len(squeeze(t)) >= 4]
    by_length: dict[int, dict[str, str]] = {}
    for key, unit_type in sorted(spelled, key=lambda kt: -len(kt[0])):
        variants = {key[:i] + key[i + 1 :] for i in range(len(key))}
        for i in range(len(key) + 1):
            for ch in _SQUEEZED_ALPHABET:
                variants.add(key[:i] + ch + key[i:])
                if i < len(key):
                    variants.add(key[:i] + ch + key[i + 1 :])
        for v in variants - exact:
            if len(v) >= 3:
                by_length.setdefault(len(v), {}).setdefault(v, unit_type)
    return tuple(sorted(by_length.items(), key=lambda kv: -kv[0]))


def _inside_dotted(text: str, at: int) -> bool:
    """Whether text position `at` follows a single letter and a dot inside one token ("K.t.t" at the first
    "t"): there a short type spelling is a letter of a dotted abbreviation, not a type word."""
    return at >= 2 and text[at - 1] == "." and text[at - 2].isalpha() and (at == 2 or not text[at - 3].isalnum())


def _type_bonus(unit_type: str | None, entry: Entry, params: Params) -> float | None:
    """Reward a written type word that agrees with the unit; None where the pairing is impossible."""
    numeric = entry.unit.name.isdigit()
    if unit_type is None:
        return None if numeric else 0.0
    if unit_type == entry.unit.type:
        return params.type_bonus_exact
    if entry.level in abbreviations.type_levels(unit_type):
        return params.type_bonus_level
    return None


@lru_cache(maxsize=65536)
def _exact_search(tail: str, group_id: tuple[str, ...], scheme: str) -> tuple[tuple[int, int, int], ...]:
    """Keys that are exactly a suffix of `tail`: a dictionary probe per length instead of a fuzzy search
    (memoised like `_search`: lines that end alike share it)."""
    group = _group(match_index(scheme), group_id)
    if group is None:
        return ()
    found = []
    for n in range(group.min_len, min(len(tail), group.max_len) + 1):
        idx = group.index_of(tail[-n:])
        if idx is not None:
            found.append((n, idx, 0))
    return tuple(found)


def _candidates(
    line: Prepared,
    end: int,
    level: Level,
    group_id: tuple[str, ...],
    scheme: str,
    params: Params,
    exact: bool = False,
    word_start: bool = False,
    postfix: bool = True,
) -> list[LevelMatch]:
    """Units of a group matched on the line just left of `end`, best first (`word_start`: only those that
    start at a written word), and, where an English type word ends at `end` ("Ben Nghe Ward", "Cau Giay
    District", "Binh Phuoc Province"), those just left of it, with the type bonus it earns (`postfix=False`:
    only the former)."""
    post = _postfix_before(line, end) if postfix else None
    if post is not None:
        search = (level, group_id, scheme, params, exact, word_start)
        ranked = _candidates(line, end, *search, postfix=False)
        extra = []
        for m in _candidates(line, post[0], *search, postfix=False):
            bonuses = [b for t in post[1] if (b := _type_bonus(t, m.entry, params)) is not None]
            if bonuses:
                extra.append(replace(m, gain=m.gain + max(bonuses)))
        if not extra:
            return ranked
        return sorted([*ranked, *extra], key=lambda m: -m.gain)[: params.beam * params.ranked_beams]
    if end <= 0:
        return []
    group = _group(match_index(scheme), group_id)
    if group is None or not group.keys:
        return []
    # only as much of the line as the longest key can cover: lines that end alike share the cached search
    first = max(0, end - group.max_len - group.edits(params)[1])
    tail = line.squeezed[first:end]
    if exact:
        found = _exact_search(tail, group_id, scheme)
    elif word_start:  # a search over every district of the country: only suffixes that start a word count
        only = tuple(end - i for i in range(first, end) if line.bound[i])
        found = _search(tail, group_id, scheme, params, only)
    else:
        found = _search(tail, group_id, scheme, params)
    if word_start:
        found = tuple(f for f in found if line.bound[end - f[0]])
    if not found:
        return []
    # cheap optimistic gains first, so that only the few hits that can make the beam are looked at closely
    hits = []
    for length, idx, edits in found:
        start = end - length
        key_len = len(group.keys[idx])
        if edits and key_len <= 3:
            continue
        off = 0.0 if line.bound[start] else params.off_boundary
        if off and key_len <= 4:
            continue
        optimistic = key_len - params.edit_cost * edits - off + params.best_type_bonus
        if optimistic >= params.min_gain:
            hits.append((optimistic, start, idx, edits, off))
    hits.sort(key=lambda h: -h[0])
    best: dict[tuple[str, int], LevelMatch] = {}
    part_spans = _part_spans(line)
    for _, start, idx, edits, off in hits[: params.beam * params.shortlist_beams]:
        key = group.keys[idx]
        written = _written_marked(line, start, end)
        for entry in group.entries[idx]:
            if entry.exact_only and (edits or off):
                continue
            if entry.form and not _written_form(line, start, end, entry.form):
                continue
            stale = 0.0 if entry.unit.current else params.not_current
            inside = _swallowed_type(line, start, end, entry, params) if line.type_spans else 0.0
            if part_spans:
                inside += _swallowed_part(part_spans, start, end, entry.folded, params)
            base = len(key) - params.edit_cost * edits - off - stale - inside
            if written is not None:  # marks were written: they count, beyond the letters
                base -= params.mark_cost * max(0, Levenshtein.distance(entry.marked_key, written) - edits)
            for type_start, unit_type, slips in _type_words(line, start):
                bonus = _type_bonus(unit_type, entry, params)
                if bonus is None:
                    continue
                if slips and not entry.unit.name.isdigit():
                    # a type word with slipped marks earns no bonus, it only keeps names off it; before a number
                    # ("Phương 3", "Quân 5") it is the type word, as nothing else can be
                    bonus = -params.mark_cost * slips
                gain = base + bonus
                if gain < params.min_gain:
                    continue
                match = LevelMatch(level, entry, type_start, start, end, edits, gain, unit_type)
                slot = (entry.unit.code, type_start)
                if slot not in best or best[slot].gain < gain:
                    best[slot] = match
    ranked = sorted(best.values(), key=lambda m: -m.gain)
    return ranked[: params.beam * params.ranked_beams]


def _postfix_before(line: Prepared, end: int) -> tuple[int, tuple[str, ...]] | None:
    """(start, types) of an English type word written as the word just before squeezed position `end`."""
    if end <= 1 or not line.bound[end]:
        return None
    slot = ("post", end)
    if slot not in line.memo:
        i = end - 1
        while i > 0 and not line.bound[i]:
            i -= 1
        types = abbreviations.postfix_types(line.text[line.pos[i] : line.pos[end - 1] + 1]) if i > 0 else ()
        line.memo[slot] = (i, types) if types else None
    return line.memo[slot]  # type: ignore[no-any-return]


def ends_with_exact_province(line: Prepared, scheme: str = "legacy", params: Params = DEFAULT) -> bool:
    """Whether the line ends with a province name written without an edit (a few dictionary probes)."""
    n = len(line.squeezed)
    return bool(n and _candidates(line, n, Level.PROVINCE, ("p",), scheme, params, exact=True))


def written_provinces(line: Prepared, scheme: str, params: Params = DEFAULT) -> frozenset[str]:
    """Codes of the provinces written at the end of the line with at most `params.guard_edits` edits, starting
    at a written word: what the writer (or the recognizer's best reading) says the province is."""
    n = len(line.squeezed)
    found = _candidates(line, n, Level.PROVINCE, ("p",), scheme, params) if n else []
    return frozenset(
        m.entry.unit.code.split("~")[0] for m in found if m.edits <= params.guard_edits and line.bound[m.start]
    )


def _dedupe(matches: list[LevelMatch], params: Params) -> list[LevelMatch]:
    """Keep the best match per unit and extent (with or without its type word), then the beam.

    Candidates far behind the leader are dropped: they would need the levels below to make up the gap.
    """
    seen: set[tuple[str, int]] = set()
    out: list[LevelMatch] = []
    margin = params.margin
    if matches and matches[0].edits == 0 and matches[0].gain >= params.confident:
        margin = params.margin_exact  # an exact, long match leaves little room for rivals
    for m in matches:
        slot = (m.entry.unit.code, m.type_start)
        if slot in seen or (out and m.gain < out[0].gain - margin):
            continue
        seen.add(slot)
        out.append(m)
        if len(out) == params.beam:
            break
    return out


def parse(line: Prepared, scheme: str = "legacy", limit: int = 5, params: Params = DEFAULT) -> list[Parse]:
    """Ranked parses of a line, best first. The empty parse (nothing matched) is always among them.

    Exact matching is tried first: when it finds a complete province/district/ward chain, the fuzzy search
    (which would rank that chain first anyway, exact matches gaining most) is skipped. That is the common case
    for clean lines and for re-reading corrected output. A chain whose unit starts inside a written word is
    searched both ways: "X.RVọng Thê" holds Vọng Thê exactly after an "R" that nothing explains, and with one
    edit from the word's start.
    """
    quick = _parse(line, scheme, limit, params, exact=True)
    if not (quick and len(quick[0].matches) == 3 and all(m.edits == 0 for m in quick[0].matches)):
        return _parse(line, scheme, limit, params, exact=False)
    if all(line.bound[m.type_start] for m in quick[0].matches):
        return quick
    # both: the exact chain may cut a word that the caller then rejects, and its runners-up must stay
    merged: dict[tuple[tuple[str, int, int], ...], Parse] = {}
    for p in quick + _parse(line, scheme, limit, params, exact=False):
        merged.setdefault(tuple((m.entry.unit.code, m.type_start, m.end) for m in p.matches), p)
    return sorted(merged.values(), key=lambda p: -p.score)  # (both lists whole: `_ranked` looks below the best)


def _parse(line: Prepared, scheme: str, limit: int, params: Params, exact: bool) -> list[Parse]:
    n = len(line.squeezed)
    parses: list[Parse] = [Parse(-(params.skip_province + params.skip_district + params.skip_ward), ())]
    if n == 0:
        return parses
    found = _dedupe(_candidates(line, n, Level.PROVINCE, ("p",), scheme, params, exact), params)
    if not exact and scheme == "legacy" and not (found and found[0].edits == 0):  # a province written exactly stands
        found += _implied_provinces(line, scheme, {(m.entry.unit.code, m.start) for m in found}, params)
    # a line whose end is clearly a province is not also read as one that names none
    provinces: list[LevelMatch | None] = [*found]
    if (
        not found
        or found[0].gain < params.confident
        or (scheme == "legacy" and (_city_typed(found[0]) or _district_typed(line, found[0])))
    ):
        provinces.append(None)
    for prov in provinces:
        p_score = prov.gain if prov else -params.skip_province
        p_end = prov.type_start if prov else n
        if scheme == "2025":
            # the 2025 structure has no district: a ward read within one edit (and typed as itself, if typed) is
            # a complete address there, while its legacy reading lacks one ("Phường Cửa Nam, Hà Nội" names the 2025
            # ward, not a former ward of that name with its district left out); any other ward pays for the level
            # like a legacy one does (two edits: "N/dong Doa" is rather the district Đống Đa than ward Dương Hòa)
            _extend_wards(
                line,
                scheme,
                prov,
                None,
                p_score - params.skip_district,
                p_end,
                parses,
                params,
                exact,
                refund=params.skip_district,
            )
            if prov is not None and not exact:
                _before_former_district(line, prov, p_score, p_end, parses, params)
            continue
        vouched: list[LevelMatch] = []  # (see below: only read where no province anchors the district)
        if prov:
            group = ("d", prov.entry.unit.code)
            d_cands = _candidates(line, p_end, Level.DISTRICT, group, scheme, params, exact)
            junk = None if exact else _junk_word_before(line, p_end, before_province=True)
            if junk is not None:  # "H.Mộ Đức TK. Quảng Ngãi": the district ends before a token nothing explains
                skipped = _candidates(line, junk, Level.DISTRICT, group, scheme, params, exact)
                d_cands = sorted(
                    [*d_cands, *(replace(m, gain=m.gain - params.skip_word) for m in skipped)], key=lambda m: -m.gain
                )
        else:
            # no province to anchor it: a district must then be clean evidence on its own, or be announced by a
            # district type word ("H. Lý Nyân", "Q6") and read with at most one edit
            lone = [
                m
                for m in _candidates(line, p_end, Level.DISTRICT, ("da",), scheme, params, exact, word_start=True)
                if line.bound[m.start]
            ]
            d_cands = [m for m in lone if _lone_district(m, params)]
            # a district one slip from its name, unanchored, counts only with a ward of its own read within one
            # edit just before it ("Láng Lớn, Châu Đứcc", "XMiền Đồi, LaZc Sơn"): that pair is evidence, the
            # district alone is not, so no least gain beyond `min_gain` is asked of it
            vouched = [m for m in lone if m.edits == 1 and m not in d_cands]
        for dist in [*_dedupe(d_cands, params), None, *_dedupe(vouched, params)]:
            if dist is None and prov is None:
                continue
            d_score = p_score + (dist.gain if dist else -params.skip_district)
            d_end = dist.type_start if dist else p_end
            weak = prov is None and dist is not None and not _lone_district(dist, params)
            _extend_wards(line, scheme, prov, dist, d_score, d_end, parses, params, exact, exact_ward=weak)
    parses.sort(key=lambda p: -p.score)
    return parses[:limit]


def _before_former_district(
    line: Prepared, prov: LevelMatch, score: float, end: int, parses: list[Parse], params: Params
) -> None:
    """Add the 2025 parses whose ward, written with its own type word, stands before a district of the 3-level
    structure written exactly between it and the province ("Phường Sài Gòn, Quận 1, TP HCM": the writers' habit
    of the 3-level years). Only a district the ward's area was part of (`gazetteer.former_districts`) counts, with
    the gain it would have in a legacy reading ("Phường Sài Gòn, Quận 3" is no such address: the legacy reading
    stands); its words stay in the line as written. The ward is read within one edit."""
    code = prov.entry.unit.code.split("~")[0]
    for old in _candidates(line, end, Level.DISTRICT, ("da",), "legacy", params, exact=True, word_start=True):
        if not line.bound[old.type_start] or province_2025(old.entry.unit.parent or "") != code:
            continue
        for ward in _candidates(line, old.type_start, Level.WARD, ("wp", prov.entry.unit.code), "2025", params):
            typed = ward.type_word == ward.entry.unit.type and line.bound[ward.type_start]
            # only a ward of that district's area: the district then explains its letters as in a legacy reading
            if typed and ward.edits <= 1 and old.entry.unit.code in gazetteer.former_districts(ward.entry.unit.code):
                parses.append(
                    Parse(score + ward.gain + old.gain - params.skip_district * (ward.edits > 0), (prov, ward))
                )


@lru_cache(maxsize=256)
def province_2025(legacy_code: str) -> str | None:
    """The 2025 province a legacy province became (None for a code that is no province)."""
    try:
        return gazetteer.to_2025(province_code=legacy_code.split("~")[0]).province.code
    except (KeyError, ValueError):
        return None


def inside_2025_ward(m: LevelMatch) -> bool:
    """Whether a district's name is part of a longer 2025 ward's name ("Hoa Lư" in Nam Hoa Lư, "Đà Lạt" in
    Xuân Hương - Đà Lạt): only then can the 2025 reading explain the same letters better."""
    key = squeeze(m.entry.display)
    return key in _2025_name_parts()


@lru_cache(maxsize=1)
def _2025_name_parts() -> frozenset[str]:
    """Every run of whole words of a 2025 ward's squeezed name, but the whole name."""
    out: set[str] = set()
    for group in match_index("2025").wards_of_province.values():
        for entries in group.entries:
            for entry in entries:
                words = entry.folded.split()
                n = len(words)
                out.update("".join(words[i:j]) for i in range(n) for j in range(i + 1, n + 1) if j - i < n)
    return frozenset(out)


def _lone_district(m: LevelMatch, params: Params) -> bool:
    """A district that stands with no province: clean evidence on its own, or announced by a district type
    word ("H. Lý Nyân", "Q6") and read with at most one edit."""
    return (m.gain >= params.lone_district_gain and (m.edits == 0 or m.gain >= params.lone_district_fuzzy_gain)) or (
        m.type_word == m.entry.unit.type and m.edits <= 1
    )


def _city_typed(prov: LevelMatch) -> bool:
    """A province read with a district's type word that is not its own ("Thành phố Sóc Trăng", "TP Cà Mau"):
    the words may name the city that shares the province's name, the province left unwritten, so the reading
    without a province (the district found on its own) must be tried too."""
    return (
        prov.type_word is not None
        and prov.type_word != prov.entry.unit.type
        and Level.DISTRICT in abbreviations.type_levels(prov.type_word)
    )


def _district_typed(line: Prepared, prov: LevelMatch) -> bool:
    """A province's name written after a type word that labels districts only ("huyện Vĩnh Thuận", "Thị xã
    Quảng Trị"): the words name a district (one letter from Ninh Thuận, or sharing the province's name), the
    province left unwritten, so the reading without a province must be tried too."""
    return prov.type_word is None and any(
        t is not None and Level.DISTRICT in (levels := abbreviations.type_levels(t)) and Level.PROVINCE not in levels
        for _, t in type_words_before(line, prov.start)
    )


def _implied_provinces(line: Prepared, scheme: str, known: set[tuple[str, int]], params: Params) -> list[LevelMatch]:
    """Provinces vouched for by a district written cleanly just before the line's last words.

    A misread province ("Cà Mam" for Lào Cai) can sit closer to another province's name than to its own; the
    district (Bảo Thắng) is then searched under the wrong province and lost. A district name matched exactly and
    ending where one of the last three words starts names its province, which is offered over the remaining
    words, paying for every edit between them and its name (plus `implied`). Only over words that look like a
    misread or cut-off name: a vowel in each word (a lone letter is a cut-off word), no digits, at most two edits
    beyond what the name may absorb; "Br Vtàu" or "C2 Hn" are abbreviations, written on purpose, and stay.
    """
    n = len(line.squeezed)
    starts = [i for i in range(n - 1, 0, -1) if line.bound[i]][: params.implied_words]
    out: list[LevelMatch] = []
    for start in starts:
        words = fold(line.text[line.pos[start] :]).split()
        if not all((len(w) == 1 or has_vowel(w)) and not _DIGIT.search(w) for w in words):
            break  # a longer tail holds the same words
        for dist in _candidates(line, start, Level.DISTRICT, ("da",), scheme, params, exact=True):
            parent = dist.entry.unit.parent
            if dist.gain < params.confident or not line.bound[dist.start] or parent is None or (parent, start) in known:
                continue  # (the same province found over other letters, "Trà T Thiên Huế", does not count)
            entries = _province_entries(scheme, parent)
            if not entries:
                continue
            written = line.squeezed[start:]
            # the province's spelling closest to what is written: its name or an alias ("Thừa Thiên Huế" for Huế)
            entry = min(entries, key=lambda e: Levenshtein.distance(written, squeeze(e.display)))
            key = squeeze(entry.display)
            if key.startswith(written):  # the line was cut off inside the name ("Hà N"): only what is written counts
                edits, gain = 0, len(written) - params.implied
            else:
                edits = Levenshtein.distance(written, key)
                gain = len(key) - params.edit_cost * edits - params.implied
                if edits > params.max_edits(len(key)) + params.implied_slack:
                    continue
            out.append(LevelMatch(Level.PROVINCE, entry, start, start, n, edits, gain, None))
            known.add((parent, start))
    return out


@lru_cache(maxsize=128)
def _province_entries(scheme: str, code: str) -> tuple[Entry, ...]:
    """The spelled-out entries of a province: its names, aliases and earlier units ("Thừa Thiên Huế" for Huế)."""
    return tuple(
        e
        for entries in match_index(scheme).provinces.entries
        for e in entries
        if e.unit.code.split("~")[0] == code and not e.exact_only
    )


@lru_cache(maxsize=1)
def _spelled_type_keys() -> frozenset[str]:
    """Squeezed spellings of the one-word unit types written out ("quan", "huyen", "phuong", "tinh")."""
    return frozenset(key for key, _ in abbreviations.type_keys() if len(key) >= 3)


def _stray_type_word(written: str) -> bool:
    """A unit-type word written with other marks ("Quân" for Quận, "Huyên" for Huyện) on a line that carries
    marks: not taken as a type word there (it may be a name syllable), but no ward name should swallow it."""
    return (
        " " not in written
        and fold(written) != written.lower()
        and squeeze(written) in _spelled_type_keys()
        and abbreviations.unit_type_of([written], 0) is None
    )


def _slipped_abbreviation(written: str) -> bool:
    """A token of two or three letters and digits that opens with a letter and is typed the way a slip is
    ("TB.", "HA.", "Tc.", "T5", "H3": a capital after the first letter, a digit, or a closing dot) but is no
    type word: a type abbreviation with a stray key ("TK. Quảng Ngãi", "HA.Ba Tơ"), which no unit name should
    swallow."""
    alnum = [ch for ch in written if ch.isalnum()]
    if not 2 <= len(alnum) <= 3 or not alnum[0].isalpha():
        return False
    slip = any(ch.isupper() or ch.isdigit() for ch in alnum[1:]) or written.endswith(".")
    letters = fold("".join(ch for ch in alnum if ch.isalpha()))
    if letters in _numbered_keys() and any(ch.isdigit() for ch in alnum):
        return False  # "P73", "Q3", "Kp4": a numbered ward, district or hamlet
    return slip and abbreviations.unit_type_of([written], 0) is None


@lru_cache(maxsize=1)
def _numbered_keys() -> frozenset[str]:
    """Squeezed spellings of the types that number their units (Phường 7, Quận 3: from the gazetteer) and of
    the free text's part words (Kp4, Tổ 5)."""
    numbered = {unit.type for unit in gazetteer.all_units() if unit.name.isdigit()}
    keys = {key for key, unit_type in abbreviations.type_keys() if unit_type in numbered}
    keys.update(squeeze(spelling) for spelling in parts.spellings())
    return frozenset(key for key in keys if key)


_ASIDE_WORDS = 4  # a remark in brackets between two units ("(cũ)", "(nay là Đông Hòa)") spans at most this many words


def _typed_number(text: str, at: int) -> bool:
    """Whether the word before text position `at` is a type word: the number there is a unit's ("Phường 7"),
    while a lone digit after a name or a comma and before the next name ("Xã Đào Xá,7 Thanh Thủy", "Bảo Lâm 8
    Cao Bằng") is a slip. (One between two commas, "Phường 7, 3, TPHCM", was written as a part.)"""
    before = text[:at].replace(",", " ").replace(";", " ").split()
    return bool(before) and abbreviations.unit_type_of([before[-1]], 0) is not None


def ward_only_type(unit_type: str | None) -> bool:
    """A type word that labels wards and never districts or provinces ("Xã", "Phường", "Thị trấn")."""
    levels = abbreviations.type_levels(unit_type) if unit_type else ()
    return Level.WARD in levels and Level.DISTRICT not in levels and Level.PROVINCE not in levels


def _lower_type_word(token: str) -> bool:
    """A whole token that is a type word of wards or districts, never of provinces ("TT.", "P", "Xã", "Tx.")."""
    found = abbreviations.unit_type_of([token], 0)
    return found is not None and Level.PROVINCE not in abbreviations.type_levels(found.type)


def _junk_word_before(line: Prepared, end: int, before_province: bool = False) -> int | None:
    """`_find_junk_before`, memoised on the line: every province and district candidate asks it again."""
    slot = ("junk", end, before_province)
    if slot not in line.memo:
        line.memo[slot] = _find_junk_before(line, end, before_province)
    return line.memo[slot]  # type: ignore[no-any-return]


def _find_junk_before(line: Prepared, end: int, before_province: bool) -> int | None:
    """Start (squeezed) of the written word just before `end` if it looks like an unlisted abbreviation, or a
    unit-type word misspelled in its marks.

    A short token with letters but no vowel ("Cg", "C2") is no syllable of a unit name; a name matched across
    it would swallow it (2 edits) and drop it from the output. The same holds for "Quân" written for Quận
    between a ward and its district: "Thành Công Quân Ba Đình" is ward Thành Công, not a ward "Đông Quang"
    matched over "Công Quân". Numbers ("Quận 86") and listed abbreviations ("P73", "Kp") are something else and
    stay out of that rule. Skipped too, wherever they stand: a token typed like a slip of a type abbreviation
    (`_slipped_abbreviation`: "TK.", "HA.", listed or not: the units on both sides say it is none of theirs), a
    lone digit that no type word announces (`_typed_number`) and a remark in brackets; and, just before a
    province (`before_province`), a type word of wards or districts ("TT.Quảng Ngãi"), which labels nothing there.
    """
    if end <= 1:
        return None
    a = line.pos[end - 1]
    while a > 0 and not line.text[a - 1].isspace():
        a -= 1
    b = line.pos[end - 1] + 1
    written = line.text[a:b]
    word = fold(written)
    letters = "".join(ch for ch in word if ch.isalpha())
    unlisted = 1 < len(word) <= 3 and letters and not has_vowel(letters) and not abbreviations.is_abbreviation(letters)
    while b < len(line.text) and line.text[b] == ".":
        b += 1  # the token's closing dot ("TK.", "Tu.")
    token = line.text[a:b]
    misplaced = before_province and _lower_type_word(token)
    last = line.pos[end - 1]
    number = (
        line.text[last].isdigit()
        and (last == 0 or not line.text[last - 1].isalnum())
        and line.text[last + 1 :].lstrip(" ")[:1].isalpha()  # ... and runs on into the next name
        and not _typed_number(line.text, last)
    )
    if number and a < last:  # "Xá,7": the digit stands alone after a separator, the word starts there
        a = last
    closing = line.text.find(")", last + 1)
    aside = closing != -1 and not line.text[last + 1 : closing].strip(" .") and "(" in line.text[:last]
    if aside:  # "Phường 2 (cũ), Quận 3": a remark in brackets between two units is skipped whole
        a = line.text.rfind("(", 0, last)
        aside = len(line.text[a:closing].split()) <= _ASIDE_WORDS
    if not (unlisted or misplaced or number or aside or _stray_type_word(written) or _slipped_abbreviation(token)):
        return None
    start = next((i for i in range(end - 1, -1, -1) if line.pos[i] < a), -1) + 1
    return start if 0 < start < end and line.bound[start] else None


def _extend_wards(
    line: Prepared,
    scheme: str,
    prov: LevelMatch | None,
    dist: LevelMatch | None,
    score: float,
    end: int,
    parses: list[Parse],
    params: Params,
    exact: bool = False,
    exact_ward: bool = False,
    refund: float = 0.0,
) -> None:
    """Add the parses that extend `prov`/`dist` with each ward candidate ending at `end`, and the one with no
    ward (`exact_ward`: only wards read within one edit from a word start, and no parse without one; `refund`:
    given back to a ward read within one edit, after its own type word if any)."""
    upper = tuple(m for m in (prov, dist) if m is not None)
    wards: list[tuple[LevelMatch, float]] = []
    if dist is not None:
        wd = ("wd", dist.entry.unit.code)
        wards += [(w, 0.0) for w in _candidates(line, end, Level.WARD, wd, scheme, params, exact)]
    if prov is not None and (not wards or wards[0][0].gain < params.confident) and not (exact and dist is not None):
        # also look across the province: wards moved between districts, and writers slip
        penalty = params.other_district if dist is not None else 0.0
        wards += [
            (w, penalty)
            for w in _candidates(line, end, Level.WARD, ("wp", prov.entry.unit.code), scheme, params, exact)
            # a ward of another district than the one written must be written exactly: a slip in the district
            # and a misspelt ward at once is far less likely than free text that resembles some ward's name
            # ("Thành Phố Rạch Giá" is no ward Thạnh Phước, "Lạc Long Quân" no Đông Quang); and every district
            # has a "Phường 7"
            if dist is None
            or (not w.entry.unit.name.isdigit() and (w.edits == 0 or w.entry.unit.parent == dist.entry.unit.code))
        ]
    junk = _junk_word_before(line, end) if upper and not exact else None
    if junk is not None:  # "Quan Hoa Cg Hn": the ward ends before an abbreviation the levels above do not explain
        group = ("wd", dist.entry.unit.code) if dist is not None else ("wp", prov.entry.unit.code)  # type: ignore[union-attr]
        wards += [(w, params.skip_word) for w in _candidates(line, junk, Level.WARD, group, scheme, params, exact)]
    if exact_ward:
        wards = [(w, penalty) for w, penalty in wards if w.edits <= 1 and line.bound[w.type_start]]
        if not wards:
            return
    wards.sort(key=lambda wp: -(wp[0].gain - wp[1]))
    seen: set[tuple[str, int]] = set()
    for ward, penalty in wards:
        slot = (ward.entry.unit.code, ward.type_start)
        if slot in seen:
            continue
        seen.add(slot)
        as_written = ward.edits <= 1 and ward.type_word in (None, ward.entry.unit.type)  # (its own type, if any)
        parses.append(Parse(score + ward.gain - penalty + (refund if as_written else 0.0), (*upper, ward)))
        if len(seen) == params.beam:
            break
    if not exact_ward and not (len(upper) == 1 and upper[0].edits >= params.lone_province_edits):
        parses.append(Parse(score - params.skip_ward, upper))  # a province far from its name needs a unit below
