"""Map a unit's span in the normalised line back to the text the caller passed (`UnitMatch.span`).

The matcher reads `rules.text.normalize(text)`: whitespace collapsed, characters composed (NFC), look-alikes
replaced, tone marks moved onto the right letter, mojibake repaired. The span a caller can use indexes *their*
text, so it is mapped back word by word: the n-th word of the normalised line is the n-th word of the input.
Inside a word the offset carries over when the word kept its length (always for ASCII input); otherwise only a
span edge on the word's start or end can be mapped. When the words do not correspond one to one (normalising
moved a mark across a space, repaired mojibake), no span is given (None) rather than a wrong one.
"""

from __future__ import annotations

import re

_WORD = re.compile(r"\S+")


def _locate(words: list[tuple[int, int]], i: int, end: bool) -> tuple[int, int] | None:
    """(word index, offset in that word) of a position; ``end`` positions belong to the word they close."""
    for k, (a, b) in enumerate(words):
        if (a <= i < b) if not end else (a < i <= b):
            return k, i - a
    return None


def to_input(original: str, normalised: str, span: tuple[int, int]) -> tuple[int, int] | None:
    """``span`` (indices into ``normalised``) as indices into ``original``, or None when it cannot be exact."""
    if original == normalised:
        return span
    src = [m.span() for m in _WORD.finditer(original)]
    dst = [m.span() for m in _WORD.finditer(normalised)]
    if len(src) != len(dst):
        return None
    out = []
    for pos, end in ((span[0], False), (span[1], True)):
        at = _locate(dst, pos, end)
        if at is None:
            return None
        k, offset = at
        (sa, sb), (da, db) = src[k], dst[k]
        if sb - sa == db - da:
            out.append(sa + offset)
        elif offset == 0:
            out.append(sa)
        elif offset == db - da:
            out.append(sb)
        else:
            return None
    return out[0], out[1]
