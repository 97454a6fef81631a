"""Other orders a line may have been written in.

Why: the matcher reads a line from its right end, small to large ("ward, district, province"), as Vietnamese
addresses are written. Forms and databases also hold the reverse ("Hồ Chí Minh, Quận 1, Bến Thành",
"HCM Q1 P Ben Thanh"). Rather than a second matcher, the line is cut into its parts and the parts are put in
the usual order; the reordered line is parsed like any other and competes with the line as written (paying
`Params.reorder_cost`), so a reordering wins only where it explains the letters better. The parts are the
comma / semicolon-separated pieces when there are several, else pieces that start at a written type word
("Q1", "P", "Huyện").
"""

from __future__ import annotations

import re

from vaddr.rules import abbreviations

_SEPARATORS = re.compile(r"\s*[,;|]\s*")
_DASHES = re.compile(r"\s+[-–]\s+")  # only where no comma splits the line: "Bà Rịa - Vũng Tàu" is one name


def _pieces_by_type_word(text: str) -> list[str]:
    words = text.split()
    pieces: list[list[str]] = []
    for i, word in enumerate(words):
        starts = i > 0 and (
            abbreviations.unit_type_of(words, i) is not None or abbreviations.split_glued(word) is not None
        )
        if starts or not pieces:
            pieces.append([word])
        else:
            pieces[-1].append(word)
    return [" ".join(p) for p in pieces]


def reorderings(text: str) -> list[str]:
    """The line with its parts in reverse order, when it has several parts; [] otherwise."""
    pieces = [p for p in _SEPARATORS.split(text) if p.strip()]
    if len(pieces) < 2:
        pieces = [p for p in _DASHES.split(text) if p.strip()]
    if len(pieces) < 2:
        pieces = _pieces_by_type_word(text)
    if len(pieces) < 2:
        return []
    return [", ".join(reversed(pieces))]
