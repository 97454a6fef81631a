"""Historical addresses through `correct()` and `convert()`: the table in docs/history_conversions.md.

    python tools/history_conversions.py [--out docs/history_conversions.md]

For each address written with units that have since changed (Quận 2 / Quận 9 / Quận Thủ Đức, Tĩnh Gia, Hà Tây,
the 2024-2025 merges), the table shows the units as read (as written, with their validity), the legacy unit
that took each over, the registry's record of that change (``units_history.tsv.gz``: the decree of the first
snapshot where the code shows its new state, or where the unit is gone), and the 2025 units `convert()` gives.
The evidence column is what each row was checked against by hand.
"""

from __future__ import annotations

import argparse
import gzip
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from vaddr import convert, correct, gazetteer  # noqa: E402
from vaddr.gazetteer import key  # noqa: E402

HISTORY = ROOT.parent / "shared" / "data" / "units_history.tsv.gz"
#: written address -> what was checked by hand (R: the successor agrees with the registry evidence in the row;
#: D: the decree or resolution named there is the known one for this change; 2025: the target agrees with the
#: 2025 reform as published for that ward, where known to the checker, else it is the converter source's default)
CASES = {
    "Phường Thảo Điền, Quận 2, TP Hồ Chí Minh": "R, D (NQ 1111/NQ-UBTVQH14, Thủ Đức city 2021); 2025: An Khánh",
    "Phường An Phú, Quận 2, TP Hồ Chí Minh": "R, D; 2025: split ward, converter default",
    "Phường Bình An, Quận 2, TP Hồ Chí Minh": "R, D (Bình An merged into An Khánh, 2021)",
    "Quận 2, TP Hồ Chí Minh": "R, D; a district names no 2025 ward: province only",
    "Phường Long Bình, Quận 9, TP Hồ Chí Minh": "R (code 763 gone after 2020-12-06), D; 2025: Long Bình",
    "Phường Hiệp Phú, Quận 9, TP Hồ Chí Minh": "R, D; 2025: Tăng Nhơn Phú",
    "Quận 9, TP Hồ Chí Minh": "R, D",
    "Phường Linh Trung, Quận Thủ Đức, TP Hồ Chí Minh": "R (code 762 gone), D; 2025: Linh Xuân",
    "Phường Hiệp Bình Chánh, Quận Thủ Đức, TP Hồ Chí Minh": "R, D; 2025: Hiệp Bình",
    "Quận Thủ Đức, TP Hồ Chí Minh": "R, D",
    "Xã Nguyên Bình, Huyện Tĩnh Gia, Thanh Hóa": "R (same code, phường from 2020-06), D (Nghi Sơn town 2020)",
    "Xã Hải Thanh, Huyện Tĩnh Gia, Thanh Hóa": "R, D",
    "Thị trấn Tĩnh Gia, Huyện Tĩnh Gia, Thanh Hóa": "R (code 16561 became Phường Hải Hòa), D",
    "Huyện Tĩnh Gia, Thanh Hóa": "R (code 407 became Thị xã Nghi Sơn), D",
    "Xã Vân Canh, Huyện Hoài Đức, Tỉnh Hà Tây": "R (Hà Tây, code 28, gone after 2008-06-24), D (NQ 15/2008/QH12)",
    "Phường Quang Trung, Thị xã Hà Đông, Tỉnh Hà Tây": "R (Hà Đông: thị xã, then city 2007, then quận 2009), D",
    "Phường Ngô Quyền, Thị xã Sơn Tây, Tỉnh Hà Tây": "R, D",
    "Xã Tân Đức, Huyện Ba Vì, Tỉnh Hà Tây": "R (moved to Việt Trì, Phú Thọ by 14/2008/NĐ-CP), D; 2025: Phú Thọ",
    "Tỉnh Hà Tây": "R, D",
    "Xã Tiền Phong, Huyện Mê Linh, Tỉnh Vĩnh Phúc": "R (Mê Linh moved to Hà Nội in 2008, same code), D",
    "Thị trấn Đất Đỏ, Huyện Đất Đỏ, Bà Rịa - Vũng Tàu": "R (Đất Đỏ's code 753 is Long Đất since 2024-11), D",
    "Thị trấn Long Điền, Huyện Long Điền, Bà Rịa - Vũng Tàu": "R (code 752 gone after 2024-11-01), D",
    "Phường Vân Giang, Thành phố Ninh Bình, Ninh Bình": "R (Ninh Bình city and Hoa Lư merged into Hoa Lư city)",
    "Thị trấn Thiên Tôn, Huyện Hoa Lư, Ninh Bình": "R (code 14527 Phường Ninh Mỹ from 2024-12-30)",
    "Phường Phú Hội, Thành phố Huế, Tỉnh Thừa Thiên Huế": "R (Huế centrally run from 2025-01-01; city: Thuận Hóa)",
    "Tỉnh Thừa Thiên Huế": "R (code 46 Thành phố Trung ương Huế from 2024-12-30)",
    "Thị trấn Tân Bình, Huyện Yên Sơn, Tuyên Quang": "R (Tân Bình's code became Phường Đội Cấn, 2020)",
    "Phường Sài Đồng, Quận Long Biên, Hà Nội": "R (code 00142 gone after 2024-11-21), successor from the sources",
    "Xã Sơn Hà, Huyện Nho Quan, Ninh Bình": "R (code 14455 gone after 2024-11-21), successor from the sources",
    "Thị trấn Đông Triều, Huyện Đông Triều, Quảng Ninh": "R (thị trấn became Phường Đông Triều in 2015), D",
    "Phường Mạo Khê, Thị xã Đông Triều, Quảng Ninh": "R (Đông Triều city from 2024-11), D",
    "Huyện Kỳ Sơn, Tỉnh Hòa Bình": "R (code 151 gone after 2019-12-10, into Hòa Bình city); 2025: Hòa Bình is Phú Thọ",
    "Xã Hải Ba, Huyện Hải Lăng, Quảng Trị": "R (code 19687 Xã Hải Bình from 2025-02-18)",
    "Phường Bến Nghé, Quận 1, TP Hồ Chí Minh": "control: a current unit; 2025: Phường Sài Gòn",
}


def _history() -> dict[str, list[list[str]]]:
    out: dict[str, list[list[str]]] = defaultdict(list)
    if not HISTORY.exists():
        return out
    with gzip.open(HISTORY, "rt", encoding="utf-8") as fh:
        _, *rows = fh.read().splitlines()
    for row in rows:
        r = row.split("\t")
        out[r[0]].append(r)
    for states in out.values():
        states.sort(key=lambda r: r[6])
    return out


def _evidence(history: dict[str, list[list[str]]], code: str, name: str, typ: str) -> str:
    """The registry's record of what became of a unit: its next state under the same code, or its absence."""
    base = code.split("~")[0]
    states = history.get(base, [])
    mine = [s for s in states if key(s[3]).endswith(key(name)) and s[2].replace(" Trung ương", "") == typ]
    if not mine:
        return ""
    last = mine[-1][7]
    later = [s for s in states if s[6] >= last and (s[2], s[3]) != (mine[-1][2], mine[-1][3])]
    if later:
        s = later[0]
        decree = s[8].split(";")[0][:80]
        return f"code {base} from {s[6]}: {s[2]} {s[3]}{' (' + decree + ')' if decree else ''}"
    if last < "2025-02-18":
        return f"code {base} last seen {last}, then absent: merged"
    return f"in the registry until its last snapshot ({last}); merged after it (final legacy state 2025-06-30)"


def _unit(u) -> str:
    if u is None:
        return ""
    text = f"{u.type} {u.name}"
    if not u.current:
        text += f" ({u.valid.replace('GSO registry ', '')})"
    return text


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "history_conversions.md")
    args = ap.parse_args(argv)
    history = _history()
    legacy = gazetteer.legacy()
    lines = [
        "# Historical addresses: read as written, converted to today's units",
        "",
        "Generated by `python tools/history_conversions.py`; each row was checked by hand against the registry's",
        "record in the evidence column (`../shared/data/units_history.tsv.gz`, General Statistics Office) and,",
        "for the 2025 column, against the conversion table of the gazetteer sources (see",
        "vaddr/gazetteer/data/SOURCES.md). Non-current units are reported as written (`current=False`) with the",
        "period the registry shows them; `successor` is the legacy unit that took each over.",
        "",
        "| written | read as (non-current: registry period) | legacy successor | registry evidence | 2025 | checked |",
        "|---|---|---|---|---|---|",
    ]
    for text, checked in CASES.items():
        a = correct(text)
        read = "; ".join(_unit(u) for u in (a.ward, a.district, a.province) if u is not None and not u.inferred)
        old = [u for u in (a.ward, a.district, a.province) if u is not None and not u.current]
        succ = "; ".join(
            f"{u.name} -> {legacy.get(u.successor).type} {legacy.get(u.successor).name} ({u.successor})"
            for u in old
            if u.successor
        )
        evidence = "; ".join(e for u in old if (e := _evidence(history, u.code, u.name, u.type)))
        new = convert(a)
        today = ", ".join(f"{u.type} {u.name}" for u in (new.ward, new.province) if u is not None)
        lines.append(f"| {text} | {read} | {succ or 'current'} | {evidence} | {today} | {checked} |")
    args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines[8:]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
