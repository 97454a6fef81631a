"""Spelling folds shared by the gazetteer build script and the loader.

Kept separate so that the build (tools/build_gazetteer.py) and anything that wants to compare a written
name with a stored one fold text the same way.
"""

from __future__ import annotations

import re
import unicodedata

# Combining tone marks (the five Vietnamese tones); vowel-shape marks (breve, circumflex, horn) are kept.
_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
# Sources mix two tone placements for open syllables ending in oa/oe/uy ("Hoà" vs "Hòa"). Both official
# sources and most forms use "Hòa, Thủy, Hóa, Khỏe", so that is the stored form. "qu" is a consonant, so
# "Quý" is not an oa/oe/uy syllable and stays as it is.
_OPEN = re.compile(r"^([^aeiouyăâêôơư]*?)(o[ae]|uy)$", re.IGNORECASE)
_WORD = re.compile(r"\w+")


def _fold_word(word: str) -> str:
    decomposed = unicodedata.normalize("NFD", word)
    tones = [ch for ch in decomposed if ch in _TONES]
    if len(tones) != 1:
        return word
    base = unicodedata.normalize("NFC", "".join(ch for ch in decomposed if ch not in _TONES))
    m = _OPEN.match(base)
    if not m or m.group(1).lower().endswith("q") or m.group(1).lower() == "g":
        return word
    pos = len(m.group(1))
    return unicodedata.normalize("NFC", base[: pos + 1] + tones[0] + base[pos + 1 :])


def canonical(text: str) -> str:
    """NFC with the tone placement of the official sources, so equal names compare equal as strings."""
    text = unicodedata.normalize("NFC", " ".join(text.split()))
    return _WORD.sub(lambda m: _fold_word(m.group(0)), text)


def key(text: str) -> str:
    """Diacritic-, case- and space-free form; the sources' own alias keys are written this way."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in decomposed if ch.isalnum() and ch.isascii()).lower()
