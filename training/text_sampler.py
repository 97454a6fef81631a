"""Synthetic Vietnamese address lines, distributed like the lines people write on forms.

A line is ``[house number / street] [hamlet] ward district province`` in Title Case, with the type
words (Xã, Huyện, Tp, Thị Trấn, ...) mostly left out, as on the real forms. Names come from the
gazetteer (``vaddr.gazetteer``: every level of the legacy 3-level scheme and of the 2025 2-level
scheme); hamlet and street names reuse the gazetteer's name pool. The probabilities below were set by
looking at aggregate statistics of the real dev labels (share of lines with digits, with hamlet
prefixes, with Tp, ...; see ``training/compare_stats.py``), never by copying their lines.

Real lines never contain the digit 0 (the organisers randomised numbers with digits 1-9), use
old-style tone marks (Hoà, Thuỷ) and sometimes carry a random digit inside a word; all three are
imitated here.
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
    """A number written with digits 1-9 only (the real data never has a 0)."""
    return "".join(rng.choice("123456789") for _ in range(rng.randint(lo_digits, hi_digits)))


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
    name = u.name.replace(" - ", " ").replace("-", " ")
    if name.isdigit():  # "Phường 7", "Quận 3" keep their type word; numbers were randomised (no 0)
        name = number(rng, 1, 2)
        typ = _choice(rng, [(u.type.title(), 0.85), (u.type[:1], 0.15)])
        return f"{typ} {name}"
    if len(name.split()) >= 3 and rng.random() < 0.04:
        name = initials(name)
    elif u.aliases and rng.random() < 0.1:
        alias = rng.choice(u.aliases)
        name = alias.title() if alias.islower() else alias
    typ = _choice(rng, table.get(u.type, [("", 1.0)]))
    return f"{typ} {name}" if typ else name


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
    parts = prefix(rng) + parts
    words = " ".join(parts).split()
    if rng.random() < 0.04:
        words = _noise_digit(rng, words)
    text = title(" ".join(words))
    if rng.random() < 0.95:
        text = old_style(text)
    while len(text) > max_len and " " in text:
        text = text.split(" ", 1)[1]
    text = re.sub("0", lambda _: rng.choice("123456789"), text)
    return unicodedata.normalize("NFC", text)


def main() -> None:
    rng = random.Random(0)
    for _ in range(30):
        print(sample_line(rng))


if __name__ == "__main__":
    main()
