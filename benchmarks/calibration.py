"""What calibrated confidence costs per line: time inside `calibration.calibrate` vs the whole `correct()`.

    .venv/bin/python benchmarks/calibration.py [--lines 100] [--repeat 3]

Reads the real lines of the held-out writers (../shared) with the bundled recognizer (top-10 + posteriors),
then corrects each `--repeat` times, timing the calibration step (features, the five small models, character
alignment) by wrapping the function `correct()` calls. Falls back to the bundled sample when ../shared is
absent. Prints p50 / p99 in ms, wall clock and thread CPU time (the latter is what the step costs when the
shared 2-core machine is oversubscribed and wall timings mostly measure waiting), and the machine load.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.ocr import REAL_DIR, SAMPLE, held_out_writers  # noqa: E402
from vaddr.corrector import calibration, correct  # noqa: E402
from vaddr.ocr_backends import get  # noqa: E402


def files(limit: int) -> list[Path]:
    labels = REAL_DIR / "labels.tsv"
    if not labels.exists():
        print("../shared absent: timing the bundled sample only")
        return [SAMPLE]
    keep = set(held_out_writers())
    out = []
    for line in labels.read_text(encoding="utf-8").splitlines():
        rel = line.split("\t", 1)[0]
        if Path(rel).parent.name in keep:
            out.append(REAL_DIR / rel)
    return out[:limit]


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--lines", type=int, default=100)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    rec = get("crnn")
    recs = [rec.recognize([f], top_k=10)[0] for f in files(args.lines)]
    spent: list[float] = []
    cpu: list[float] = []
    original = calibration.calibrate

    def timed(*a, **k):
        c0, t0 = time.thread_time(), time.perf_counter()
        out = original(*a, **k)
        spent.append(time.perf_counter() - t0)
        cpu.append(time.thread_time() - c0)
        return out

    calibration.calibrate = timed
    whole: list[float] = []
    try:
        for r in recs:
            correct(r)  # warm the caches of this line first: the steady state is what a batch sees
        spent.clear()
        cpu.clear()
        for _ in range(args.repeat):
            for r in recs:
                t0 = time.perf_counter()
                correct(r)
                whole.append(time.perf_counter() - t0)
    finally:
        calibration.calibrate = original
    cal, tot = np.asarray(spent) * 1000, np.asarray(whole) * 1000
    print(f"{len(recs)} lines x {args.repeat}, load average {os.getloadavg()[0]:.2f} (1 min)")
    print(f"calibration   p50 {np.percentile(cal, 50):6.3f} ms   p99 {np.percentile(cal, 99):6.3f} ms (wall)")
    c = np.asarray(cpu) * 1000  # CPU time of this thread: what the step costs, without waiting for a core
    print(f"calibration   p50 {np.percentile(c, 50):6.3f} ms   p99 {np.percentile(c, 99):6.3f} ms (thread CPU time)")
    print(f"whole correct p50 {np.percentile(tot, 50):6.3f} ms   p99 {np.percentile(tot, 99):6.3f} ms")
    print(f"calibration share of correct() p50: {np.percentile(cal, 50) / np.percentile(tot, 50):.1%}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
