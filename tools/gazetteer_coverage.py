"""Check that the ward, district and province at the end of real address lines exist in the gazetteer.

    python tools/gazetteer_coverage.py ../shared/data/kalapa_labels_dev.tsv [-v]

Matching is deliberately simple (diacritic-insensitive suffix matching, optional type words between the
parts) so that a failure points at a gap in the data rather than at a clever matcher. The labels file is read
in place; nothing from it is written anywhere.
"""

from __future__ import annotations

import argparse
import re
import sys
import unicodedata
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from vaddr.gazetteer import OLD_SUFFIX, Gazetteer, Unit, key, legacy  # noqa: E402

# Type words people write before a name, as token sequences after folding ("Tp." -> "tp").
TYPE_TOKENS = [
    t.split()
    for t in (
        "tinh",
        "thanh pho",
        "tp",
        "thi xa",
        "tx",
        "thi tran",
        "tt",
        "huyen",
        "h",
        "quan",
        "q",
        "phuong",
        "p",
        "xa",
        "x",
        "f",
        "dac khu",
        "t",
        "t pho",
        "tt pho",
    )
]


def tokens(text: str) -> list[str]:
    folded = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D")).lower()
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch))
    return re.findall(r"[a-z]+|\d+", folded)


def strip_type(toks: list[str], depth: int = 2) -> list[list[str]]:
    """The token list with and without up to two trailing type words ("T T Huế", "Tp.")."""
    out = [toks]
    if depth:
        for t in TYPE_TOKENS:
            if len(toks) >= len(t) and toks[-len(t) :] == t:
                out += strip_type(toks[: -len(t)], depth - 1)
    return out


def why(rest: list[str], level: str) -> str:
    if not rest:
        return f"no {level} written"
    if rest[-1].isdigit():
        return f"{level} number not found"
    return f"{level} name not found"


def names(u: Unit) -> set[str]:
    keys = {key(u.name), *(key(a) for a in u.aliases)}
    return {k.lstrip("0") or "0" if k.isdigit() else k for k in keys}


def suffix_matches(toks: list[str], units: tuple[Unit, ...]) -> list[tuple[Unit, list[str]]]:
    """Units whose name ends the token list, with the tokens left before it (longest name first)."""
    found = []
    for cut in range(len(toks) - 1, -1, -1):
        k = "".join(toks[cut:])
        if k.isdigit():
            k = k.lstrip("0") or "0"
        for u in units:
            if k in names(u):
                found.append((u, toks[:cut]))
    found.sort(key=lambda f: len(f[1]))
    return found


def family(g: Gazetteer, code: str) -> tuple[Unit, ...]:
    """Children of a unit and of its other records (the Thị xã and Thành phố Đông Triều are one place)."""
    base = code.removesuffix(OLD_SUFFIX)
    seen: dict[str, Unit] = {}
    for c in (base, base + OLD_SUFFIX):
        for u in g.children(c):
            seen.setdefault(u.code, u)
    return tuple(seen.values())


def resolve(g: Gazetteer, line: str) -> tuple[bool, str]:
    toks = tokens(line)
    provs = suffix_matches(toks, g.provinces())
    if not provs:
        return False, "province not found"
    best = ""
    for prov, rest in provs:
        for rest2 in strip_type(rest):
            for dist, rest3 in suffix_matches(rest2, family(g, prov.code)):
                for rest4 in strip_type(rest3):
                    if suffix_matches(rest4, family(g, dist.code)):
                        return True, ""
                best = best or (
                    f"{why(min(strip_type(rest3), key=len), 'ward')} in {dist.type} {dist.name}"
                    f" ({dist.code}), {prov.name}"
                )
    if not best:
        best = f"{why(min(strip_type(provs[0][1]), key=len), 'district')} in {provs[0][0].name}"
    return False, best


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("labels", type=Path)
    ap.add_argument("-v", "--verbose", action="store_true", help="print every failing line")
    args = ap.parse_args()
    g = legacy()
    failures: dict[str, list[str]] = defaultdict(list)
    total = 0
    for raw in args.labels.read_text(encoding="utf-8").splitlines():
        if "\t" not in raw:
            continue
        name, label = raw.split("\t", 1)
        total += 1
        ok, reason = resolve(g, label)
        if not ok:
            failures[reason.split(" in ")[0]].append(f"{name}\t{label}\t{reason}")
    n_fail = sum(len(v) for v in failures.values())
    print(f"{total - n_fail}/{total} lines resolve province+district+ward")
    for reason, lines in sorted(failures.items(), key=lambda kv: -len(kv[1])):
        print(f"\n## {reason}: {len(lines)}")
        for line in lines if args.verbose else lines[:15]:
            print("  " + line)


if __name__ == "__main__":
    main()
