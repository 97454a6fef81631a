"""Robustness benchmark: the whole pipeline on the held-out real lines, photographed differently.

    .venv/bin/python benchmarks/robustness.py [--only NAME ...] [--legacy-preprocess]

Each held-out real line (training.splits.VAL_WRITERS; read in place from ../shared, skipped when absent)
is altered the way other phones, scanners and hands alter a photo: tilted (rotated on a grown canvas filled
with the paper colour), rescaled, padded with more paper, blurred, JPEG-compressed, darkened, washed out.
For each alteration it prints CER and the Kalapa score of the recognizer's best reading, and CER, exact-line
rate and Kalapa after ``vaddr.correct()`` on the top-10.

``--legacy-preprocess`` switches off what ``prepare()`` gained for this (levelling slanted lines, the writing
mask relative to faint ink), to print the before/after comparison.
"""

from __future__ import annotations

import argparse
import io
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
from PIL import Image, ImageFilter, ImageOps

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from ocr import REAL_DIR, held_out_writers, real_set  # noqa: E402

from vaddr import metrics  # noqa: E402
from vaddr.corrector import correct  # noqa: E402
from vaddr.ocr_backends import preprocess  # noqa: E402
from vaddr.ocr_backends.onnx_crnn import CrnnOnnx  # noqa: E402


def _paper(img: Image.Image) -> int:
    """The photo's paper grey: its 90th percentile (paper covers most of a line photo; the border pixels are
    often the form's dark box lines or shadow, and a frame of those would be read as ink)."""
    return int(np.percentile(np.asarray(img), 90))


def _tilt(degrees: float) -> Callable[[Image.Image], Image.Image]:
    def tilt(img: Image.Image) -> Image.Image:
        return img.rotate(degrees, resample=Image.Resampling.BILINEAR, expand=True, fillcolor=_paper(img))

    return tilt


def _scale(f: float) -> Callable[[Image.Image], Image.Image]:
    def scale(img: Image.Image) -> Image.Image:
        size = (max(8, round(img.width * f)), max(8, round(img.height * f)))
        return img.resize(size, Image.Resampling.BICUBIC if f > 1 else Image.Resampling.BOX)

    return scale


def _jpeg(img: Image.Image, quality: int = 20) -> Image.Image:
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=quality)
    return Image.open(io.BytesIO(buf.getvalue())).convert("L")


ALTERATIONS: dict[str, Callable[[Image.Image], Image.Image]] = {
    "as photographed": lambda img: img,
    "tilted +1.5 deg": _tilt(1.5),
    "tilted -2 deg": _tilt(-2.0),
    "tilted +3 deg": _tilt(3.0),
    "tilted -3 deg": _tilt(-3.0),
    "tilted +5 deg": _tilt(5.0),
    "tilted -8 deg": _tilt(-8.0),
    "scaled x2": _scale(2.0),
    "scaled x0.5": _scale(0.5),
    "40 px more paper": lambda img: ImageOps.expand(img, 40, fill=_paper(img)),
    "blurred (r=1.2)": lambda img: img.filter(ImageFilter.GaussianBlur(1.2)),
    "JPEG quality 20": _jpeg,
    "darker (x0.55)": lambda img: Image.eval(img, lambda v: int(v * 0.55)),
    "washed out (contrast x0.4)": lambda img: Image.eval(img, lambda v: int(128 + (v - 128) * 0.4)),
}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--only", nargs="*", help="alterations to run (names as printed; default: all)")
    ap.add_argument(
        "--legacy-preprocess",
        action="store_true",
        help="no levelling, fixed writing threshold (prepare() before the robustness work)",
    )
    ap.add_argument("--top-k", type=int, default=10)
    args = ap.parse_args(argv)
    if not (REAL_DIR / "labels.tsv").exists():
        print(f"skipped: {REAL_DIR} is absent (the held-out real lines live in ../shared)")
        return 0
    if args.legacy_preprocess:
        preprocess.DESKEW_MIN_DEGREES = float("inf")
        preprocess.INK_SHARE = float("inf")
    writers = set(held_out_writers())
    items = real_set()
    photos = [Image.open(path).convert("L") for path, _ in items]
    labels = [label for _, label in items]
    model = CrnnOnnx(threads=1)
    print(
        f"{len(items)} held-out real lines ({len(writers)} writers); "
        f"preprocess: {'legacy' if args.legacy_preprocess else 'current'}"
    )
    print(f"{'alteration':<28} {'raw CER':>8} {'raw Kalapa':>10} | {'CER':>7} {'exact':>7} {'Kalapa':>7}  {'s':>4}")
    for name, alter in ALTERATIONS.items():
        if args.only and name not in args.only:
            continue
        start = time.perf_counter()
        recs = model.recognize([alter(p) for p in photos], top_k=args.top_k)
        raw = metrics.summarize([r.best.text for r in recs], labels)
        fixed = metrics.summarize([correct(r).text for r in recs], labels)
        print(
            f"{name:<28} {raw['cer']:8.2%} {raw['kalapa']:10.4f} | {fixed['cer']:7.2%} {fixed['exact']:7.1%} "
            f"{fixed['kalapa']:7.4f}  {time.perf_counter() - start:4.0f}",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
