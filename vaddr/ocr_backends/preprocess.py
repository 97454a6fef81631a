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


def _background(g8: np.ndarray) -> np.ndarray:
    """Local paper brightness (uint8, same shape as ``g8``): grey dilation then blur at ~24 px of height."""
    h, w = g8.shape
    f = max(1, round(min(h, w) / 24))  # analyse the background at ~24 px of height
    small = Image.fromarray(g8).resize((max(1, w // f), max(1, h // f)), Image.Resampling.BOX)
    size = 5 if min(small.size) >= 5 else 3
    dilated = Image.fromarray(_max_filter(np.asarray(small), size))
    bg = dilated.filter(ImageFilter.GaussianBlur(2))
    return np.asarray(bg.resize((w, h), Image.Resampling.BILINEAR), dtype=np.uint8)


def _max_filter(a: np.ndarray, size: int) -> np.ndarray:
    """Grey dilation with a ``size`` x ``size`` square, edges replicated: the same pixels as Pillow's
    ``ImageFilter.MaxFilter(size)`` (a rank filter, ~1 ms here) but separable and ~50x faster."""
    r = size // 2
    p = np.pad(a, r, mode="edge")
    h, w = a.shape
    rows = p[:, :w].copy()
    for k in range(1, size):
        np.maximum(rows, p[:, k: k + w], out=rows)
    out = rows[:h].copy()
    for k in range(1, size):
        np.maximum(out, rows[k: k + h], out=out)
    return out


def ink_map(gray: np.ndarray) -> np.ndarray:
    """Darkness relative to the local paper background, in [0, 1] (0 = paper)."""
    g = _as_gray(gray)
    bg_a = _background(np.clip(g, 0, 255).astype(np.uint8)).astype(np.float32)
    bg_a = np.maximum(bg_a, g)
    return np.clip((bg_a - g) / np.maximum(bg_a, 16.0), 0.0, 1.0)


def _along(axis: int, sl: slice) -> tuple[slice, ...]:
    return (slice(None), sl) if axis == 1 else (sl, slice(None))


def _runs(mask: np.ndarray, length: int, axis: int) -> np.ndarray:
    """Pixels that lie on a run of at least ``length`` set pixels along ``axis`` (~morphological opening).

    A pixel is kept when some window of ``length`` pixels containing it is at least 92 % set. Both
    window sums are cumulative-sum differences taken with slices (no gathers), in int32.
    """
    n = mask.shape[axis]
    if length <= 1 or n < length:
        return np.zeros_like(mask)
    shape = list(mask.shape)
    shape[axis] = n + 1
    c = np.zeros(shape, np.int32)
    np.cumsum(mask, axis=axis, dtype=np.int32, out=c[_along(axis, slice(1, None))])
    full = (c[_along(axis, slice(length, None))] - c[_along(axis, slice(None, -length))]) >= int(0.92 * length)
    nf = n - length + 1  # number of windows
    # cs[k] = number of full windows starting before k - length + 1 (clipped to [0, nf]); pixel i is
    # covered by a full window iff one starts in [i - length + 1, i], i.e. cs[i + length] > cs[i].
    shape[axis] = n + length
    cs = np.empty(shape, np.int32)
    cs[_along(axis, slice(0, length))] = 0
    np.cumsum(full, axis=axis, dtype=np.int32, out=cs[_along(axis, slice(length, length + nf))])
    cs[_along(axis, slice(length + nf, None))] = cs[_along(axis, slice(length + nf - 1, length + nf))]
    return cs[_along(axis, slice(length, length + n))] > cs[_along(axis, slice(0, n))]


def _grow(mask: np.ndarray, r: int, axis: int) -> np.ndarray:
    """Dilate ``mask`` by ``r`` pixels along ``axis`` (the blurred fringes of a ruled line)."""
    out = mask.copy()
    n = mask.shape[axis]
    for d in range(1, min(r, n - 1) + 1):
        out[_along(axis, slice(0, n - d))] |= mask[_along(axis, slice(d, n))]
        out[_along(axis, slice(d, n))] |= mask[_along(axis, slice(0, n - d))]
    return out


def _smooth(v: np.ndarray, k: int) -> np.ndarray:
    k = max(1, k)
    return np.convolve(v, np.ones(k, np.float32) / k, mode="same")


def text_box(ink: np.ndarray, threshold: float = 0.25) -> tuple[int, int, int, int]:
    """(top, bottom, left, right) of the handwriting, ruled lines ignored; whole image if no ink."""
    return _mask_box(ink > threshold)


def _mask_box(mask: np.ndarray) -> tuple[int, int, int, int]:
    """:func:`text_box` on the thresholded ink mask (modified in place)."""
    h, w = mask.shape
    ruled = _grow(_runs(mask, max(8, int(0.08 * w)), axis=1), 2, axis=0)
    ruled |= _grow(_runs(mask, max(6, int(0.5 * h)), axis=0), 2, axis=1)
    mask &= ~ruled
    rows = _smooth(np.count_nonzero(mask, axis=1).astype(np.float32), max(3, h // 12))
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
    cols = _smooth(np.count_nonzero(mask[top:bottom], axis=0).astype(np.float32), max(3, band // 4))
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
    a = np.asarray(gray)
    if a.ndim == 2 and a.dtype == np.uint8 and a.shape[0] >= 2 and a.shape[1] >= 2:
        crop = _prepare_crop_u8(a)
    else:
        g = _as_gray(a)
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


def _prepare_crop_u8(g8: np.ndarray) -> np.ndarray:
    """``ink_map`` + ``text_box`` + crop for a uint8 image, bit-identical to the float path but faster.

    With integer pixels the ink is ``num / den`` (``num = max(bg, g) - g``, ``den = max(bg, g, 16)``),
    so the mask ``ink > 0.25`` is exactly ``4 * num > den`` (the quotient of small integers is never
    within float32 rounding of 0.25), and the float ink is only computed on the crop.
    """
    bg = np.maximum(_background(g8), g8)
    num = bg - g8  # no underflow: bg >= g8
    den = np.maximum(bg, 16)
    mask = (num.astype(np.int16) << 2) > den
    top, bottom, left, right = _mask_box(mask)
    n = num[top:bottom, left:right].astype(np.float32)
    return np.clip(n / den[top:bottom, left:right].astype(np.float32), 0.0, 1.0)


def batch(items: list[np.ndarray], min_width: int = MIN_WIDTH) -> np.ndarray:
    """Stack prepared [1, H, W_i] arrays into [N, 1, H, W_max], right-padded with 0 (blank paper)."""
    if not items:
        return np.zeros((0, 1, HEIGHT, min_width), np.float32)
    wmax = max(min_width, max(a.shape[-1] for a in items))
    out = np.zeros((len(items), 1, items[0].shape[-2], wmax), np.float32)
    for i, a in enumerate(items):
        out[i, :, :, : a.shape[-1]] = a
    return out
