"""Decompression-heavy PNGs: ~70 KB files that decode to 16000x4000 pixels (the largest size `images.py` accepts).

    python -m tests.adversarial.bombs OUT_DIR [N]    # writes N (default 32) such files
    /usr/bin/time -v python -m tests.adversarial.bombs --read OUT_DIR   # reads them all through vaddr.pipeline.read

The acceptance bound for reading 32 of them in one call is stated in tests/test_adversarial_resources.py and
measured there (peak RSS of a fresh interpreter, from ``resource.getrusage``, as ``/usr/bin/time -v`` reports it).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

WIDTH, HEIGHT = 16000, 4000


def bomb(seed: int = 0) -> Image.Image:
    """White paper with a few dark strokes (not blank, so the whole reading path runs), 8-bit grayscale."""
    img = Image.new("L", (WIDTH, HEIGHT), 255)
    d = ImageDraw.Draw(img)
    rng = np.random.default_rng(seed)
    for _ in range(12):
        x = int(rng.integers(0, WIDTH - 600))
        d.line([(x, 1500), (x + 500, 2500)], fill=0, width=60)
    return img


def write(out: Path, n: int = 32) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n):
        p = out / f"bomb_{i:02d}.png"
        if not p.exists():
            bomb(i % 4).save(p, optimize=True)
        paths.append(p)
    return paths


def read_all(folder: Path) -> None:
    from vaddr.pipeline import read

    files = sorted(folder.glob("bomb_*.png"))
    t0 = time.perf_counter()
    results = read(files)
    print(f"read {len(results)} files in {time.perf_counter() - t0:.1f} s; statuses:", {r.status for r in results})
    for r in results[:2]:
        print(r.file, r.status, r.error or r.note or r.text)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--read"]:
        read_all(Path(sys.argv[2]))
    else:
        paths = write(Path(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else 32)
        print(f"wrote {len(paths)} files, {paths[0].stat().st_size} bytes each (first)")
