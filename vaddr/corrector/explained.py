"""Which parses explain what is written: a unit may rewrite the words it was matched on, never eat others.

The matcher works on the folded, space-free line, so a unit can be matched across a written word boundary and
absorb extra letters as edits. That is how lost spaces ("KaoBuôn") and misread letters are forgiven, but it is
also how "(nhà riêng)" after an address became "(N Hà Giang)" (the province cut out of the middle of "nhà") and
how "Đắk Lắk xyz" lost its "xyz" (three letters absorbed as edits, then not rendered). `correct()` keeps only
parses that pass the two checks below; a line with none left is returned as written, with no unit.

1. **No word is cut.** Where a unit (with its type word) starts or ends inside a written word, the rest of that
   word must be explained too: by the neighbouring unit (two names written without a space) or by being a
   known word of two letters or more (a free word glued to the name). A lone leftover letter ("N" + "hà") is
   not writing that anybody meant.
2. **No word is dropped.** Every written word of two characters or more inside a unit's span must share
   letters with the unit's name: a word whose every letter is an edit (deleted to reach the name) was not part
   of it.
"""

from __future__ import annotations

from rapidfuzz.distance import Levenshtein

from vaddr.corrector.matcher import LevelMatch, Parse, Prepared
from vaddr.rules import abbreviations
from vaddr.rules.restore import default_vocabulary
from vaddr.rules.text import squeeze

__all__ = ["explained", "cut_words", "dropped_words"]


def _word_range(line: Prepared, i: int) -> tuple[int, int]:
    """Squeezed [start, end) of the written word containing squeezed index ``i`` (bounds include the
    letter/digit changes, as the matcher counts them)."""
    a = i
    while a > 0 and not line.bound[a]:
        a -= 1
    b = i + 1
    while b < len(line.squeezed) and not line.bound[b]:
        b += 1
    return a, b


def _covered(parse: Parse, a: int, b: int) -> bool:
    return any(m.type_start <= a and b <= m.end for m in parse.matches)


def _fragment_ok(line: Prepared, parse: Parse, a: int, b: int, before: bool = False) -> bool:
    """Squeezed [a, b): a piece of a written word left outside a unit. Fine if another unit covers it, or it is
    a known word (a space the writer or the recognizer lost), or, just before the unit, a unit-type abbreviation
    glued to its name ("xquang đức", "ttmường khương", "Fmễ Trì")."""
    if a >= b or _covered(parse, a, b):
        return True
    text = line.text[line.pos[a] : line.pos[b - 1] + 1]
    word = "".join(ch for ch in text if ch.isalnum())
    if word.isdigit():
        return True
    if before and abbreviations.unit_type_of([word], 0) is not None:
        return True
    return len(word) >= 2 and default_vocabulary().knows(word)


def cut_words(line: Prepared, parse: Parse) -> list[str]:
    """Written words a unit of ``parse`` cuts, leaving a piece that nothing explains."""
    out = []
    n = len(line.squeezed)
    for m in parse.matches:
        if m.end <= m.type_start:
            continue
        for edge in (m.type_start, m.end):
            if edge <= 0 or edge >= n or line.bound[edge]:
                continue
            if edge == m.type_start:
                a, _ = _word_range(line, edge - 1)
                piece = (a, edge)
            else:
                _, b = _word_range(line, edge)
                piece = (edge, b)
            if not _fragment_ok(line, parse, *piece, before=edge == m.type_start):
                out.append(line.text[line.pos[piece[0]] : line.pos[piece[1] - 1] + 1])
    return out


def _dropped(line: Prepared, m: LevelMatch) -> list[str]:
    written = line.squeezed[m.start : m.end]
    key = squeeze(m.entry.display)
    if not written or not key or written == key:
        return []
    deleted = {op.src_pos for op in Levenshtein.editops(written, key) if op.tag == "delete"}
    out = []
    i = m.start
    while i < m.end:
        a, b = _word_range(line, i)
        a, b = max(a, m.start), min(b, m.end)
        if b - a >= 2 and all(j - m.start in deleted for j in range(a, b)):
            out.append(line.text[line.pos[a] : line.pos[b - 1] + 1])
        i = b
    return out


def dropped_words(line: Prepared, parse: Parse) -> list[str]:
    """Written words inside a unit's span that the unit's name does not contain at all."""
    return [w for m in parse.matches for w in _dropped(line, m)]


def explained(line: Prepared, parse: Parse) -> bool:
    """Whether every unit of ``parse`` rewrites only words it explains (see the module docstring)."""
    return not cut_words(line, parse) and not dropped_words(line, parse)
