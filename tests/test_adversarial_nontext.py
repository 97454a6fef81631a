"""Images with no line of writing never come back as an address (issue 14, item 2).

28 generated images (tests/adversarial/nontext.py: blank, gradients, noise, strokes, pages, photos), at the
default top-k and at the largest allowed one; a line inside a 3000x4000 photo; and real lines, which must
still be read (the no-text decision must not cost real lines).
"""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest
from adversarial.nontext import images
from PIL import Image

from vaddr.ocr_backends.onnx_crnn import default_model_path
from vaddr.pipeline import read
from vaddr.validation import MAX_TOP_K

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "vaddr" / "samples" / "sample.png"
REAL = ROOT.parent / "shared" / "data" / "kalapa_real" / "labels.tsv"

pytestmark = pytest.mark.skipif(not default_model_path().is_file(), reason="bundled model not built")


def _units(r) -> list[str]:
    a = r.address
    return [u.name for u in (a.province, a.district, a.ward) if u is not None] if a else []


@pytest.fixture(scope="module")
def nontext() -> dict[str, np.ndarray]:
    return images()


@pytest.mark.parametrize("top_k", [10, MAX_TOP_K])
def test_no_unit_from_28_nontext_images(nontext: dict[str, np.ndarray], top_k: int) -> None:
    assert len(nontext) == 28
    results = read(list(nontext.values()), top_k=top_k)
    assert len(results) == 28
    for name, r in zip(nontext, results, strict=True):
        assert not _units(r), f"{name} read as an address: {r.text!r}"
        assert r.status in ("no_text", "error"), f"{name}: status {r.status!r}, text {r.text!r}"
        assert r.address is None and r.text == ""
        assert r.note if r.status == "no_text" else r.error, f"{name}: no reason given"


def test_pages_and_photos_are_errors_that_say_why(nontext: dict[str, np.ndarray]) -> None:
    pages = {k: v for k, v in nontext.items() if k.startswith(("page_", "photo_"))}
    for name, r in zip(pages, read(list(pages.values())), strict=True):
        assert r.status == "error" and "page or a photo" in (r.error or ""), name


@pytest.mark.skipif(not SAMPLE.is_file(), reason="sample image missing")
def test_line_inside_a_large_photo_is_an_error(nontext: dict[str, np.ndarray]) -> None:
    line = np.asarray(Image.open(SAMPLE).convert("L"))
    photo = np.array(Image.fromarray(nontext["photo_blobs"]).resize((3000, 4000)))
    photo[1900 : 1900 + line.shape[0], 500 : 500 + line.shape[1]] = line
    (r,) = read([photo])
    assert r.status == "error" and "crop the line" in (r.error or "")


@pytest.mark.skipif(not SAMPLE.is_file(), reason="sample image missing")
def test_the_sample_line_is_still_read() -> None:
    (r,) = read([SAMPLE])
    assert r.status == "ok" and r.address is not None and r.address.province is not None


@pytest.mark.skipif(not SAMPLE.is_file(), reason="sample image missing")
def test_a_noisy_blurred_real_line_is_still_read() -> None:
    """Heavy noise over real writing (37 % of the pixels dark) is not "no text": the model still reads it."""
    from PIL import ImageFilter

    im = Image.open(SAMPLE).convert("L").filter(ImageFilter.GaussianBlur(3.5))
    noise = np.random.default_rng(0).normal(0, 60, (im.height, im.width))
    (r,) = read([np.clip(np.asarray(im, dtype=float) + noise, 0, 255).astype(np.uint8)])
    assert r.status == "ok" and r.address is not None and r.address.province is not None


@pytest.mark.skipif(not REAL.is_file(), reason="../shared/data/kalapa_real not present")
def test_real_lines_are_not_flagged() -> None:
    rows = [line.split("\t")[0] for line in REAL.read_text(encoding="utf-8").splitlines() if "\t" in line]
    paths = [REAL.parent / p for p in rows]
    random.Random(7).shuffle(paths)
    results = read(paths[:60], correct=False)
    assert [r.status for r in results] == ["ok"] * 60
