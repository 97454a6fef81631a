"""A line's result is a function of that line alone: read alone, in shuffled batches or twice in one call, every
line gives byte-identical JSON (issue 14, item 1).

The bundled model is dynamically quantized, so a batched run would share one quantization scale across the
batch; `CrnnOnnx` therefore runs each line alone. These tests fail if batching (or padding to a neighbour's
width) ever comes back.
"""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from vaddr.ocr_backends.onnx_crnn import CrnnOnnx, default_model_path
from vaddr.pipeline import CHUNK, read

ROOT = Path(__file__).resolve().parent.parent
REAL = ROOT.parent / "shared" / "data" / "kalapa_real" / "labels.tsv"
SAMPLE = ROOT / "vaddr" / "samples" / "sample.png"

pytestmark = pytest.mark.skipif(not default_model_path().is_file(), reason="bundled model not built")

LINES = [
    "Thôn 1 Ea Ktur Cư Kuin Đắk Lắk",
    "Số 5 Hoàn Kiếm Hà Nội",
    "12 Lê Lợi Phường 1 Quận 3 Tp Hồ Chí Minh",
    "Xã Tân Thành Huyện Hàm Tân Bình Thuận",
    "Tổ 3 Phường Quang Trung",
    "Hà Nội",
    "Ấp Bình Hoà Xã Bình Thạnh Thủ Thừa Long An",
    "67b/75 Ngõ 8 Kim Mã Ba Đình",
]


def _font(size: int) -> ImageFont.ImageFont | ImageFont.FreeTypeFont:
    try:
        return ImageFont.load_default(size=size)
    except TypeError:  # Pillow < 10.1
        return ImageFont.load_default()


def render(text: str, size: int = 40, pad: int = 20) -> np.ndarray:
    """A synthetic line photo: dark text on light paper, the width set by the text (so widths differ)."""
    font = _font(size)
    left, top, right, bottom = ImageDraw.Draw(Image.new("L", (1, 1))).textbbox((0, 0), text, font=font)
    img = Image.new("L", (right - left + 2 * pad, bottom - top + 2 * pad), 235)
    ImageDraw.Draw(img).text((pad - left, pad - top), text, fill=25, font=font)
    return np.asarray(img)


def _by_line(results: list) -> list[str]:
    return [r.model_dump_json(exclude={"file"}) for r in results]


def _check(images: list, seed: int) -> None:
    """Each image read alone, then all of them in one call, shuffled and each passed twice (so every line meets
    other neighbours in its chunk the second time)."""
    alone = [_by_line(read([im]))[0] for im in images]
    order = list(range(len(images)))
    random.Random(seed).shuffle(order)
    order2 = order[:]
    random.Random(seed + 1).shuffle(order2)
    together = _by_line(read([images[i] for i in order + order2]))
    for pos, i in enumerate(order + order2):
        assert together[pos] == alone[i], f"line {i} changed when read with others (position {pos})"


def test_synthetic_lines_alone_shuffled_and_twice() -> None:
    images: list = [render(t, size=s) for t in LINES for s in (28, 44)]
    if SAMPLE.is_file():
        images.append(SAMPLE)
    _check(images, seed=1)


def test_posteriors_do_not_depend_on_neighbours() -> None:
    """At the model level too: the same line next to a wide or a narrow neighbour gives the same posteriors."""
    from vaddr.ocr_backends import preprocess

    rec = CrnnOnnx()
    line = preprocess.prepare(render(LINES[0]))
    narrow = preprocess.prepare(render("Hà Nội"))
    wide = preprocess.prepare(render(LINES[2] + " " + LINES[6]))
    same_width = preprocess.prepare(render(LINES[0][::-1]))
    (alone,) = rec.posteriors_prepared([line])
    for other in (narrow, wide, same_width):
        assert np.array_equal(rec.posteriors_prepared([other, line])[1], alone)


@pytest.mark.skipif(not REAL.is_file(), reason="../shared/data/kalapa_real not present")
def test_200_real_lines_alone_shuffled_and_twice() -> None:
    rows = [line.split("\t")[0] for line in REAL.read_text(encoding="utf-8").splitlines() if "\t" in line]
    paths = [REAL.parent / p for p in rows]
    random.Random(14).shuffle(paths)
    images = paths[:200]
    assert len(images) == 200 and len(images) > CHUNK  # several chunks, so batches really differ
    _check(images, seed=2)
