"""The free text left of the administrative units, split into labelled parts.

Why: logistics users need the house number and the street, not one unparsed remainder. The remainder of
"Số 10, Ngách 43/3, Ngõ 43 Nguyễn Ngọc Nại" is house_number "Số 10", alley "Ngách 43/3", alley "Ngõ 43",
street "Nguyễn Ngọc Nại". Parts are opened by the words of ``data/part_words.tsv`` (a table, so it grows
without code), by a number (a house number: "12/3A", "954/72/7"), and closed by a comma or the next opening
word; a number after a word that takes one ("Ngõ 43", "Tổ 9") closes that part, and the bare words after a
house number or an alley are its street. Words no rule labels are ``other`` (a village name, a landmark).
The parts are cut from the remainder as output, so their text is what the user sees.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources

from vaddr.rules.text import fold
from vaddr.types import AddressPart

_MAX_WORDS = 3
_STRIP = ",;:()[]\"'"
_NUMBER = re.compile(r"\d")


@dataclass(frozen=True, slots=True)
class _Word:
    label: str
    canonical: str  # lower case with marks
    n: int


@cache
def rows() -> tuple[tuple[str, str, str], ...]:
    """(label, canonical spelling, comma-separated abbreviations) of each row of data/part_words.tsv."""
    text = resources.files(__package__).joinpath("data/part_words.tsv").read_text(encoding="utf-8")
    out = []
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            label, canonical, variants = (line.split("\t") + ["", ""])[:3]
            out.append((label, canonical, variants))
    return tuple(out)


def _spellings(canonical: str, variants: str) -> list[str]:
    """A row's canonical spelling and its abbreviations."""
    return [canonical, *(v for v in variants.split(",") if v.strip())]


@cache
def spellings() -> tuple[str, ...]:
    """Every spelling of every row (canonical and abbreviated), for tables built elsewhere from them."""
    return tuple(spelling for _, canonical, variants in rows() for spelling in _spellings(canonical, variants))


@cache
def _table() -> dict[tuple[str, ...], list[_Word]]:
    """Folded token tuple -> the opening words it may be."""
    out: dict[tuple[str, ...], list[_Word]] = {}
    for label, canonical, variants in rows():
        for spelling in _spellings(canonical, variants):
            key = tuple(fold(t) for t in spelling.lower().split())
            word = _Word(label, canonical.lower() if spelling == canonical else "", len(key))
            out.setdefault(key, []).append(word)
    return out


def _opening(tokens: list[str], i: int) -> _Word | None:
    """The longest opening word at token i; a written word with other marks than the table's is a name."""
    table = _table()
    for n in range(min(_MAX_WORDS, len(tokens) - i), 0, -1):
        written = [t.strip(_STRIP) for t in tokens[i : i + n]]
        for word in table.get(tuple(fold(t).lower() for t in written), ()):
            marked = " ".join(written).lower()
            if not word.canonical or fold(marked) == marked or marked == word.canonical:
                return word
    return None


def opening(tokens: list[str], i: int) -> bool:
    """Whether a word that opens an address part (Thôn, Số, Đường, Khu phố...) starts at token i."""
    return _opening(tokens, i) is not None


@cache
def _marked_first_words() -> frozenset[str]:
    """Lower-case first words, with their marks, of the table's spellings that carry marks ("xóm", "số")."""
    return frozenset(canonical.lower().split()[0] for _, canonical, _ in rows() if fold(canonical) != canonical.lower())


def may_open(text: str) -> bool:
    """Whether any word of `text` may be a part word written with its marks (a cheap test before
    `marked_opening` on every word)."""
    first = _marked_first_words()
    return any(word.strip(_STRIP).lower() in first for word in text.split())


def marked_opening(tokens: list[str], i: int) -> int:
    """How many tokens the word that opens an address part at token i spans ("Khu phố": 2), when it is written
    with the table's marks ("Xóm", "Số"); 0 otherwise. Written bare or abbreviated ("ap", "sn", "dg"), it may
    as well be a name's syllables or initials."""
    if tokens[i].strip(_STRIP).lower() not in _marked_first_words():
        return 0  # (most words: one set probe)
    found = _opening(tokens, i)
    if found is None or not found.canonical:
        return 0
    written = " ".join(t.strip(_STRIP) for t in tokens[i : i + found.n]).lower()
    return found.n if written == found.canonical and fold(written) != written else 0


_TAKES_NUMBER = {"house_number", "alley", "hamlet", "apartment", "floor", "street", "building"}


@lru_cache(maxsize=4096)
def split_parts(remainder: str) -> tuple[AddressPart, ...]:
    """Labelled parts of a remainder, in written order."""
    parts: list[tuple[str, list[str]]] = []
    for segment in re.split(r"[,;]", remainder):
        tokens = segment.split()
        i = 0
        open_part: tuple[str, list[str]] | None = None
        previous = ""
        while i < len(tokens):
            word = _opening(tokens, i)
            token = tokens[i]
            if word is not None:
                open_part = (word.label, tokens[i : i + word.n])
                parts.append(open_part)
                i += word.n
                if i < len(tokens) and _NUMBER.search(tokens[i]) and word.label in _TAKES_NUMBER:
                    open_part[1].append(tokens[i])
                    i += 1
                    previous, open_part = word.label, None  # "Ngõ 43 Nguyễn Ngọc Nại": the street follows
                continue
            if _NUMBER.search(token):
                parts.append(("house_number", [token]))
                previous, open_part = "house_number", None
                i += 1
                continue
            if open_part is None:
                label = "street" if previous in ("house_number", "alley") else "other"
                open_part = (label, [])
                parts.append(open_part)
            open_part[1].append(token)
            previous = open_part[0]
            i += 1
    out = []
    for label, words in parts:
        text = " ".join(words).strip(" ,;.-")
        if text:
            out.append(AddressPart(label=label, text=text))  # type: ignore[arg-type]
    return tuple(out)
