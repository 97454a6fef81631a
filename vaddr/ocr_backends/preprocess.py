"""Image preprocessing for the CRNN: the single source of truth, used by training and inference alike.

``prepare(gray)`` turns a grayscale photo of one handwritten line (uint8, H x W) into the model input
``float32 [1, HEIGHT, W']``:

1. **Ink map.** The paper background is estimated at low resolution (grey dilation then blur removes
   the thin pen strokes) and each pixel's *darkness relative to its local background* is taken. This
   cancels paper shading, shadows and the tint of blue-ish photos.
2. **Writing mask** for the decisions below: ink darker than a share of the line's strongest strokes,
   capped at ``INK_THRESHOLD`` (faint pencil, a washed-out or blurred photo still give a mask).
3. **Deskew.** A line written or photographed at a slant of ``DESKEW_MIN_DEGREES`` or more is rotated
   level (the angle that gives the sharpest row profile of the mask) when that makes the text band
   thinner by a tenth or more: a line that follows its own sloping ruled line is often cropped well as
   it is. Level lines stay bit-identical (the model was trained on them).
4. **Ruled lines removed from the crop decision.** The forms have dark box borders; pixels on long
   horizontal or vertical runs are not counted as writing when locating the text (they stay in the
   image: the model has seen them in training).
5. **Crop** to the text band (the densest row band, grown over the diacritics) and the first/last
   ink column, with a margin proportional to the band height.
6. **Resize** to ``HEIGHT`` keeping the aspect ratio (width capped at ``MAX_WIDTH``), then scale so
   that paper is 0.0 and ink is about 1.0: *ink bright on a dark background*, so zero padding in
   :func:`batch` equals blank paper.

Pure numpy + Pillow: no torch, no OpenCV, so the runtime stays light.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from PIL import Image, ImageFilter

#: Model input height in pixels (also stored in the ONNX metadata as ``height``).
HEIGHT = 32
#: Width cap after resizing (a 68-character line needs about 700 px at this height).
MAX_WIDTH = 1024
#: Smallest width returned (the CNN downsamples by 4 in width).
MIN_WIDTH = 16
#: Ink darkness (0 paper .. 1 black) above which a pixel counts as writing when locating the text ...
INK_THRESHOLD = 0.25
#: ... or above this share of the line's strongest strokes, if that is lower. The strongest: the darkness
#: of the k-th darkest pixel, k = one per ``STRONG_PER_COLUMN`` columns (writing grows with the line's
#: length, not with the paper around it).
INK_SHARE = 0.4
STRONG_PER_COLUMN = 20
#: Slants (degrees) from which a line is rotated level; searched up to ``MAX_SKEW_DEGREES``.
DESKEW_MIN_DEGREES = 1.0
MAX_SKEW_DEGREES = 12.0
#: A levelled line is used only if its text band is at most this share of the band found without levelling.
DESKEW_MIN_GAIN = 0.9


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
        np.maximum(rows, p[:, k : k + w], out=rows)
    out = rows[:h].copy()
    for k in range(1, size):
        np.maximum(out, rows[k : k + h], out=out)
    return out


def ink_map(gray: np.ndarray) -> np.ndarray:
    """Darkness relative to the local paper background, in [0, 1] (0 = paper)."""
    num, den = _ink_parts(_as_gray(gray))
    return np.clip(num / den, 0.0, 1.0)


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


def text_box(ink: np.ndarray, threshold: float = INK_THRESHOLD) -> tuple[int, int, int, int]:
    """(top, bottom, left, right) of the handwriting, ruled lines ignored; whole image if no ink."""
    return _mask_box(ink > threshold)


def _mask_box(mask: np.ndarray, scale: int | None = None) -> tuple[int, int, int, int]:
    """:func:`text_box` on the thresholded ink mask (modified in place). ``scale``: the image height the row
    profile is smoothed for (default: the mask's own; a levelled line passes its height before levelling,
    since rotation pads the canvas with blank rows)."""
    h, w = mask.shape
    ruled = _grow(_runs(mask, max(8, int(0.08 * w)), axis=1), 2, axis=0)
    ruled |= _grow(_runs(mask, max(6, int(0.5 * h)), axis=0), 2, axis=1)
    mask &= ~ruled
    rows = _smooth(np.count_nonzero(mask, axis=1).astype(np.float32), max(3, (scale or h) // 12))
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


def _ink_parts(g: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Numerator and denominator of :func:`ink_map` (``ink = num / den``), integers for a uint8 image.

    Keeping the fraction apart lets the writing mask be decided exactly in integers and the float ink
    be computed on the crop only.
    """
    if g.dtype == np.uint8:
        bg = np.maximum(_background(g), g)
        return bg - g, np.maximum(bg, 16)  # no underflow: bg >= g
    bg_f = np.maximum(_background(np.clip(g, 0, 255).astype(np.uint8)).astype(np.float32), g)
    return bg_f - g, np.maximum(bg_f, 16.0)


def _writing_threshold(num: np.ndarray, den: np.ndarray) -> float:
    """Ink darkness above which a pixel counts as writing: ``INK_THRESHOLD``, or ``INK_SHARE`` of the strongest
    strokes when the whole line is faint (without it a washed-out photo's crop lands on a box line)."""
    sample = (num[::3, ::3].astype(np.float32) / den[::3, ::3].astype(np.float32)).ravel()
    k = max(10, num.shape[1] // 3 // STRONG_PER_COLUMN)
    strongest = float(np.partition(sample, sample.size - k)[sample.size - k]) if sample.size > k else 1.0
    return max(0.1, min(INK_THRESHOLD, INK_SHARE * strongest))


def _writing_mask(num: np.ndarray, den: np.ndarray, threshold: float) -> np.ndarray:
    """``ink > threshold``, in integers where it can be (uint8 input, the usual threshold)."""
    if threshold == INK_THRESHOLD and num.dtype == np.uint8:
        return (num.astype(np.int16) << 2) > den  # exactly ink > 0.25 (see _ink_parts)
    return num.astype(np.float32) > np.float32(threshold) * den.astype(np.float32)


def skew_angle(mask: np.ndarray, max_degrees: float = MAX_SKEW_DEGREES) -> float:
    """The slant of the writing in degrees, counter-clockwise positive as Pillow's ``rotate`` counts them
    (rotating the image by it makes the rows level); 0.0 when the mask is too small to tell.

    The mask's row profile is sharpest when its rows are level. Rather than rotating the image per trial
    angle, the mask is cut into vertical strips whose row counts are shifted by ``x * tan(angle)``: a
    1-degree search over the range, then a 0.1-degree one around the best.
    """
    h, w = mask.shape
    strips = min(32, w // 8)
    if strips < 4 or w < 3 * h or np.count_nonzero(mask) < 50:
        return 0.0
    edges = np.linspace(0, w, strips + 1).astype(np.int64)
    counts = np.add.reduceat(mask, edges[:-1], axis=1, dtype=np.int32).T.astype(np.float64)  # [strips, h]
    centres = (edges[:-1] + edges[1:]) / 2.0 - w / 2.0

    def sharpest(angles: np.ndarray) -> float:
        shifts = -np.round(np.tan(np.radians(angles))[:, None] * centres[None, :]).astype(np.int64)
        pad = int(np.abs(shifts).max())
        size = h + 2 * pad
        rows = np.arange(h)[None, None, :] + shifts[:, :, None] + pad
        index = rows + (np.arange(len(angles)) * size)[:, None, None]
        weights = np.broadcast_to(counts, index.shape)
        profiles = np.bincount(index.ravel(), weights.ravel(), minlength=len(angles) * size)
        energy = (profiles.reshape(len(angles), size) ** 2).sum(axis=1)
        return float(angles[int(np.argmax(energy))])

    coarse = sharpest(np.arange(-max_degrees, max_degrees + 0.5, 1.0))
    return round(sharpest(np.arange(coarse - 1.0, coarse + 1.05, 0.1)), 1)


def _rotate(ink: np.ndarray, degrees: float) -> np.ndarray:
    """An ink map rotated counter-clockwise on a canvas grown to fit; the new corners are blank paper (0),
    so no edge of the photo shows up as writing."""
    img = Image.fromarray(ink.astype(np.float32, copy=False), "F")
    return np.asarray(img.rotate(degrees, resample=Image.Resampling.BILINEAR, expand=True, fillcolor=0.0))


class Layout(NamedTuple):
    """Where the writing is, as `prepare` found it: what `vaddr.ocr_backends.linecheck` judges an image by.

    ``ink``: share of the image's pixels that count as writing (ruled lines removed). ``band``: share of the
    image height taken by the text band that is read. ``outside``: share of the writing that lies outside that
    band (other lines of a page, writing elsewhere in a photo).
    """

    height: int
    width: int
    ink: float
    band: float
    outside: float


def prepare(gray: np.ndarray) -> np.ndarray:
    """Grayscale photo [H, W] of one line (uint8, or float 0..255) -> float32 [1, HEIGHT, W'] (ink ~1, paper 0)."""
    return prepare_with_layout(gray)[0]


def prepare_with_layout(gray: np.ndarray) -> tuple[np.ndarray, Layout]:
    """`prepare`, plus the `Layout` of the writing it found (the same array; the statistics cost ~1 %)."""
    a = np.asarray(gray)
    g = a if a.ndim == 2 and a.dtype == np.uint8 else _as_gray(a)
    if g.ndim != 2 or g.shape[0] < 2 or g.shape[1] < 2:
        h, w = (g.shape[-2], g.shape[-1]) if g.ndim >= 2 else (1, g.size)
        return np.zeros((1, HEIGHT, MIN_WIDTH), np.float32), Layout(int(h), int(w), 0.0, 1.0, 0.0)
    num, den = _ink_parts(g)
    threshold = _writing_threshold(num, den)
    mask = _writing_mask(num, den, threshold)
    angle = skew_angle(mask)
    top, bottom, left, right = _mask_box(mask)
    layout = _layout(mask, top, bottom)
    crop = None
    if abs(angle) >= DESKEW_MIN_DEGREES:
        # Levelled only if that makes the text band thinner (see the module docstring).
        level = _rotate(np.clip(num.astype(np.float32) / den, 0.0, 1.0), angle)
        t, b, lft, r = _mask_box(level > threshold, scale=g.shape[0])
        if b - t < DESKEW_MIN_GAIN * (bottom - top):
            crop = level[t:b, lft:r]
    if crop is None:  # the ink is computed on the crop only
        crop = np.clip(num[top:bottom, left:right].astype(np.float32) / den[top:bottom, left:right], 0.0, 1.0)
    ch, cw = crop.shape
    width = int(round(cw * HEIGHT / max(ch, 1)))
    width = min(MAX_WIDTH, max(MIN_WIDTH, width))
    out = np.asarray(Image.fromarray(crop).resize((width, HEIGHT), Image.Resampling.BILINEAR), np.float32)
    hi = float(np.percentile(out, 99.5)) if out.size else 0.0
    scale = 1.0 / max(hi, 0.15)
    out = np.clip((out - 0.03) * scale, 0.0, 1.0)
    return out[None].astype(np.float32), layout


def _layout(mask: np.ndarray, top: int, bottom: int) -> Layout:
    """Statistics of the writing mask (ruled lines already removed by `_mask_box`, which edits it in place)."""
    h, w = mask.shape
    rows = np.count_nonzero(mask, axis=1)
    total = int(rows.sum())
    inside = int(rows[top:bottom].sum())
    return Layout(
        height=h,
        width=w,
        ink=total / max(1, h * w),
        band=(bottom - top) / max(1, h),
        outside=(total - inside) / total if total else 0.0,
    )


def batch(items: list[np.ndarray], min_width: int = MIN_WIDTH) -> np.ndarray:
    """Stack prepared [1, H, W_i] arrays into [N, 1, H, W_max], right-padded with 0 (blank paper)."""
    if not items:
        return np.zeros((0, 1, HEIGHT, min_width), np.float32)
    wmax = max(min_width, max(a.shape[-1] for a in items))
    out = np.zeros((len(items), 1, items[0].shape[-2], wmax), np.float32)
    for i, a in enumerate(items):
        out[i, :, :, : a.shape[-1]] = a
    return out
