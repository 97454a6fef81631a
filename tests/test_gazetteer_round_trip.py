"""Round trip over the gazetteer: a unit written out as an address (type + name, up to the province) comes back.

Sampled with a fixed seed from every era the gazetteer holds: the legacy units of 2025-06-30, the legacy units
known only from the 2022 snapshot, and the 2-level units since 2025-07-01; each line is tried as written and
with every diacritic stripped and lower-cased. The province must always come back, and so must the whole chain
(ward, district, province) of every era: the 2022 snapshot since the history-aware matching, and the 2025
structure since a ward type word opening the line rules out a former district of the same name ("Xã Cẩm Thủy
Tỉnh Thanh Hóa" is the 2025 commune, not Huyện Cẩm Thủy).
"""

from __future__ import annotations

import random

import pytest

from vaddr import correct, gazetteer
from vaddr.gazetteer import Gazetteer, Unit
from vaddr.rules.text import strip_marks

N = 40  # wards per era: enough to cover many provinces, cheap (~1 ms a line)

ERAS = {
    "legacy 2025-06-30": (gazetteer.legacy, "legacy", True),
    "legacy 2022 snapshot": (gazetteer.legacy, "legacy", False),
    "2025": (gazetteer.current, "2025", True),
}


def _chain(g: Gazetteer, unit: Unit) -> list[Unit]:
    out = [unit]
    while out[-1].parent is not None:
        out.append(g.get(out[-1].parent))
    return out


def _cases(era: str) -> list[tuple[str, str, list[Unit]]]:
    load, scheme, current = ERAS[era]
    g = load()
    wards = [u for u in g.units(3) if u.current == current]
    out = []
    for ward in random.Random(f"round trip {era}").sample(wards, N):
        units = _chain(g, ward)
        line = " ".join(f"{u.type} {u.name}" for u in units)
        out += [(line, scheme, units), (strip_marks(line).lower(), scheme, units)]
    return out


def _found(line: str, scheme: str) -> list[str | None]:
    a = correct(line, scheme=scheme)  # type: ignore[arg-type]
    units = [a.ward, a.district, a.province] if scheme == "legacy" else [a.ward, a.province]
    return [u.name if u else None for u in units]


@pytest.mark.parametrize("era", list(ERAS))
def test_every_era_is_sampled(era: str) -> None:
    cases = _cases(era)
    assert len(cases) == 2 * N
    assert len({units[-1].code for _, _, units in cases}) >= 15  # many provinces


@pytest.mark.parametrize("era", list(ERAS))
def test_province_comes_back(era: str) -> None:
    misses = [(line, got) for line, scheme, units in _cases(era) if (got := _found(line, scheme))[-1] != units[-1].name]
    assert not misses


@pytest.mark.parametrize(
    "era",
    ["legacy 2025-06-30", "legacy 2022 snapshot", "2025"],
)
def test_whole_chain_comes_back(era: str) -> None:
    misses = [
        (line, got) for line, scheme, units in _cases(era) if (got := _found(line, scheme)) != [u.name for u in units]
    ]
    assert not misses, f"{len(misses)} of {2 * N} lines: {misses[:5]}"
