"""The recognizer's character set (index 0 is the CTC blank, characters start at 1).

Vietnamese letters in both cases (precomposed, NFC), the ASCII letters f/j/w/z that occur in names
and in the organisers' noise, digits, space and the punctuation seen on address forms. The real
labels use only a subset of it (space, digits, ``/`` and ``'``); the rest costs a few output units.
"""

from __future__ import annotations

from vaddr.ocr_backends.ctc import collapse

_BASE_LOWER = "aăâbcdđeêghiklmnoôơpqrstuưvxy" + "fjwz"
_TONED = "àáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ"
_LOWER = _BASE_LOWER + _TONED
#: Every Vietnamese letter, lower then upper case.
VIETNAMESE_LETTERS: str = _LOWER + _LOWER.upper()
DIGITS = "0123456789"
PUNCT = " /-,.()'"
#: Characters for output indices 1..C-1 (index 0 = CTC blank).
CHARSET: str = PUNCT[:1] + DIGITS + VIETNAMESE_LETTERS + PUNCT[1:]
assert len(set(CHARSET)) == len(CHARSET)
CHAR_TO_IDX: dict[str, int] = {c: i + 1 for i, c in enumerate(CHARSET)}
NUM_CLASSES: int = len(CHARSET) + 1


def encode(text: str) -> list[int]:
    """Label indices of ``text``; characters outside the charset are dropped."""
    return [CHAR_TO_IDX[c] for c in text if c in CHAR_TO_IDX]


def decode_greedy(indices: list[int]) -> str:
    """Text of a best path given as per-frame argmax indices (the CTC rule: merge repeats, drop blanks)."""
    return "".join(CHARSET[i - 1] for i in collapse(indices))
