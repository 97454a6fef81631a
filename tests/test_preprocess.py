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


def _form(
    h: int = 115, w: int = 1840, paper: int = 200, seed: int = 0
) -> tuple[np.ndarray, tuple[int, int, int, int]]:
    """A fake form photo: shaded paper, box lines, and a dark 'writing' block; returns (image, ink box)."""
    rng = np.random.default_rng(seed)
    img = np.full((h, w), paper, np.float32) + np.linspace(-20, 20, w)[None, :]
    img[5:8, :] = 40  # top ruled line
    img[h - 8: h - 5, :] = 40  # bottom ruled line
    img[:, w - 60: w - 57] = 40  # right border
    top, bottom, left, right = 35, 85, 200, 900
    for x in range(left, right, 14):  # strokes of 'letters'
        img[top + rng.integers(0, 10): bottom - rng.integers(0, 10), x: x + 3] = 50
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
    for img in (np.full((115, 1840), 220, np.uint8), np.zeros((115, 1840), np.uint8),
                np.full((1, 1), 255, np.uint8), np.zeros((0, 0), np.uint8), np.full((3, 500), 9, np.uint8)):
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
