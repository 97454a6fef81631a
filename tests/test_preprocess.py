"""Tests of the CRNN input preprocessing (vaddr.ocr_backends.preprocess)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest

_PATH = Path(__file__).resolve().parent.parent / "vaddr" / "ocr_backends" / "preprocess.py"
_spec = importlib.util.spec_from_file_location("_preprocess_under_test", _PATH)
assert _spec is not None and _spec.loader is not None
P = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(P)


def _form(h: int = 115, w: int = 1840, paper: int = 200, seed: int = 0) -> tuple[np.ndarray, tuple[int, int, int, int]]:
    """A fake form photo: shaded paper, box lines, and a dark 'writing' block; returns (image, ink box)."""
    rng = np.random.default_rng(seed)
    img = np.full((h, w), paper, np.float32) + np.linspace(-20, 20, w)[None, :]
    img[5:8, :] = 40  # top ruled line
    img[h - 8 : h - 5, :] = 40  # bottom ruled line
    img[:, w - 60 : w - 57] = 40  # right border
    top, bottom, left, right = 35, 85, 200, 900
    for x in range(left, right, 14):  # strokes of 'letters'
        img[top + rng.integers(0, 10) : bottom - rng.integers(0, 10), x : x + 3] = 50
    img[60:63, left:right:2] = 50
    img += rng.normal(0, 3, img.shape)
    return np.clip(img, 0, 255).astype(np.uint8), (top, bottom, left, right)


def test_shape_dtype_range() -> None:
    img, _ = _form()
    x = P.prepare(img)
    assert x.dtype == np.float32
    assert x.ndim == 3 and x.shape[0] == 1 and x.shape[1] == P.HEIGHT
    assert P.MIN_WIDTH <= x.shape[2] <= P.MAX_WIDTH
    assert 0.0 <= x.min() and x.max() <= 1.0
    assert x.max() > 0.5  # ink is bright


def test_crop_keeps_the_ink_and_drops_the_margins() -> None:
    img, (top, bottom, left, right) = _form()
    t, b, lft, r = P.text_box(P.ink_map(img))
    assert t <= top and b >= bottom
    assert lft <= left and r >= right
    assert r < img.shape[1] - 100  # the empty right part and the border are cut off
    x = P.prepare(img)
    ink_aspect = (right - left) / (bottom - top)
    assert x.shape[2] == pytest.approx(ink_aspect * P.HEIGHT, rel=0.6)


def test_blank_and_tiny_images_do_not_crash() -> None:
    for img in (
        np.full((115, 1840), 220, np.uint8),
        np.zeros((115, 1840), np.uint8),
        np.full((1, 1), 255, np.uint8),
        np.zeros((0, 0), np.uint8),
        np.full((3, 500), 9, np.uint8),
    ):
        x = P.prepare(img)
        assert x.shape[0] == 1 and x.shape[1] == P.HEIGHT and x.shape[2] >= P.MIN_WIDTH
        assert np.isfinite(x).all()


def test_rgb_input_is_accepted() -> None:
    img, _ = _form()
    rgb = np.stack([img, img, img], axis=2)
    assert np.allclose(P.prepare(rgb), P.prepare(img))


def test_batch_pads_with_zero() -> None:
    a = P.prepare(_form(seed=1)[0])
    b = np.ones((1, P.HEIGHT, 20), np.float32)
    out = P.batch([a, b])
    assert out.shape == (2, 1, P.HEIGHT, max(a.shape[2], 20))
    assert (out[1, :, :, 20:] == 0).all()
    assert P.batch([]).shape[0] == 0


def test_deterministic() -> None:
    img, _ = _form(seed=3)
    assert np.array_equal(P.prepare(img), P.prepare(img))


def _runs_reference(mask: np.ndarray, length: int, axis: int) -> np.ndarray:
    """Naive definition of ``_runs``: set where some window of ``length`` that is >= 92 % set covers it."""
    m = np.moveaxis(mask, axis, 1)
    out = np.zeros_like(m)
    n = m.shape[1]
    if length > 1 and n >= length:
        for s in range(n - length + 1):
            full = m[:, s : s + length].sum(axis=1) >= int(0.92 * length)
            out[full, s : s + length] = True
    return np.moveaxis(out, 1, axis)


def test_runs_matches_the_naive_definition() -> None:
    rng = np.random.default_rng(7)
    for _ in range(30):
        h, w = (int(v) for v in rng.integers(1, 40, 2))
        mask = rng.random((h, w)) < rng.uniform(0.3, 0.99)
        for axis in (0, 1):
            for length in (1, 2, 5, 12, 41):
                assert np.array_equal(P._runs(mask, length, axis), _runs_reference(mask, length, axis))


def test_grow_is_a_one_axis_dilation() -> None:
    rng = np.random.default_rng(8)
    mask = rng.random((9, 13)) < 0.1
    for axis in (0, 1):
        for r in (0, 1, 2, 20):
            got = P._grow(mask, r, axis)
            m = np.moveaxis(mask, axis, 0)
            want = np.zeros_like(m)
            for i in range(m.shape[0]):
                want[i] = m[max(0, i - r) : i + r + 1].any(axis=0)
            assert np.array_equal(got, np.moveaxis(want, 0, axis))


def test_max_filter_equals_pillow() -> None:
    from PIL import Image, ImageFilter

    rng = np.random.default_rng(9)
    for _ in range(40):
        h, w = (int(v) for v in rng.integers(1, 30, 2))
        a = rng.integers(0, 256, (h, w), dtype=np.uint8)
        for size in (3, 5):
            ref = np.asarray(Image.fromarray(a).filter(ImageFilter.MaxFilter(size)))
            assert np.array_equal(P._max_filter(a, size), ref)


def test_uint8_fast_path_is_identical_to_the_float_path() -> None:
    """``prepare`` decides the writing mask in integers for uint8 input; it must give exactly the generic
    float result, and on a level, well-inked line the crop is the ink map inside ``text_box``."""
    imgs = [_form(seed=s)[0] for s in range(3)]
    imgs += [np.full((115, 1840), 220, np.uint8), np.zeros((115, 1840), np.uint8), np.full((3, 500), 9, np.uint8)]
    for img in imgs:
        fast = P.prepare(img)
        g = img.astype(np.float32)
        assert np.array_equal(fast, P.prepare(g))
    img = imgs[0]
    ink = P.ink_map(img.astype(np.float32))
    t, b, lft, r = P.text_box(ink)
    assert (t, b, lft, r) == P._mask_box(_mask(img))


def _mask(img: np.ndarray) -> np.ndarray:
    """The writing mask ``prepare`` locates the text with."""
    num, den = P._ink_parts(img)
    return P._writing_mask(num, den, P._writing_threshold(num, den))


def _tilted(img: np.ndarray, degrees: float) -> np.ndarray:
    """``img`` photographed at a slant: rotated on a grown canvas filled with the paper colour."""
    from PIL import Image

    paper = int(np.median(img))
    return np.asarray(
        Image.fromarray(img).rotate(degrees, resample=Image.Resampling.BILINEAR, expand=True, fillcolor=paper)
    )


@pytest.mark.parametrize("degrees", [-6.0, -3.0, 2.5, 4.0])
def test_skew_angle_recovers_the_slant(degrees: float) -> None:
    img, _ = _form()
    tilted = _tilted(img, degrees)
    angle = P.skew_angle(_mask(tilted))
    assert abs(angle + degrees) <= 0.3  # rotating by the returned angle undoes the slant


def test_level_lines_are_not_rotated() -> None:
    img, _ = _form()
    assert abs(P.skew_angle(_mask(img))) < P.DESKEW_MIN_DEGREES
    assert P.skew_angle(np.zeros((40, 400), bool)) == 0.0


@pytest.mark.parametrize("degrees", [-6.0, 6.0])
def test_a_slanted_photo_is_levelled_to_the_height_of_a_level_one(degrees: float) -> None:
    """Without levelling, a 6-degree slant over a long line makes the text band much taller, and the writing
    shrinks to a fraction of the model's input height (the output gets narrower)."""
    img, _ = _form()
    level = P.prepare(img).shape[-1]
    levelled = P.prepare(_tilted(img, degrees)).shape[-1]
    saved = P.DESKEW_MIN_DEGREES
    try:
        P.DESKEW_MIN_DEGREES = 99.0
        unlevelled = P.prepare(_tilted(img, degrees)).shape[-1]
    finally:
        P.DESKEW_MIN_DEGREES = saved
    assert levelled > 0.8 * level
    assert unlevelled < 0.7 * levelled


def test_faint_writing_is_still_found() -> None:
    """A washed-out photo (contrast squeezed to a third: the writing's darkness falls under the usual 0.25):
    the crop must still land on the writing, not on the box lines."""
    h, w = 115, 1840
    img = np.full((h, w), 200.0, np.float32)
    img[5:8, :] = 40
    img[h - 8 : h - 5, :] = 40
    img[:, w - 60 : w - 57] = 40
    top, bottom, left, right = 35, 85, 200, 900
    rng = np.random.default_rng(0)
    for x in range(left, right, 14):
        img[top + rng.integers(0, 10) : bottom - rng.integers(0, 10), x : x + 3] = 120
    img = 128 + (img - 128) * 0.4
    img = np.clip(img + rng.normal(0, 1, img.shape), 0, 255).astype(np.uint8)
    num, den = P._ink_parts(img)
    assert np.percentile(num[top:bottom, left:right] / den[top:bottom, left:right], 90) < P.INK_THRESHOLD
    t, b, lft, r = P._mask_box(_mask(img))
    assert top - 10 <= t <= top + 5 and bottom - 5 <= b <= bottom + 10
    assert lft <= left and right - 20 <= r < w - 60
