"""Layout noise of typed and pasted addresses, removed before matching.

Why: typed addresses from customer databases and web forms carry things that are no part of the administrative
units and that the right-to-left matcher would otherwise try to read as units: a trailing country (", Việt Nam",
"VN"), a postcode ("700000"), type letters glued to the name ("XTân Thạnh", "TBình Dương", "HuyệnCai Lậy",
"TTĐức An"), words glued by a lost space ("HàNội"). Each rule is a pattern over the written text; nothing here
knows any unit name, and every rule only inserts a space or removes a trailing token, so the letters the
matcher reads are the letters that were written.

`tidy()` is idempotent (tidying tidied text changes nothing), which keeps `correct()` idempotent.
"""

from __future__ import annotations

import re
from functools import lru_cache

_LOWER = "a-zàáảãạăắằẳẵặâấầẩẫậđèéẻẽẹêếềểễệìíỉĩịòóỏõọôốồổỗộơớờởỡợùúủũụưứừửữựỳýỷỹỵ"
_UPPER = "A-ZÀÁẢÃẠĂẮẰẲẴẶÂẤẦẨẪẬĐÈÉẺẼẸÊẾỀỂỄỆÌÍỈĨỊÒÓỎÕỌÔỐỒỔỖỘƠỚỜỞỠỢÙÚỦŨỤƯỨỪỬỮỰỲÝỶỸỴ"

#: A country name at the end of the line, with the separators before it.
_COUNTRY = re.compile(r"[\s,;.\-]*\b(?:vi[eệ]t\s*nam|vn)\b[\s.,;]*$", re.IGNORECASE)
#: A postcode (5 or 6 digits, as Vietnam's have been) at the end of the line, alone in its token; or a bare
#: number after the last comma, which no unit is written as (a numbered unit has its type word: "Phường 7").
_POSTCODE = re.compile(r"(?:[\s,;\-]+\d{5,6}|\s*,\s*\d{1,3})[\s.,;]*$")
#: A lower-case letter directly followed by an upper-case one inside a token: a lost space ("HàNội", "XãBù").
_CAMEL = re.compile(f"(?<=[{_LOWER}])(?=[{_UPPER}][{_LOWER}])")
#: A digit directly followed by a capitalised word: a lost space ("T5Lào Cai", "x2Trung Sơn").
_DIGIT_WORD = re.compile(f"(?<=[0-9])(?=[{_UPPER}][{_LOWER}])")
#: A comma or semicolon with no space after it, before a letter: "Sơn,,Tỉnh" is two words.
_COMMA = re.compile(f"([,;])(?=[{_LOWER}{_UPPER}])")
#: A unit-type abbreviation glued to a capitalised name at the start of a token ("XTân", "TBình", "TTĐức",
#: "TPBảo", "hLục"): the abbreviation is one of the type letters (X, H, T, P, F, Q) or TT / TP / TX.
_GLUED_TYPE = re.compile(f"(?<![{_LOWER}{_UPPER}0-9])(TT|Tt|TP|Tp|TX|Tx|[XHTPFQxhtpfq])(?=[{_UPPER}][{_LOWER}])")


@lru_cache(maxsize=4096)
def tidy(text: str) -> str:
    """The line without a trailing country or postcode, with glued type letters and words spaced."""
    return _tidy(text)[0]


def tail(text: str) -> str:
    """What `tidy` cut from the end of the line (", Việt Nam 700000"): kept in the output, never matched."""
    return _tidy(text)[1]


def source_index(text: str, tidied: str, i: int) -> int:
    """Index in `text` of character `i` of `tidy(text)` (tidy only inserts spaces and cuts a tail; an inserted
    space maps to the character after it)."""
    if i <= len(tidied) and text.startswith(tidied):
        return i  # nothing inserted (the common case): every character maps to itself
    j = 0
    for k in range(i):
        if j < len(text) and tidied[k] == text[j]:
            j += 1
    return j


@lru_cache(maxsize=4096)
def _tidy(text: str) -> tuple[str, str]:
    out = text
    while _may_end_in_tail(out):
        before = out
        out = _COUNTRY.sub("", out)
        out = _POSTCODE.sub("", out)
        if out == before:
            break
    if not out.strip():  # a line that is only a country or a number stays as written
        out = text
    cut = text[len(out) :]
    # the rules below never match across whitespace: tokens are tidied one by one, and memoised
    return " ".join(_tidy_token(t) for t in out.split(" ")), cut


def _may_end_in_tail(text: str) -> bool:
    """Whether `_COUNTRY` or `_POSTCODE` can match: the line, less trailing separators, ends with a digit,
    "nam" or "vn" (a cheap test that spares the two end-anchored searches on most lines)."""
    end = len(text)
    while end and (text[end - 1].isspace() or text[end - 1] in ".,;"):
        end -= 1
    last = text[max(0, end - 3) : end].lower()
    return last[-1:].isdecimal() or last.endswith(("vn", "nam"))


@lru_cache(maxsize=65536)
def _tidy_token(token: str) -> str:
    token = _COMMA.sub(r"\1 ", token)
    token = _GLUED_TYPE.sub(r"\1 ", token)
    token = _CAMEL.sub(" ", token)
    return _DIGIT_WORD.sub(" ", token)
