"""Text rules for Vietnamese address lines: normalisation, mark stripping, tone placement, casing.

Why this module exists: handwriting recognisers, keyboards and old encodings write the same Vietnamese word in
many byte sequences (precomposed vs decomposed, tone mark on the wrong vowel, Windows-1258 style "base +
tone", look-alike letters such as U+00D0). Everything downstream (gazetteer matching, scoring) compares
strings, so every input goes through :func:`normalize` first and is compared on :func:`fold` keys.

Tone-placement naming follows the project convention (see docs/architecture.md, gazetteer names are "new"):

* ``old`` style: tone on the second vowel of an open ``oa``/``oe``/``uy`` syllable: ``hoà, hoá, thuỷ, khoẻ,
  tuỳ`` (this is what the real handwritten labels use);
* ``new`` style: tone on the first vowel: ``hòa, hóa, thủy, khỏe, tùy`` (what the gazetteer stores).

(Linguists name these two the other way round; we keep the project's names.) Only those syllables differ; all
other syllables have one correct position, which :func:`normalize` enforces.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Literal

__all__ = [
    "TONE_MARKS",
    "normalize",
    "strip_marks",
    "fold",
    "squeeze",
    "strip_tones",
    "to_old_style",
    "to_new_style",
    "tone_style",
    "title_case",
]

# The five Vietnamese tone marks as combining characters: huyền, sắc, ngã, hỏi, nặng.
TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"
_TONE_SET = frozenset(TONE_MARKS)
# Shape marks that make a different letter (â ê ô / ă / ơ ư).
_SHAPE_MARKS = frozenset("\u0302\u0306\u031b")

_VOWELS = frozenset("aăâeêioôơuưy")
_MARKED_VOWELS = frozenset("ăâêôơư")
_VI_LETTERS = frozenset("abcdđefghijklmnopqrstuvwxyzăâêôơư")
_ONSETS = (
    "ngh", "ng", "nh", "ch", "gh", "gi", "kh", "ph", "qu", "th", "tr",
    "b", "c", "d", "đ", "g", "h", "k", "l", "m", "n", "p", "q", "r", "s", "t", "v", "x",
)  # fmt: skip
# Codas; "k" is not Vietnamese but occurs in minority names (Đắk Lắk) that still need a tone position.
_CODAS = frozenset(("", "c", "ch", "m", "n", "ng", "nh", "p", "t", "k"))
_STYLE_NUCLEI = frozenset(("oa", "oe", "uy"))

Style = Literal["old", "new"]

# ------------------------------------------------------------------------------------------------------------
# Character tables, built once at import (a few thousand code points, ~5 ms).


def _build_tables() -> tuple[
    dict[int, str], dict[int, str], dict[int, str], dict[str, tuple[str, str]], dict[tuple[str, str], str]
]:
    strip: dict[int, str] = {}
    fold: dict[int, str] = {}
    untone: dict[int, str] = {}
    toned: dict[str, tuple[str, str]] = {}
    compose: dict[tuple[str, str], str] = {}
    ranges = [range(0x00C0, 0x0250), range(0x1E00, 0x1F00)]
    for rng in ranges:
        for cp in rng:
            ch = chr(cp)
            d = unicodedata.normalize("NFD", ch)
            if len(d) < 2:
                continue
            base = d[0]
            if "a" <= base.lower() <= "z" and all(unicodedata.combining(m) for m in d[1:]):
                strip[cp] = base
            tones = [m for m in d[1:] if m in _TONE_SET]
            if len(tones) == 1:
                rest = unicodedata.normalize("NFC", "".join(m for m in d if m not in _TONE_SET))
                if len(rest) == 1:
                    untone[cp] = rest
                    toned[ch] = (rest, tones[0])
                    compose[(rest, tones[0])] = ch
    strip[ord("đ")] = "d"
    strip[ord("Đ")] = "D"
    for cp, base in strip.items():
        fold[cp] = base.lower()
    return strip, fold, untone, toned, compose


_STRIP, _FOLD_BASE, _UNTONE, _TONED, _COMPOSE = _build_tables()


class _FoldTable(dict[int, str]):
    """str.translate table for fold(): strip marks + lowercase, filled lazily per code point, 1 -> 1 char."""

    def __missing__(self, cp: int) -> str:
        ch = chr(cp)
        low = ch.lower()
        value = low if len(low) == 1 else ch
        self[cp] = value
        return value


_FOLD = _FoldTable(_FOLD_BASE)
for _c in range(128):
    _FOLD[_c] = chr(_c).lower()


def strip_marks(s: str) -> str:
    """Remove all diacritics (tone and shape marks, đ -> d), keeping case; one char in, one char out.

    Length-preserving so spans found on the stripped text map back to the written text. Stray combining
    marks (not expected after :func:`normalize`) are kept as they are for the same reason.
    """
    return s.translate(_STRIP)


def fold(s: str) -> str:
    """Matching key: :func:`strip_marks` + lowercase, strictly length-preserving (``len(fold(s)) == len(s)``).

    Characters whose lowercase is longer than one char (e.g. U+0130) are kept unchanged.
    """
    return s.translate(_FOLD)


_VOWEL = re.compile("[aeiouy]")


def has_vowel(s: str) -> bool:
    """Whether ``s`` holds a vowel letter, marks and case aside: every Vietnamese syllable has one, while
    initials and unlisted abbreviations ("HCM", "TP.HCM", "Cg") mostly have none."""
    return _VOWEL.search(fold(s)) is not None


@lru_cache(maxsize=65536)  # pure; words and names recur on every line
def squeeze(s: str) -> str:
    """:func:`fold` without spaces or punctuation (``"Bà Rịa - Vũng Tàu" -> "bariavungtau"``).

    The key every whole-name comparison uses: a line that lost its marks or its spaces still meets its names.
    Not length-preserving, unlike :func:`fold`.
    """
    return "".join(ch for ch in fold(s) if ch.isalnum())


def strip_tones(s: str) -> str:
    """Remove only the five tone marks and keep letter shapes (ă â ê ô ơ ư đ): ``Thuỷ -> Thuy``, ``Hồ -> Hô``.

    Expects NFC input (then it is length-preserving); decomposed tone marks are removed too.
    """
    s = s.translate(_UNTONE)
    if any(m in s for m in TONE_MARKS):
        s = "".join(c for c in s if c not in _TONE_SET)
    return s


# ------------------------------------------------------------------------------------------------------------
# Syllable analysis and tone placement.


def _lower1(c: str) -> str:
    low = c.lower()
    return low if len(low) == 1 else c


def _parse(toneless_lower: str) -> tuple[int, int, str] | None:
    """Split a toneless lowercase syllable into (nucleus start, nucleus end, coda); None if not Vietnamese."""
    s = toneless_lower
    onset = ""
    for o in _ONSETS:
        if s.startswith(o):
            # "gi"/"qu" are onsets only before another vowel: gìn = g+ì, but già = gi+à, quý = qu+ý.
            if o in ("gi", "qu") and (len(s) == 2 or s[2] not in _VOWELS):
                continue
            onset = o
            break
    i = len(onset)
    j = i
    while j < len(s) and s[j] in _VOWELS:
        j += 1
    if j == i:
        return None
    coda = s[j:]
    if coda not in _CODAS:
        return None
    return i, j, coda


def _tone_index(toneless_lower: str, style: Style) -> tuple[int, bool] | None:
    """Where the tone goes in a toneless lowercase syllable, and whether that depends on the style."""
    parsed = _parse(toneless_lower)
    if parsed is None:
        return None
    i, j, coda = parsed
    nucleus = toneless_lower[i:j]
    marked = [k for k in range(i, j) if toneless_lower[k] in _MARKED_VOWELS]
    if marked:
        return marked[-1], False  # ươ -> ơ, iê -> ê, ưa -> ư
    if coda:
        return j - 1, False  # hoàn, huỳnh, toét
    n = len(nucleus)
    if n >= 3:
        return i + 1, False  # ngoài, khuỷu
    if n == 2 and nucleus in _STYLE_NUCLEI:
        return (i + 1 if style == "old" else i), True
    return i, False  # tài, mía, quả (q+u onset), già


_SYLLABLE = re.compile(r"[^\W\d_]+")


def _analyse(word: str) -> tuple[list[str], int, str] | None:
    """(toneless chars, index of the single toned char, tone mark) for an NFC word with exactly one tone."""
    chars = list(word)
    pos = -1
    tone = ""
    for k, c in enumerate(chars):
        t = _TONED.get(c)
        if t is not None:
            if pos >= 0:
                return None
            pos = k
            chars[k], tone = t
    if pos < 0:
        return None
    return chars, pos, tone


@lru_cache(maxsize=16384)  # pure; the same syllables recur on every line
def _restyle(word: str, style: Style) -> str:
    low = word.translate(_FOLD)
    if "oa" not in low and "oe" not in low and "uy" not in low:
        return word
    a = _analyse(word)
    if a is None:
        return word
    chars, pos, tone = a
    lower = "".join(_lower1(c) for c in chars)
    if any(c not in _VI_LETTERS for c in lower):
        return word
    parsed = _parse(lower)
    if parsed is None:
        return word
    i, j, coda = parsed
    if coda or lower[i:j] not in _STYLE_NUCLEI or pos not in (i, i + 1):
        return word
    target = i + 1 if style == "old" else i
    if target == pos:
        return word
    new = _COMPOSE.get((chars[target], tone))
    if new is None:
        return word
    chars[target] = new
    return "".join(chars)


def to_old_style(s: str) -> str:
    """Move tones of open oa/oe/uy syllables to the second vowel: ``Hòa Bình -> Hoà Bình``, ``THỦY -> THUỶ``.

    Everything else is returned unchanged (quý, giá, hoàn, ngoài are the same in both styles).
    """
    return _SYLLABLE.sub(lambda m: _restyle(m.group(), "old"), s)


def to_new_style(s: str) -> str:
    """Move tones of open oa/oe/uy syllables to the first vowel (gazetteer style): ``Hoá -> Hóa``."""
    return _SYLLABLE.sub(lambda m: _restyle(m.group(), "new"), s)


def tone_style(s: str) -> Style | None:
    """Which convention the text uses: "old", "new", or None when no syllable tells.

    Majority over the style-dependent syllables; a tie goes to the first one seen.
    """
    old = new = 0
    first: Style | None = None
    for m in _SYLLABLE.finditer(s):
        w = m.group()
        if _restyle(w, "new") != w:
            old += 1
            first = first or "old"
        elif _restyle(w, "old") != w:
            new += 1
            first = first or "new"
    if old == new:
        return first
    return "old" if old > new else "new"


# ------------------------------------------------------------------------------------------------------------
# normalize

_LOOKALIKES = {
    0x00D0: "Đ",  # Ð (Icelandic eth, capital) looks exactly like Đ
    0x0189: "Đ",  # Ɖ African D
    0x00F0: "đ",  # ð
    0x0256: "đ",  # ɖ
    0x2018: "'", 0x2019: "'", 0x201A: "'", 0x201B: "'", 0x2032: "'", 0x02BC: "'", 0x00B4: "'",
    0x201C: '"', 0x201D: '"', 0x201E: '"', 0x2033: '"',
    0x2010: "-", 0x2011: "-", 0x2012: "-", 0x2013: "-", 0x2014: "-", 0x2212: "-",
    0x00A0: " ", 0x2007: " ", 0x202F: " ", 0x3000: " ",
    0x200B: None, 0x200C: None, 0x200D: None, 0x2060: None, 0xFEFF: None, 0x00AD: None,
    0x0340: "\u0300",  # deprecated combining grave/acute tone marks (Windows-1258 era input methods)
    0x0341: "\u0301",
}  # fmt: skip
for _cp in range(0xFF01, 0xFF5F):  # full-width ASCII
    _LOOKALIKES[_cp] = chr(_cp - 0xFEE0)

_MOJIBAKE_HINT = re.compile("[ÃÄÆá][\u0080-\u00bf\u0152-\u2122]")
_MARK_AFTER_SPACE = re.compile(r"([^\W\d_])(\s+)([\u0300-\u036f]+)")
_WORD_WITH_MARKS = re.compile(r"(?:[^\W\d_]|[\u0300-\u036f])*[\u0300-\u036f](?:[^\W\d_]|[\u0300-\u036f])*")


def _repair_mojibake(s: str) -> str:
    """Undo UTF-8 read as cp1252/latin-1 ("HÃ  Ná»™i"); only when the round trip is exact."""
    while _MOJIBAKE_HINT.search(s):
        fixed = None
        for enc in ("cp1252", "latin-1"):
            try:
                fixed = s.encode(enc).decode("utf-8")
                break
            except UnicodeError:
                continue
        if fixed is None or fixed == s:
            break
        s = fixed
    return s


@lru_cache(maxsize=65536)
def _fix_word(word: str) -> str:
    """Put the tone of one NFD word back where Vietnamese spelling wants it, then compose (NFC)."""
    bases: list[str] = []
    marks: list[list[str]] = []
    for c in word:
        if unicodedata.combining(c):
            if not bases:
                bases.append("")
                marks.append([])
            marks[-1].append(c)
        else:
            bases.append(c)
            marks.append([])
    tone = ""
    tone_pos = -1
    n_tones = 0
    for k, ms in enumerate(marks):
        for m in ms:
            if m in _TONE_SET:
                tone, tone_pos = m, k
                n_tones += 1
    if n_tones != 1 or not bases[0]:
        # no tone, or several (glued syllables "Thườngtín", doubled marks): only fix the mark order
        parts = [b + "".join(sorted(ms, key=lambda m: m in _TONE_SET)) for b, ms in zip(bases, marks, strict=False)]
        return unicodedata.normalize("NFC", "".join(parts))
    # shape marks stay on their letter, tone marks are removed and re-placed
    parts = []
    for b, ms in zip(bases, marks, strict=False):
        shapes = sorted(dict.fromkeys(m for m in ms if m not in _TONE_SET))
        parts.append(unicodedata.normalize("NFC", b + "".join(shapes)))
    if any(len(p) != 1 for p in parts):
        return unicodedata.normalize("NFC", word)
    lower = "".join(_lower1(p) for p in parts)
    idx = None
    if all(c in _VI_LETTERS for c in lower):
        style: Style = "new"
        parsed = _parse(lower)
        if parsed is not None:
            i, j, coda = parsed
            if not coda and lower[i:j] in _STYLE_NUCLEI and tone_pos == i + 1:
                style = "old"
        res = _tone_index(lower, style)
        if res is not None:
            idx = res[0]
    if idx is None:
        idx = tone_pos
    new = _COMPOSE.get((parts[idx], tone))
    if new is None:
        return unicodedata.normalize("NFC", word)
    parts[idx] = new
    return "".join(parts)


@lru_cache(maxsize=16384)  # pure, and the corrector asks again for the same line several times
def normalize(s: str) -> str:
    """Canonical NFC form of an address line; idempotent.

    Repairs: UTF-8 mojibake; decomposed / Windows-1258 style marks (``a\\u0301 -> á``, ``â\\u0301 -> ấ``,
    marks in the wrong order); tone marks written on the wrong letter of a syllable (``Ngũyên``), after the
    final consonant or after a space; look-alikes (Ð U+00D0 -> Đ, curly quotes, dashes, NBSP, full-width,
    zero-width chars). Collapses whitespace and strips. The tone-placement style of oa/oe/uy (hoà vs hòa) is
    kept as written; use :func:`to_new_style` / :func:`to_old_style` to choose one.
    """
    if s.isascii():
        return " ".join(s.split())
    out = _normalize_once(s)
    # one cleaning can enable another: a mojibake pair a stray NBSP had broken ("Ã\x80\xa0"), a mark left after
    # a space that a moved mark uncovered ("AÒ \u0300"). Again while that happens, so that the result is a fixed
    # point (a few rounds at most).
    for _ in range(3):
        if out == s or not (_MOJIBAKE_HINT.search(out) or any(unicodedata.combining(c) for c in out)):
            break
        s, out = out, _normalize_once(out)
    return out


def _normalize_once(s: str) -> str:
    s = _repair_mojibake(s)
    s = s.translate(_LOOKALIKES)
    tokens = s.split()
    if not any(unicodedata.combining(t[0]) for t in tokens):
        # No mark stranded after a space: every repair below stays inside one token, so tokens are repaired
        # one by one, and memoised (lines share their words).
        return " ".join(" ".join(_normalize_token(t) for t in tokens).split())
    return _normalize_text(s)


@lru_cache(maxsize=65536)
def _normalize_token(s: str) -> str:
    """`_normalize_text` of one whitespace-free token."""
    return _normalize_text(s)


def _normalize_text(s: str) -> str:
    d = unicodedata.normalize("NFD", s)
    if d != s or any(unicodedata.combining(c) for c in d):
        d = _MARK_AFTER_SPACE.sub(r"\1\3\2", d)
        s = _WORD_WITH_MARKS.sub(lambda m: _fix_word(m.group()), d)
        s = unicodedata.normalize("NFC", s)
        s = s.translate(_LOOKALIKES)
    return " ".join(s.split())


# ------------------------------------------------------------------------------------------------------------
# Title case

_TOKEN = re.compile(r"\S+")
_PART = re.compile(r"[^-]+")


def _cap(part: str) -> str:
    for k, c in enumerate(part):
        if c.isalnum():
            if c.isalpha():
                head = c.upper()
                if len(head) != 1:  # "ß".upper() == "SS": keep one character so casing is idempotent
                    head = c
                return part[:k] + head + part[k + 1 :].lower()
            return part.lower()
    return part


def title_case(s: str) -> str:
    """Title Case the way the real address lines are written: ``tp hcm -> Tp Hcm``, ``67B/75 -> 67b/75``.

    Per whitespace token (and per hyphen-joined part): the first letter is upper case, the rest lower case; a
    token starting with a digit stays all lower case (house numbers ``919/4/52``, ``9b6``); ``D2/88`` keeps
    its initial capital. Unlike ``str.title`` it does not capitalise after digits or apostrophes (``M'gar``).
    """
    return _TOKEN.sub(lambda m: _PART.sub(lambda p: _cap(p.group()), m.group()), s)
