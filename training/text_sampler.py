"""Synthetic Vietnamese address lines, distributed like the lines people write on forms.

A line is ``[house number / street] [hamlet] ward district province`` in Title Case, with the type
words (Xã, Huyện, Tp, Thị Trấn, ...) mostly left out, as on the real forms. Names come from the
gazetteer (``vaddr.gazetteer``: every level of the legacy 3-level scheme and of the 2025 2-level
scheme); hamlet and street names reuse the gazetteer's name pool. The probabilities below were set by
looking at aggregate statistics of the real dev labels (share of lines with digits, with hamlet
prefixes, with Tp, ...; see ``training/compare_stats.py``), never by copying their lines.

The real challenge lines never contain the digit 0 (the organisers randomised numbers with digits
1-9), but real addresses are full of them (Quận 10, Phường 10, Tổ 20, Số 100, alleys 20/7, 6-digit
postcodes): numbers here are written the way people write them, 0 included (a leading digit 1-9,
later digits 0 with probability :data:`ZERO_RATE`, round numbers, numbered units up to 20 and a
postcode now and then), so that the model learns the 0 glyph. Old-style tone marks (Hoà, Thuỷ) and
the organisers' random digit inside a word (1-9, as in the real data) are imitated too.
"""

from __future__ import annotations

import random
import re
import unicodedata
from dataclasses import dataclass
from functools import cache

from vaddr import gazetteer
from vaddr.gazetteer import Unit

#: Centrally-run cities hold far more people (and form writers) than their share of wards: drawn
#: this much more often, so that Hồ Chí Minh / Hà Nội lines are as common as in the real statistics.
CITIES = ("Hồ Chí Minh", "Hà Nội", "Hải Phòng", "Đà Nẵng", "Cần Thơ")
URBAN_SHARE = 0.12
#: Probability that a non-leading digit of a number is 0 (uniform digits would give 0.1; round
#: numbers such as 10, 20, 100 are more common than that in addresses).
ZERO_RATE = 0.25
#: Share of numbers drawn as round numbers (a multiple of 10 or 100).
ROUND_RATE = 0.12
#: Share of lines that end with a 6-digit postcode (700000, 100000, 550000, 760421).
POSTCODE_RATE = 0.04
#: Every charset character must occur in training text or the model can never learn to emit it
#: (issue 10: 54 of the 204 never did). People do write addresses in capitals, separate the parts by
#: commas, abbreviate with a dot (Tp., Q.), keep hyphens (Bà Rịa - Vũng Tàu) and add remarks in
#: parentheses; a few random letters cover the rest (f, z, capital toned vowels). Rates stay low: the
#: real dev lines have none of it.
CAPS_RATE = 0.05
COMMA_RATE = 0.03
DOT_RATE = 0.15  # of abbreviated type words (Tp, Q, P, Tt, Tx, Kp)
HYPHEN_RATE = 0.2  # of names written with a hyphen in the gazetteer
PAREN_RATE = 0.006
LETTER_NOISE_RATE = 0.03
_REMARKS = ("Cũ", "Mới", "Gần Chợ", "Đối Diện Ubnd", "Nhà Trọ", "Ký Túc Xá", "Cổng Sau")


@dataclass(frozen=True)
class Scheme:
    """Units of one administrative scheme, indexed for top-down sampling."""

    by_code: dict[str, Unit]
    wards: tuple[Unit, ...]
    urban_wards: tuple[Unit, ...]
    districts: tuple[Unit, ...]
    provinces: tuple[Unit, ...]


def _units(which: str) -> list[Unit]:
    gaz = getattr(gazetteer, which)()
    return [u for lvl in (1, 2, 3) for u in gaz.units(lvl)]


@cache
def scheme(which: str) -> Scheme:
    """``legacy`` (ward/district/province) or ``current`` (2025: ward/province)."""
    units = _units(which)
    by_code = {u.code: u for u in units}
    wards = tuple(u for u in units if u.level == 3 and u.parent in by_code)

    def province(u: Unit) -> Unit:
        while u.parent in by_code:
            u = by_code[u.parent]  # type: ignore[index]
        return u

    return Scheme(
        by_code,
        wards,
        tuple(u for u in wards if province(u).name in CITIES),
        tuple(u for u in units if u.level == 2),
        tuple(u for u in units if u.level == 1),
    )


@cache
def name_pool() -> tuple[str, ...]:
    """Bare names of every unit of both schemes: reused for hamlets and streets."""
    names = {u.name for w in ("legacy", "current") for u in scheme(w).by_code.values()}
    return tuple(sorted(n for n in names if not n.isdigit() and len(n) > 2))


# ---------------------------------------------------------------- text helpers
_MARKS = "\u0300\u0301\u0303\u0309\u0323"
_OLD_STYLE = re.compile(rf"([oO])([{_MARKS}])([aAeE])(?=\W|$)|([uU])([{_MARKS}])([yY])(?=\W|$)")


def old_style(text: str) -> str:
    """Move the tone mark of open oa/oe/uy syllables to the last vowel: Hòa -> Hoà, Thủy -> Thuỷ."""

    def move(m: re.Match[str]) -> str:
        g = [x for x in m.groups() if x is not None]
        return g[0] + g[2] + g[1]

    return unicodedata.normalize("NFC", _OLD_STYLE.sub(move, unicodedata.normalize("NFD", text)))


def title(text: str) -> str:
    """Title Case word by word (``str.title`` would capitalise after the digit in ``4a``)."""
    return " ".join(w[:1].upper() + w[1:].lower() if not w[:1].isdigit() else w.lower() for w in text.split())


def initials(name: str) -> str:
    """``Hai Bà Trưng`` -> ``Hbt``; ``Hồ Chí Minh`` -> ``Hcm`` (ASCII-folded like people write them)."""
    letters = "".join(unicodedata.normalize("NFD", w)[0] for w in name.split())
    letters = letters.replace("Đ", "D").replace("đ", "d")
    return letters[:1].upper() + letters[1:].lower()


def number(rng: random.Random, lo_digits: int = 1, hi_digits: int = 2) -> str:
    """A number as written on a form: no leading 0, later digits 0 at :data:`ZERO_RATE`, some round."""
    n = rng.randint(lo_digits, hi_digits)
    if n >= 2 and rng.random() < ROUND_RATE:  # 10, 20, 100, 300, 1200 ...
        zeros = rng.randint(1, n - 1)
        return number(rng, n - zeros, n - zeros) + "0" * zeros
    head = rng.choice("123456789")
    return head + "".join("0" if rng.random() < ZERO_RATE else rng.choice("123456789") for _ in range(n - 1))


def postcode(rng: random.Random) -> str:
    """A 6-digit Vietnamese postcode: 2-digit province prefix, often followed by zeros."""
    head = rng.choice("123456789") + rng.choice("0123456789")
    if rng.random() < 0.6:
        return head + "0000"
    return head + "".join(rng.choice("0123456789") for _ in range(4))


def _choice(rng: random.Random, table: list[tuple[str, float]]) -> str:
    return rng.choices([t for t, _ in table], weights=[w for _, w in table])[0]


# ---------------------------------------------------------------- parts
_WARD_TYPES = {
    "Xã": [("", 0.94), ("Xã", 0.05), ("X", 0.01)],
    "Phường": [("", 0.62), ("Phường", 0.25), ("P", 0.13)],
    "Thị trấn": [("", 0.25), ("Thị Trấn", 0.5), ("Tt", 0.25)],
    "Đặc khu": [("", 0.6), ("Đặc Khu", 0.4)],
}
_DISTRICT_TYPES = {
    "Huyện": [("", 0.98), ("Huyện", 0.015), ("H", 0.005)],
    "Quận": [("", 0.72), ("Quận", 0.2), ("Q", 0.08)],
    "Thị xã": [("", 0.35), ("Thị Xã", 0.45), ("Tx", 0.2)],
    "Thành phố": [("", 0.3), ("Tp", 0.4), ("Thành Phố", 0.3)],
}
_PROVINCE_TYPES = {
    "Tỉnh": [("", 0.985), ("Tỉnh", 0.015)],
    "Thành phố": [("", 0.45), ("Tp", 0.33), ("Thành Phố", 0.22)],
}


def unit_text(rng: random.Random, u: Unit, table: dict[str, list[tuple[str, float]]]) -> str:
    """A unit's name as written: maybe with its type word, maybe abbreviated."""
    name = u.name if rng.random() < HYPHEN_RATE else u.name.replace(" - ", " ").replace("-", " ")
    if name.isdigit():  # "Phường 7", "Quận 10" keep their type word; numbered units run to about 20
        r = rng.random()
        name = name if r < 0.5 else str(rng.randint(1, 20)) if r < 0.85 else number(rng, 1, 2)
        typ = _choice(rng, [(u.type.title(), 0.85), (u.type[:1], 0.15)])
        return f"{typ} {name}"
    if len(name.split()) >= 3 and rng.random() < 0.04:
        name = initials(name)
    elif u.aliases and rng.random() < 0.1:
        alias = rng.choice(u.aliases)
        name = alias.title() if alias.islower() else alias
    typ = _choice(rng, table.get(u.type, [("", 1.0)]))
    if typ in _ABBREVIATIONS and rng.random() < DOT_RATE:
        typ += "."
    return f"{typ} {name}" if typ else name


_ABBREVIATIONS = {"Tp", "Q", "P", "Tt", "Tx", "X", "H"}


_HAMLET = [
    ("Thôn {n}", 0.28),
    ("Xóm {n}", 0.08),
    ("Ấp {n}", 0.2),
    ("Tổ {d}", 0.1),
    ("Tổ Dân Phố {d}", 0.04),
    ("Tdp {d}", 0.03),
    ("Tdp{d}", 0.01),
    ("Khu Phố {d}", 0.06),
    ("Kp {d}", 0.03),
    ("Kp{d}", 0.02),
    ("Khu {d}", 0.05),
    ("Khóm {d}", 0.02),
    ("Bản {n}", 0.03),
    ("Đội {d}", 0.02),
    ("Khu Vực {d}", 0.02),
    ("Kv{d}", 0.01),
    ("{n}", 0.1),
]
_STREET = [
    ("{name}", 0.45),
    ("Đường {name}", 0.2),
    ("Đường Số {d}", 0.07),
    ("Ngõ {d}", 0.1),
    ("Hẻm {d}", 0.05),
    ("Ngách {d}", 0.03),
    ("Kdc {name}", 0.03),
    ("Đường {d}{l}", 0.02),
    ("", 0.05),
]


def house_number(rng: random.Random) -> str:
    """919/4/52, 67b/75, Số 2a, 373k1/24 ..."""
    parts = [number(rng, 1, 3)]
    if rng.random() < 0.2:
        parts[0] += rng.choice("abcdk")
        if rng.random() < 0.2:
            parts[0] += number(rng, 1, 1)
    for _ in range(rng.choices([0, 1, 2], weights=[0.5, 0.38, 0.12])[0]):
        parts.append(number(rng, 1, 2) + (rng.choice("ab") if rng.random() < 0.05 else ""))
    text = "/".join(parts)
    return f"Số {text}" if rng.random() < 0.15 else text


def _fill(rng: random.Random, pattern: str) -> str:
    name = rng.choice(name_pool())
    n = name if rng.random() < 0.7 else number(rng, 1, 2)
    return pattern.format(
        n=n, d=number(rng, 1, 2) + (rng.choice("ab") if rng.random() < 0.05 else ""), name=name, l=rng.choice("abc")
    )


def prefix(rng: random.Random) -> list[str]:
    """House number / street / hamlet parts that precede the ward (about half of real lines)."""
    parts: list[str] = []
    r = rng.random()
    if r < 0.14:
        parts.append(house_number(rng))
        street = _fill(rng, _choice(rng, _STREET))
        if street:
            parts.append(street)
        if rng.random() < 0.3:
            parts.append(_fill(rng, _choice(rng, _HAMLET)))
    elif r < 0.52:
        parts.append(_fill(rng, _choice(rng, _HAMLET)))
    return parts


def _noise_digit(rng: random.Random, words: list[str]) -> list[str]:
    """The organisers sometimes replaced a letter by a random digit ("Thôn H7ng Vĩ")."""
    i = rng.randrange(len(words))
    w = words[i]
    if len(w) > 2:
        j = rng.randrange(1, len(w))
        words[i] = w[:j] + rng.choice("123456789") + w[j + 1 :]
    return words


def _noise_letter(rng: random.Random, words: list[str]) -> list[str]:
    """A letter replaced by any letter of the charset (covers f, z, capital toned vowels...)."""
    from training.charset import VIETNAMESE_LETTERS  # noqa: PLC0415 - training-only module

    i = rng.randrange(len(words))
    w = words[i]
    if len(w) > 1:
        j = rng.randrange(len(w))
        words[i] = w[:j] + rng.choice(VIETNAMESE_LETTERS) + w[j + 1 :]
    return words


def _punctuate(rng: random.Random, parts: list[str]) -> list[str]:
    """Commas between the parts, now and then a remark in parentheses."""
    if rng.random() < COMMA_RATE:
        parts = [p + "," for p in parts[:-1]] + parts[-1:]
    if rng.random() < PAREN_RATE:
        parts = [*parts, f"({rng.choice(_REMARKS)})"]
    return parts


def sample_line(rng: random.Random, max_len: int = 68) -> str:
    """One synthetic address line."""
    legacy = rng.random() < 0.85
    sch = scheme("legacy" if legacy else "current")
    ward = rng.choice(sch.urban_wards if rng.random() < URBAN_SHARE else sch.wards)
    chain = [ward]
    parent = sch.by_code.get(ward.parent or "")
    while parent is not None:
        chain.append(parent)
        parent = sch.by_code.get(parent.parent or "")
    three = [_WARD_TYPES, _DISTRICT_TYPES, _PROVINCE_TYPES]
    tables = three if len(chain) == 3 else [_WARD_TYPES, _PROVINCE_TYPES]
    parts = [unit_text(rng, u, t) for u, t in zip(chain, tables, strict=False)]
    prov = chain[-1]
    if prov.name == "Hồ Chí Minh" and rng.random() < 0.3:
        parts[-1] = _choice(rng, [("Tp Hcm", 0.6), ("Hcm", 0.2), ("Tp Hồ Chí Minh", 0.2)])
    r = rng.random()
    if r < 0.01:  # only the province, or district + province
        parts = parts[-1:]
    elif r < 0.04:
        parts = parts[-2:]
    elif r < 0.07 and len(parts) == 3:  # ward + province
        parts = [parts[0], parts[2]]
    parts = _punctuate(rng, [p for p in prefix(rng) + parts if p])
    words = " ".join(parts).split()
    if rng.random() < 0.04:
        words = _noise_digit(rng, words)
    text = title(" ".join(words))
    if rng.random() < 0.95:
        text = old_style(text)
    if rng.random() < CAPS_RATE:
        text = text.upper()
    if rng.random() < LETTER_NOISE_RATE:
        text = " ".join(_noise_letter(rng, text.split()))
    while len(text) > max_len and " " in text:
        text = text.split(" ", 1)[1]
    if rng.random() < POSTCODE_RATE:
        text = f"{text} {postcode(rng)}"
    return unicodedata.normalize("NFC", text)


def main() -> None:
    rng = random.Random(0)
    for _ in range(30):
        print(sample_line(rng))


if __name__ == "__main__":
    main()
