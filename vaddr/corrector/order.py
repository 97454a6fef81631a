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
from functools import cache

from vaddr import gazetteer
from vaddr.corrector import parts
from vaddr.rules import abbreviations
from vaddr.rules.text import fold

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


def _free_text_start(piece: str) -> int | None:
    """Index of the word where free text starts inside the last piece of a province-first line, or None.

    Why: written province first without commas ("TP. Hà Nội Q. Đống Đa P. Văn Miếu Thôn 3", "TP.HCM Q.1
    P.6 54d Cộng Hoà"), the house number, street or hamlet follows the ward inside its piece; reversed as one
    piece, the ward would have to be read at the end of that free text, where a street or hamlet name that
    looks like a ward wins ("Lê Lợi" read as ward Tế Lợi). Free text starts at a word that opens an address
    part (Thôn, Ấp, Tổ, Số, Đường: data/part_words.tsv) or at a house number, after at least the type word and
    one word of the name; a number just after a type word spelled apart is the ward's own ("Phường 6").
    """
    words = piece.split()
    glued = abbreviations.split_glued(words[0]) is not None if words else False
    for j in range(1 if glued else 2, len(words)):
        if words[j][0].isdigit():
            before = abbreviations.unit_type_of(words, j - 1)
            if before is None or before.n_tokens != 1:
                return j
        elif parts.opening(words, j):
            return j
    return None


@cache
def _hyphenated() -> frozenset[tuple[tuple[str, ...], tuple[str, ...]]]:
    """The unit names written with a dash ("Bà Rịa - Vũng Tàu", "Phan Rang - Tháp Chàm"), as the folded words
    before and after it: a line cut at its dashes must not cut them."""
    out = set()
    for unit in gazetteer.all_units():
        if "-" in unit.name:
            before, _, after = unit.name.partition("-")
            out.add((tuple(fold(before).split()), tuple(fold(after).split())))
    return frozenset(out)


def _by_dashes(text: str) -> list[str]:
    """`text` cut at its dashes, except those inside a unit's name."""
    pieces: list[str] = []
    for piece in (p for p in _DASHES.split(text) if p.strip()):
        if pieces:
            left, right = fold(pieces[-1]).split(), fold(piece).split()
            if any(left[-len(a) :] == list(a) and right[: len(b)] == list(b) for a, b in _hyphenated()):
                pieces[-1] = f"{pieces[-1]} - {piece}"
                continue
        pieces.append(piece)
    return pieces


def reorderings(text: str) -> list[str]:
    """The line with its parts in reverse order, when it has several parts; [] otherwise.

    A line cut at its type words whose last piece holds free text after the ward (see `_free_text_start`)
    also gets that free text put first, then the rest reversed; both orders compete.
    """
    pieces = [p for p in _SEPARATORS.split(text) if p.strip()]
    if len(pieces) < 2:
        pieces = _by_dashes(text)
    by_type_word = len(pieces) < 2
    if by_type_word:
        pieces = _pieces_by_type_word(text)
    if len(pieces) < 2:
        return []
    out = [", ".join(reversed(pieces))]
    cut = _free_text_start(pieces[-1]) if by_type_word else None
    if cut is not None:
        words = pieces[-1].split()
        split = [*pieces[:-1], " ".join(words[:cut]), " ".join(words[cut:])]
        out.insert(0, ", ".join(reversed(split)))
    return out


def district_first(head: str, province: str) -> list[str]:
    """`head` + `province` with the parts of `head` reversed and the province kept last: a line written
    district, ward, province ("Q.3 P.7 TP.HCM", "Huyện Ba Vì, Xã Tản Lĩnh, Hà Nội") put in the usual order
    ("P.7, Q.3, TP.HCM"); [] when `head` has fewer than two parts. The caller offers it only for a line that
    opens with a district's type word and whose reading found no district."""
    pieces = [p for p in _SEPARATORS.split(head) if p.strip()]
    if len(pieces) < 2:
        pieces = _by_dashes(head)
    if len(pieces) < 2:
        pieces = _pieces_by_type_word(head)
    if len(pieces) < 2:
        return []
    return [", ".join([*(p.strip() for p in reversed(pieces)), province.strip()])]
