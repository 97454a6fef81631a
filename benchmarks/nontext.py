"""The "no line of writing here" decision: what it refuses, and what it costs on real lines.

    .venv/bin/python benchmarks/nontext.py [--limit N]

Prints, for the 28 generated non-text images of tests/adversarial/nontext.py, the status each gets from
`vaddr.pipeline.read` (and how many would have had a unit without the decision), then, over the real Kalapa
lines (../shared/data/kalapa_real, all 1,350 unless --limit), how many are flagged ``no_text`` and the
distribution of the two statistics the decision uses (vaddr/ocr_backends/linecheck.py).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from adversarial.nontext import images  # noqa: E402

from vaddr.ocr_backends import load_gray, preprocess  # noqa: E402
from vaddr.ocr_backends.linecheck import char_confidence, no_text_reason  # noqa: E402
from vaddr.ocr_backends.onnx_crnn import CrnnOnnx  # noqa: E402
from vaddr.pipeline import read  # noqa: E402

REAL = ROOT.parent / "shared" / "data" / "kalapa_real" / "labels.tsv"


def _units(r) -> list[str]:  # type: ignore[no-untyped-def]
    a = r.address
    return [u.name for u in (a.province, a.district, a.ward) if u is not None] if a else []


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--limit", type=int, default=0, help="real lines to check (default: all)")
    a = ap.parse_args()

    ims = images()
    checked = read(list(ims.values()))
    unchecked = read(list(ims.values()), backend=CrnnOnnx(check_lines=False))
    print(f"{len(ims)} non-text images:")
    for name, r, u in zip(ims, checked, unchecked, strict=True):
        why = r.note or r.error or ""
        print(f"  {name:<26} {r.status:<8} units={_units(r)!s:<6} without the check: {_units(u)}  {why[:70]}")
    print(
        f"  with a unit: {sum(bool(_units(r)) for r in checked)} of {len(ims)} "
        f"(without the no-text check: {sum(bool(_units(u)) for u in unchecked)})"
    )

    if not REAL.is_file():
        print(f"real lines: skipped ({REAL} absent)")
        return
    rows = [line.split("\t")[0] for line in REAL.read_text(encoding="utf-8").splitlines() if "\t" in line]
    files = [REAL.parent / r for r in rows][: a.limit or None]
    rec = CrnnOnnx()
    confs, inks, flagged = [], [], []
    for f in files:
        x, layout = preprocess.prepare_with_layout(load_gray(f))
        (lp,) = rec.posteriors_prepared([x])
        confs.append(char_confidence(lp))
        inks.append(layout.ink)
        reason = no_text_reason(layout, lp)
        if reason:
            flagged.append(f"{f}: {reason}")
    c, k = np.array(confs), np.array(inks)
    print(f"{len(files)} real lines: {len(flagged)} flagged no_text")
    for line in flagged:
        print("  " + line)
    p1 = np.percentile(c, 1)
    print(f"  character confidence: lowest {c.min():.3f}, 1st percentile {p1:.3f}, median {np.median(c):.3f}")
    print(f"  ink share: lowest {k.min():.4f}, 1st percentile {np.percentile(k, 1):.4f}, highest {k.max():.4f}")


if __name__ == "__main__":
    main()
