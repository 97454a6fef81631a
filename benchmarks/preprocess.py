"""Time ``vaddr.ocr_backends.preprocess.prepare`` on real line photos.

Usage: ``python benchmarks/preprocess.py [GLOB] [N]`` (default: the first 200 Kalapa images,
``../shared/data/kalapa_real/images/*/*.jpg``). Images are read in place; prints p50/p99 in ms.
"""

from __future__ import annotations

import glob
import sys
import time

import numpy as np

from vaddr.ocr_backends import preprocess
from vaddr.ocr_backends.images import load_gray


def main() -> None:
    pattern = sys.argv[1] if len(sys.argv) > 1 else "../shared/data/kalapa_real/images/*/*.jpg"
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 200
    files = sorted(glob.glob(pattern))[:n]
    if not files:
        sys.exit(f"no images match {pattern}")
    grays = [load_gray(f) for f in files]
    preprocess.prepare(grays[0])  # warm-up
    times = []
    for g in grays:
        t0 = time.perf_counter()
        preprocess.prepare(g)
        times.append((time.perf_counter() - t0) * 1e3)
    t = np.asarray(times)
    print(f"prepare on {len(t)} images: p50 {np.percentile(t, 50):.2f} ms, p99 {np.percentile(t, 99):.2f} ms")


if __name__ == "__main__":
    main()
