"""The real Kalapa lines (``../shared/data/kalapa_real``), read in place and cached preprocessed.

Split by WRITER: :data:`VAL_WRITERS` (10 of the 50, fixed) are never trained on; the other 40 are
training data. Each training photo is cached in ``--versions`` forms: the clean one plus photo-level
augmentations (rotation, crop jitter, rescale, contrast, blur) made *before* ``prepare()``, so the
crop and resize steps see variations too. Validation photos are cached clean only.

    .venv/bin/python -m training.real_data --versions 8
"""

from __future__ import annotations

import argparse
import random
from multiprocessing import Pool
from pathlib import Path

import cv2
import numpy as np
from PIL import Image
from tqdm import tqdm

from training import shards
from training.common import CACHE, REAL_DIR, preprocess
from training.splits import VAL_WRITERS

REAL_CACHE = CACHE / "real.npz"


def read_labels(root: Path = REAL_DIR) -> list[tuple[str, str, str]]:
    """(writer, image path, label) for every line of labels.tsv."""
    out = []
    with open(root / "labels.tsv", encoding="utf-8") as fh:
        for line in fh:
            if "\t" not in line:
                continue
            rel, label = line.rstrip("\n").split("\t", 1)
            writer = Path(rel).parent.name
            out.append((writer, str(root / rel), label))
    return out


def augment_photo(gray: np.ndarray, rng: random.Random) -> np.ndarray:
    """Photo-level augmentation: small rotation, crop jitter, rescale, contrast/brightness, blur."""
    h, w = gray.shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), rng.uniform(-1.5, 1.5), 1.0)
    m[0, 1] += rng.uniform(-0.25, 0.25)  # shear (slant)
    m[0, 2] -= m[0, 1] * h / 2
    g = cv2.warpAffine(gray, m, (w, h), borderMode=cv2.BORDER_REPLICATE)
    t, b = rng.randint(0, h // 10), rng.randint(0, h // 10)
    left, r = rng.randint(0, w // 50), rng.randint(0, w // 20)
    g = g[t : h - b, left : w - r]
    f = rng.uniform(0.5, 1.2)
    g = cv2.resize(g, (max(8, int(g.shape[1] * f)), max(8, int(g.shape[0] * rng.uniform(0.9, 1.1) * f))))
    g = g.astype(np.float32) * rng.uniform(0.75, 1.15) + rng.uniform(-25, 25)
    if rng.random() < 0.4:
        g = cv2.GaussianBlur(g, (3, 3), rng.uniform(0.3, 1.2))
    return np.clip(g, 0, 255).astype(np.uint8)


def _prep(args: tuple[str, int, int]) -> np.ndarray:
    path, version, seed = args
    gray = np.asarray(Image.open(path).convert("L"))
    if version:
        gray = augment_photo(gray, random.Random(seed))
    return np.round(preprocess.prepare(gray)[0] * 255).astype(np.uint8)


def build(versions: int = 8, workers: int = 2, out: Path = REAL_CACHE) -> Path:
    """Cache every real line (train lines ``versions`` times, validation lines once) as one .npz."""
    rows = read_labels()
    jobs, meta = [], []
    for i, (writer, path, label) in enumerate(sorted(rows)):
        val = writer in VAL_WRITERS
        for v in range(1 if val else versions):
            jobs.append((path, v, 1_000_003 * i + v))
            meta.append((writer, label, val, v))
    with Pool(workers) as pool:
        imgs = list(tqdm(pool.imap(_prep, jobs, chunksize=16), total=len(jobs), desc="real"))
    out.parent.mkdir(parents=True, exist_ok=True)
    return shards.write(
        out,
        imgs,
        [m[1] for m in meta],
        preprocess.HEIGHT,
        writers=np.array([m[0] for m in meta]),
        val=np.array([m[2] for m in meta]),
        version=np.array([m[3] for m in meta]),
    )


def compact(src: Path = REAL_CACHE, dst: Path = CACHE / "real_compact.npz", drop_bits: int = 2) -> Path:
    """A compressed copy with ``256 >> drop_bits`` grey levels (143 -> 42 MB for 8 versions).

    Small enough to travel to a borrowed GPU machine (64 MiB per call), where ../shared is absent;
    the augmentation's contrast scaling and noise make the coarser levels invisible to training.
    """
    z = np.load(src)
    fields = {k: z[k] for k in z.files}
    fields["pixels"] = (fields["pixels"] >> drop_bits) << drop_bits
    np.savez_compressed(dst, **fields)
    return dst


def main() -> None:
    ap = argparse.ArgumentParser(description="Cache the real Kalapa lines, preprocessed.")
    ap.add_argument("--versions", type=int, default=8, help="cached forms of each training photo")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument(
        "--compact", action="store_true", help="only write the compressed copy of an existing cache (for a GPU machine)"
    )
    a = ap.parse_args()
    if a.compact:
        print(compact())
        return
    if not (REAL_DIR / "labels.tsv").exists():
        raise SystemExit(f"{REAL_DIR} not found: train with --no-real instead")
    print(build(a.versions, a.workers))


if __name__ == "__main__":
    main()
