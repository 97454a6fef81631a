"""Image preprocessing for the CRNN: the single source of truth, used by training and inference alike.

``prepare(gray)`` turns a grayscale photo of one handwritten line (uint8, H x W) into the model input
``float32 [1, HEIGHT, W']``:

1. **Ink map.** The paper background is estimated at low resolution (grey dilation then blur removes
   the thin pen strokes) and each pixel's *darkness relative to its local background* is taken. This
   cancels paper shading, shadows and the tint of blue-ish photos.
2. **Ruled lines removed from the crop decision.** The forms have dark box borders; pixels on long
   horizontal or vertical runs are not counted as writing when locating the text (they stay in the
   image: the model has seen them in training).
3. **Crop** to the text band (the densest row band, grown over the diacritics) and the first/last
   ink column, with a margin proportional to the band height.
4. **Resize** to ``HEIGHT`` keeping the aspect ratio (width capped at ``MAX_WIDTH``), then scale so
   that paper is 0.0 and ink is about 1.0: *ink bright on a dark background*, so zero padding in
   :func:`batch` equals blank paper.

Pure numpy + Pillow: no torch, no OpenCV, so the runtime stays light.
"""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageFilter

#: Model input height in pixels (also stored in the ONNX metadata as ``height``).
HEIGHT = 32
#: Width cap after resizing (a 68-character line needs about 700 px at this height).
MAX_WIDTH = 1024
#: Smallest width returned (the CNN downsamples by 4 in width).
MIN_WIDTH = 16


def _as_gray(img: np.ndarray) -> np.ndarray:
    a = np.asarray(img)
    if a.ndim == 3:
        a = a[..., :3].mean(axis=2) if a.shape[2] >= 3 else a[..., 0]
    return np.asarray(a, dtype=np.float32)


def ink_map(gray: np.ndarray) -> np.ndarray:
    """Darkness relative to the local paper background, in [0, 1] (0 = paper)."""
    g = _as_gray(gray)
    h, w = g.shape
    f = max(1, round(min(h, w) / 24))  # analyse the background at ~24 px of height
    small = Image.fromarray(np.clip(g, 0, 255).astype(np.uint8))
    small = small.resize((max(1, w // f), max(1, h // f)), Image.Resampling.BOX)
    size = 5 if min(small.size) >= 5 else 3
    bg = small.filter(ImageFilter.MaxFilter(size)).filter(ImageFilter.GaussianBlur(2))
    bg_a = np.asarray(bg.resize((w, h), Image.Resampling.BILINEAR), dtype=np.float32)
    bg_a = np.maximum(bg_a, g)
    return np.clip((bg_a - g) / np.maximum(bg_a, 16.0), 0.0, 1.0)


def _runs(mask: np.ndarray, length: int, axis: int) -> np.ndarray:
    """Pixels that lie on a run of at least ``length`` set pixels along ``axis`` (~morphological opening)."""
    if length <= 1 or mask.shape[axis] < length:
        return np.zeros_like(mask)
    m = np.moveaxis(mask, axis, 1).astype(np.int32)
    c = np.concatenate([np.zeros((m.shape[0], 1), np.int32), np.cumsum(m, axis=1)], axis=1)
    full = (c[:, length:] - c[:, :-length]) >= int(0.92 * length)  # windows almost fully inked
    cf = np.concatenate([np.zeros((m.shape[0], 1), np.int32), np.cumsum(full, axis=1)], axis=1)
    n = m.shape[1]
    idx = np.arange(n)
    lo = np.clip(idx - length + 1, 0, full.shape[1])
    hi = np.clip(idx + 1, 0, full.shape[1])
    covered = (cf[:, hi] - cf[:, lo]) > 0  # some full window covers this pixel
    return np.moveaxis(covered, 1, axis)


def _grow(mask: np.ndarray, r: int, axis: int) -> np.ndarray:
    """Dilate ``mask`` by ``r`` pixels along ``axis`` (the blurred fringes of a ruled line)."""
    out = mask.copy()
    n = mask.shape[axis]
    for d in range(1, r + 1):
        if d >= n:
            break
        a = np.take(mask, range(d, n), axis=axis)
        b = np.take(mask, range(0, n - d), axis=axis)
        sl_lo = [slice(None)] * mask.ndim
        sl_hi = [slice(None)] * mask.ndim
        sl_lo[axis] = slice(0, n - d)
        sl_hi[axis] = slice(d, n)
        out[tuple(sl_lo)] |= a
        out[tuple(sl_hi)] |= b
    return out


def _smooth(v: np.ndarray, k: int) -> np.ndarray:
    k = max(1, k)
    return np.convolve(v, np.ones(k, np.float32) / k, mode="same")


def text_box(ink: np.ndarray, threshold: float = 0.25) -> tuple[int, int, int, int]:
    """(top, bottom, left, right) of the handwriting, ruled lines ignored; whole image if no ink."""
    h, w = ink.shape
    mask = ink > threshold
    horiz = _grow(_runs(mask, max(8, int(0.08 * w)), axis=1), 2, axis=0)
    vert = _grow(_runs(mask, max(6, int(0.5 * h)), axis=0), 2, axis=1)
    mask &= ~(horiz | vert)
    rows = _smooth(mask.sum(axis=1).astype(np.float32), max(3, h // 12))
    if rows.max() < 2:
        return 0, h, 0, w
    peak = int(rows.argmax())
    keep = rows > 0.06 * rows[peak]
    top = bottom = peak
    while top > 0 and keep[top - 1]:
        top -= 1
    while bottom < h - 1 and keep[bottom + 1]:
        bottom += 1
    band = bottom - top + 1
    top = max(0, top - int(0.12 * band))
    bottom = min(h, bottom + 1 + int(0.12 * band))
    cols = _smooth(mask[top:bottom].sum(axis=0).astype(np.float32), max(3, band // 4))
    inked = np.nonzero(cols > 0.5)[0]
    if inked.size == 0:
        return top, bottom, 0, w
    left, right = _trim_strays(inked, band)
    margin = int(0.25 * band)
    return top, bottom, max(0, left - margin), min(w, right + 1 + margin)


def _trim_strays(inked: np.ndarray, band: int) -> tuple[int, int]:
    """First/last inked column, dropping narrow isolated bits at either end (border remnants, specks)."""
    breaks = np.nonzero(np.diff(inked) > 2 * band)[0]  # word gaps are well under 2 band heights
    segs = np.split(inked, breaks + 1)
    while len(segs) > 1 and segs[-1][-1] - segs[-1][0] < 0.3 * band:
        segs.pop()
    while len(segs) > 1 and segs[0][-1] - segs[0][0] < 0.3 * band:
        segs.pop(0)
    return int(segs[0][0]), int(segs[-1][-1])


def prepare(gray: np.ndarray) -> np.ndarray:
    """Grayscale uint8 [H, W] photo of one line -> float32 [1, HEIGHT, W'] (ink ~1, paper 0)."""
    g = _as_gray(gray)
    if g.ndim != 2 or g.shape[0] < 2 or g.shape[1] < 2:
        return np.zeros((1, HEIGHT, MIN_WIDTH), np.float32)
    ink = ink_map(g)
    top, bottom, left, right = text_box(ink)
    crop = ink[top:bottom, left:right]
    ch, cw = crop.shape
    width = int(round(cw * HEIGHT / max(ch, 1)))
    width = min(MAX_WIDTH, max(MIN_WIDTH, width))
    out = np.asarray(Image.fromarray(crop).resize((width, HEIGHT), Image.Resampling.BILINEAR), np.float32)
    hi = float(np.percentile(out, 99.5)) if out.size else 0.0
    scale = 1.0 / max(hi, 0.15)
    out = np.clip((out - 0.03) * scale, 0.0, 1.0)
    return out[None].astype(np.float32)


def batch(items: list[np.ndarray], min_width: int = MIN_WIDTH) -> np.ndarray:
    """Stack prepared [1, H, W_i] arrays into [N, 1, H, W_max], right-padded with 0 (blank paper)."""
    if not items:
        return np.zeros((0, 1, HEIGHT, min_width), np.float32)
    wmax = max(min_width, max(a.shape[-1] for a in items))
    out = np.zeros((len(items), 1, items[0].shape[-2], wmax), np.float32)
    for i, a in enumerate(items):
        out[i, :, :, : a.shape[-1]] = a
    return out
