"""Wrong-province rate of the corrector on real OCR output (the bundled CRNN on the real Kalapa lines).

A wrong province sends a parcel to the other end of the country, so it is counted on its own: for each real
line, the province `correct()` returns for the recognizer's top-k (with posteriors, as `vaddr-eval`'s
"top-k+rescore" column does) is compared with the province `correct()` finds on the true label.

* ``wrong``: a province returned, and not the label's;
* ``missing``: none returned where the label has one;
* lines whose label resolves no province are left out.

The recognizer runs once; its output can be kept (``--save``) and read again (``--load``) so that two versions
of the corrector are compared on the same readings:

    python benchmarks/province_guard.py --save /tmp/recs.pkl            # recognise, then evaluate
    python benchmarks/province_guard.py --load /tmp/recs.pkl            # evaluate only
    python benchmarks/province_guard.py --writers held-out              # only the 10 held-out writers
    python benchmarks/province_guard.py --load /tmp/recs.pkl --no-guard # the same without the province guard

Reads ``../shared/data/kalapa_real/labels.tsv`` in place.
"""

from __future__ import annotations

import argparse
import os
import pickle
import sys
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")

from vaddr import correct  # noqa: E402

REAL = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "kalapa_real"


def recognise(rows: list[tuple[Path, str]], top_k: int) -> list:
    from vaddr.ocr_backends import get

    recognizer = get("crnn")
    out = []
    for i in range(0, len(rows), 32):
        out += recognizer.recognize([p for p, _ in rows[i : i + 32]], top_k=top_k)
        print(f"\rrecognised {min(i + 32, len(rows))}/{len(rows)}", end="", file=sys.stderr)
    print(file=sys.stderr)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--save", type=Path, help="keep the recognizer's output here (pickle)")
    ap.add_argument("--load", type=Path, help="read the recognizer's output from here instead of recognising")
    ap.add_argument("--writers", default="all", help="'all' or 'held-out' (training.real_data.VAL_WRITERS)")
    ap.add_argument("--top-k", type=int, default=10)
    ap.add_argument("--no-guard", action="store_true", help="switch the province guard off (Params.province_guard=0)")
    args = ap.parse_args(argv)
    params = None
    if args.no_guard:
        import dataclasses

        from vaddr.corrector.params import DEFAULT

        params = dataclasses.replace(DEFAULT, province_guard=0.0)
    if args.load:
        labels, recs = pickle.loads(args.load.read_bytes())
    else:
        if not (REAL / "labels.tsv").exists():
            print(f"{REAL} not found (needs ../shared/data)", file=sys.stderr)
            return 0
        rows = []
        for line in (REAL / "labels.tsv").read_text(encoding="utf-8").splitlines():
            if "\t" in line:
                rel, label = line.split("\t", 1)
                rows.append((REAL / rel, label))
        if args.writers == "held-out":
            sys.path.insert(0, str(Path(__file__).resolve().parent))
            from ocr import held_out_writers

            keep = set(held_out_writers())
            rows = [r for r in rows if r[0].parent.name in keep]
        labels = [label for _, label in rows]
        recs = recognise(rows, args.top_k)
        if args.save:
            args.save.write_bytes(pickle.dumps((labels, recs)))
    t0 = time.perf_counter()
    wrong = missing = counted = 0
    examples = []
    for label, rec in zip(labels, recs, strict=True):
        gold = correct(label).province
        if gold is None:
            continue
        counted += 1
        got = correct(rec, params=params).province
        if got is None:
            missing += 1
        elif got.code.split("~")[0] != gold.code.split("~")[0]:
            wrong += 1
            examples.append((label, rec.hypotheses[0].text, got.name))
    elapsed = time.perf_counter() - t0
    print(f"{counted} real lines with a province on the label ({len(labels)} read)")
    print(f"wrong province {wrong} ({wrong / counted:.2%})   missing {missing} ({missing / counted:.2%})")
    print(f"corrector time {elapsed:.1f} s")
    for label, read, got in examples[:15]:
        print(f"  label {label!r}\n   read {read!r} -> {got}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
