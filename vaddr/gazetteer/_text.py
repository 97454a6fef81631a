"""Spelling folds shared by the gazetteer build script and the loader.

Kept separate so that the build (tools/build_gazetteer.py) and anything that wants to compare a written
name with a stored one fold text the same way. Both folds are the runtime ones from :mod:`vaddr.rules.text`
(one implementation of tone placement and of the squeezed key), so a name is stored the way the corrector
will later look it up.
"""

from __future__ import annotations

import unicodedata

from vaddr.rules.text import squeeze, to_new_style

__all__ = ["canonical", "key"]


def canonical(text: str) -> str:
    """NFC with the tone placement of the official sources, so equal names compare equal as strings.

    Sources mix two tone placements for open syllables ending in oa/oe/uy ("Hoà" vs "Hòa"). Both official
    sources and most forms use "Hòa, Thủy, Hóa, Khỏe" (the *new* style of :func:`vaddr.rules.text.to_new_style`),
    so that is the stored form; "qu" and "gi" are consonants, so "Quý" stays as it is.
    """
    return to_new_style(unicodedata.normalize("NFC", " ".join(text.split())))


def key(text: str) -> str:
    """Diacritic-, case- and space-free form; the sources' own alias keys are written this way."""
    return squeeze(text)
