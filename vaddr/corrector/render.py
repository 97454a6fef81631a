"""Turn a parse back into text: matched units spelled as in the gazetteer, everything else as written.

The score users feel is the edit distance to what the writer wrote, so rendering changes as little as it can:
type words keep their written form ("Tp" stays "Tp", "Thị Xã" stays spelled out), separators between parts
are kept, numbers are never touched, and only the spelling of recognised names and of known free-text words
is repaired.
"""

from __future__ import annotations

import re
from functools import lru_cache

from vaddr.corrector.matcher import LevelMatch, Parse, Prepared, slipped_type
from vaddr.rules import abbreviations
from vaddr.rules.restore import default_vocabulary
from vaddr.rules.text import fold, has_vowel, squeeze, title_case, to_new_style, to_old_style

MARKED_SHARE = 0.5


def _text_span(line: Prepared, start: int, end: int) -> tuple[int, int]:
    """Squeezed span [start, end) -> span in the normalised text."""
    return line.pos[start], line.pos[end - 1] + 1


def _append(out: str, piece: str) -> str:
    """Concatenate, adding a space only where two words of letters were glued together ("TpHcm")."""
    if not out or not piece or out[-1].isspace() or piece[0].isspace():
        return out + piece
    if out[-1].isalpha() and piece[0].isalpha():
        return out + " " + piece
    if out[-1].isdigit() and piece[:1].isupper() and piece[1:2].islower():
        return out + " " + piece  # ",7Tp" is read back as ",7 Tp" (tidy): print it so, or a re-read changes it
    return out + piece  # "Q3", "Kp4", "P.7": glued as written


def _name_text(written: str, m: LevelMatch) -> str:
    """The gazetteer's spelling of a matched name, in the writer's layout where that is only layout.

    Abbreviations ("Hcm", "Brvt") stay as written. A hyphen the writer left out stays out ("Bà Rịa Vũng Tàu").
    When the letters match exactly and the writer spaced the name differently ("Krông Ana" for "Krông A Na"),
    the writer's spacing is kept; a name written with no space at all, or all in lower case ("hồ chiminh", where
    OCR lost the capitals and a space), gets the gazetteer's.
    """
    if m.entry.exact_only and m.entry.is_alias:
        return written
    if any(ch.isdigit() for ch in written) and not any(ch.isdigit() for ch in m.entry.display):
        return written  # digits inside a name ("Kh3nh") are never corrected: the unit is found, the text kept
    shown = m.entry.display
    if "-" in shown and "-" not in written:
        shown = " ".join(shown.replace("-", " ").split())
    spaced_by_writer = any(ch.isupper() for ch in written)  # "Krông Ana"; in "hồ chiminh" OCR lost the case too
    respaced = written.count(" ") != shown.count(" ") and squeeze(written) == squeeze(shown)  # the same letters
    if m.edits == 0 and spaced_by_writer and " " in written.strip() and respaced:
        letters = iter(ch for ch in shown if ch.isalnum())
        rebuilt = []
        for ch in written:
            rebuilt.append(next(letters, ch) if ch.isalnum() else ch)
        shown = "".join(rebuilt)
    return shown


_TOKEN = re.compile(r"\S+")


def _protected(token: str) -> bool:
    """A token whose letters casing must not touch: letters attached to digits ("12/3A", "P5", "Kp4") and
    abbreviations written with capitals ("TP.HCM", "HCM", "BRVT", "BTh")."""
    if any(ch.isdigit() for ch in token):
        return True
    letters = [ch for ch in token if ch.isalpha()]
    return len(letters) >= 2 and sum(ch.isupper() for ch in letters) >= 2  # "TP.HCM", "BTh": capitals on purpose


@lru_cache(maxsize=4096)
def shouting(text: str) -> bool:
    """A line written all in capitals: its capitals are no abbreviations, casing applies to every word.

    Only words with a vowel count: every Vietnamese syllable has one, initials mostly have none, so "Q1 HCM"
    or "Q3 TPHCM" is a line of abbreviations kept as written, while "THON 1 EA KTUR" is shouted."""
    n_letters = n_upper = 0
    for word in text.split():
        _, _, letters, upper = _word_stats(word)
        n_letters += letters
        n_upper += upper
    return n_letters >= 4 and n_upper >= 0.8 * n_letters


@lru_cache(maxsize=65536)
def _word_stats(word: str) -> tuple[bool, bool, int, int]:
    """Per word (memoised: lines share their words): has a letter, carries a mark, and, for a word with a
    vowel, its letters and its capitals (what `marks_written` and `shouting` count)."""
    alpha = [ch for ch in word if ch.isalpha()]
    vowel = has_vowel(word)
    return (
        bool(alpha),
        fold(word) != word.lower(),
        len(alpha) if vowel else 0,
        sum(ch.isupper() for ch in alpha) if vowel else 0,
    )


def _initials(token: str) -> bool:
    """Digits, or letters with no vowel ("12/3A", "Q.1", "TP.HCM", "HN"): no syllable a writer shouted."""
    return any(ch.isdigit() for ch in token) or not has_vowel(token)


def _case_token(token: str, case: str, keep_caps: bool) -> str:
    if _protected(token) and (keep_caps or _initials(token)):  # a shouted line keeps its initials and numbers
        if case == "title" and token[0].isalpha():  # "kp4" -> "Kp4": only a word's first letter is raised
            return token[0].upper() + token[1:]
        return token
    if case == "title":
        return title_case(token)
    return token.upper() if case == "upper" else token.lower()


@lru_cache(maxsize=65536)
def style(text: str, tone: str, case: str, keep_caps: bool = True) -> str:
    """Apply the output conventions: tone placement and casing, which never touches `_protected` tokens
    (`keep_caps=False` for a line written all in capitals: there casing applies to every word)."""
    text = to_old_style(text) if tone == "old" else to_new_style(text)
    if case not in ("title", "upper", "lower"):
        return text
    return _TOKEN.sub(lambda m: _case_token(m.group(), case, keep_caps), text)


@lru_cache(maxsize=4096)
def marks_written(text: str) -> bool:
    """Whether the line was written with diacritics (most Vietnamese words carry one).

    In such a line a bare word is bare on purpose ("Đông Dinh", "Trà Long"), so free text is left alone;
    restoration is for lines that lost their marks.
    """
    words = marked = 0
    for w in text.split():
        alpha, has_marks, _, _ = _word_stats(w)
        if alpha:
            words += 1
            marked += has_marks
    if not words:
        return False
    return marked >= MARKED_SHARE * words


@lru_cache(maxsize=4096)
def restores_marks(text: str) -> bool:
    """Whether the free text of the line gets its marks restored: a line written without them, and not in
    English ("Lot A2, ... Hiep Phuoc Town": there "Lot" is no "Lót", the writer left the marks out on purpose)."""
    return not marks_written(text) and not any(abbreviations.postfix_types(word) for word in text.split())


@lru_cache(maxsize=65536)
def free_text(text: str, tone: str, case: str, restore: bool = True, keep_caps: bool = True) -> str:
    """Free text (house number, street, hamlet): restore marks only where the word is unambiguous.

    Surrounding whitespace and separators are kept as written.
    """
    core = text.strip()
    if not core:
        return text
    lead = text[: len(text) - len(text.lstrip())]
    trail = text[len(text.rstrip()) :]
    if restore:
        core = default_vocabulary().restore(core)
    return lead + style(core, tone, case, keep_caps) + trail


def render(line: Prepared, best: Parse, tone: str, case: str) -> tuple[str, list[str]]:
    """The corrected line, and the output text of each matched level (same order as `best.matches`)."""
    text = line.text
    fix = restores_marks(text)
    keep_caps = not shouting(text)
    out = ""
    cursor = 0
    unit_texts: list[str] = []
    for m in reversed(best.matches):  # left to right: ward, district, province
        name_a, name_b = _text_span(line, m.start, m.end)
        written_alias = m.entry.exact_only and m.entry.is_alias  # printed as written ("HCM"), else the gazetteer's
        piece = style(_name_text(text[name_a:name_b], m), tone, case, keep_caps and written_alias)
        type_a = name_a
        if m.type_start < m.start:
            type_a, type_b = _text_span(line, m.type_start, m.start)
            written_type = text[type_a:type_b]
            repaired = abbreviations.repair_type_word(written_type, slipped_type(written_type))
            type_out = style(repaired, tone, case, keep_caps)
            piece = _append(type_out + text[type_b:name_a], piece)
        out = _append(_append(out, free_text(text[cursor:type_a], tone, case, fix, keep_caps)), piece)
        unit_texts.append(piece)
        cursor = name_b
    out = _append(out, free_text(text[cursor:], tone, case, fix, keep_caps))
    return " ".join(out.split()), list(reversed(unit_texts))
