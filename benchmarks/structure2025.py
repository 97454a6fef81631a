"""Every ward of the 2025 structure, written the way addresses are written since 1 July 2025: is it read?

For each of the 3,321 wards of `gazetteer.current()`, the line "Type Name, Type Province" ("Phường Cửa Nam,
Thành phố Hà Nội") is corrected with ``scheme="2025"`` and the ward's code compared with the one written, in
three forms:

* ``as written``: with its marks;
* ``no marks``: the same line without diacritics;
* ``one slip``: one letter of the ward's name replaced (names of 7 letters or more, a fixed seed).

A 2025 ward often shares its name with a former ward elsewhere in the province; read as that former ward with
its district left out and then converted, the line lands on another ward. Needs no data outside the package.

    python benchmarks/structure2025.py [--seed 5] [--slips 800]
"""

from __future__ import annotations

import argparse
import random
import sys
import time

from vaddr import correct, gazetteer
from vaddr.rules.text import strip_marks


def wards() -> list[tuple[gazetteer.Unit, gazetteer.Unit]]:
    g = gazetteer.current()
    return [(w, p) for p in g.provinces() for w in g.children(p.code) if w.level == 3 and w.current]


def misses(lines: list[tuple[str, str]]) -> list[tuple[str, str | None]]:
    out = []
    for text, code in lines:
        a = correct(text, scheme="2025")
        got = a.ward.code if a.ward is not None else None
        if got != code:
            out.append((text, got))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seed", type=int, default=5)
    ap.add_argument("--slips", type=int, default=800, help="wards drawn for the one-slip form")
    ap.add_argument("-v", "--verbose", action="store_true", help="print the lines read wrongly")
    args = ap.parse_args(argv)
    pairs = wards()
    written = [(f"{w.type} {w.name}, {p.type} {p.name}", w.code) for w, p in pairs]
    rng = random.Random(args.seed)
    slipped = []
    long_names = [(w, p) for w, p in pairs if len(w.name) >= 7 and not w.name[-1].isdigit()]
    for w, p in rng.sample(long_names, min(args.slips, len(long_names))):
        i = rng.randrange(1, len(w.name) - 1)
        if w.name[i].isalpha():
            name = w.name[:i] + rng.choice("aeoinhtgc") + w.name[i + 1 :]
            slipped.append((f"{w.type} {name}, {p.type} {p.name}", w.code))
    forms = {
        "as written": written,
        "no marks": [(strip_marks(t), c) for t, c in written],
        "one slip": slipped,
    }
    t0 = time.perf_counter()
    for name, lines in forms.items():
        wrong = misses(lines)
        print(f"{name:10}  {len(lines):5} lines   ward wrong or missing: {len(wrong):4}")
        if args.verbose:
            for text, got in wrong:
                print(f"    {text!r} -> {got}")
    print(f"({time.perf_counter() - t0:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
