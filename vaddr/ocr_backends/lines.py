"""Images that hold several handwritten lines: split them into lines, read each, join in reading order.

Address boxes on real forms often hold two or three lines; the recognizer reads one line, and on a
stacked image it silently read only the densest one (issue 10). :func:`split_lines` finds the text
lines of an image from the row profile of the writing mask of ``preprocess`` (ruled box lines
removed, as when cropping one line): bands of rows dense in writing, separated by near-empty rows.
Bands too small to be a line (diacritics above a line, descenders of the neighbouring line at an
edge, a correction written small above a struck word) are merged into the nearest line or, at the
image's top or bottom edge, dropped. An image with one line comes back whole, untouched, so single
lines are read exactly as before.

:func:`recognize_lines` reads every line of every image with one recognizer call and joins each
image's lines, top to bottom, into one :class:`~vaddr.ocr_backends.base.Recognition` (hypotheses
combined best first, posteriors concatenated with a space between the lines), which the corrector
then treats as one address. Whether an image holds any text line at all is not decided here: an
image without writing comes back as one "line" for the caller's no-text decision.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from vaddr.ocr_backends import preprocess
from vaddr.ocr_backends.base import Recognition, Recognizer
from vaddr.types import Hypothesis

__all__ = ["split_lines", "line_images", "join", "recognize_lines"]

#: A band is a line only if its height is at least this share of the tallest band's ...
MIN_HEIGHT_SHARE = 0.45
#: ... and its writing at least this share of the densest band's (a short line, "Hà Nội", is still a line).
MIN_MASS_SHARE = 0.12
#: Rows count as inside a band when their (smoothed) writing count exceeds this share of the peak row.
ROW_SHARE = 0.1
#: Two lines are separated by at least this share of their mean height of (near) empty rows: real lines
#: stacked as on a form leave 0.82 of it (median; 1st percentile 0.29, minimum 0.18 over 444 pairs of
#: real lines), dense scribbles or hatching much less (0.05-0.15), so they stay one image.
MIN_GAP_SHARE = 0.2


def _writing_rows(gray: np.ndarray) -> np.ndarray:
    """Per row, how many pixels are writing (ruled lines removed), lightly smoothed."""
    g = np.asarray(gray)
    if g.dtype != np.uint8:
        g = np.clip(g, 0, 255).astype(np.uint8)
    num, den = preprocess._ink_parts(g)
    mask = preprocess._writing_mask(num, den, preprocess._writing_threshold(num, den))
    h, w = mask.shape
    ruled = preprocess._grow(preprocess._runs(mask, max(8, int(0.08 * w)), axis=1), 2, axis=0)
    # vertical box borders span one line's box, not the whole image: judge them at a line's scale
    line_h = max(6, min(h, w // 12))
    ruled |= preprocess._grow(preprocess._runs(mask, max(6, int(0.5 * line_h)), axis=0), 2, axis=1)
    rows = np.count_nonzero(mask & ~ruled, axis=1).astype(np.float32)
    return preprocess._smooth(rows, max(3, h // 60))


def _bands(rows: np.ndarray) -> list[list[int]]:
    """Runs of rows above ``ROW_SHARE`` of the peak: [start, end) pairs."""
    on = rows > ROW_SHARE * rows.max()
    edges = np.flatnonzero(np.diff(np.concatenate([[0], on.astype(np.int8), [0]])))
    return [[int(a), int(b)] for a, b in zip(edges[::2], edges[1::2], strict=True)]


def split_lines(gray: np.ndarray) -> list[tuple[int, int]]:
    """Row ranges ``(top, bottom)`` of the text lines of a grayscale image, top to bottom.

    One range covering the whole image when it holds one line (or no writing at all).
    """
    g = np.asarray(gray)
    h = g.shape[0] if g.ndim >= 2 else 0
    if g.ndim != 2 or h < 8 or g.shape[1] < 8:
        return [(0, h)]
    rows = _writing_rows(g)
    if rows.max() < 2:
        return [(0, h)]
    bands = _bands(rows)
    while len(bands) > 1:  # fold the smallest fragment into its nearest neighbour, or drop it at an edge
        mass = [float(rows[a:b].sum()) for a, b in bands]
        height = [b - a for a, b in bands]
        small = [
            i
            for i in range(len(bands))
            if height[i] < MIN_HEIGHT_SHARE * max(height) or mass[i] < MIN_MASS_SHARE * max(mass)
        ]
        if not small:
            break
        i = min(small, key=lambda j: mass[j])
        a, b = bands[i]
        if i == 0 and a <= 1 or i == len(bands) - 1 and b >= h - 1:
            bands.pop(i)  # ink of the line above / below reaching into the crop
            continue
        up = a - bands[i - 1][1] if i > 0 else h
        down = bands[i + 1][0] - b if i + 1 < len(bands) else h
        j = i - 1 if up <= down else i + 1
        bands[j] = [min(bands[j][0], a), max(bands[j][1], b)]
        bands.pop(i)
    k = 1
    while k < len(bands):  # bands too close together are one block of writing, not lines
        (a0, b0), (a1, b1) = bands[k - 1], bands[k]
        if a1 - b0 < MIN_GAP_SHARE * ((b0 - a0) + (b1 - a1)) / 2:
            bands[k - 1 : k + 1] = [[a0, b1]]
        else:
            k += 1
    if len(bands) <= 1:
        return [(0, h)]
    cuts = [0]
    for (_, end), (start, _) in zip(bands[:-1], bands[1:], strict=True):
        gap = rows[end:start]
        cuts.append(end + int(np.argmin(gap)) if len(gap) else (end + start) // 2)
    cuts.append(h)
    return [(cuts[k], cuts[k + 1]) for k in range(len(bands))]


def line_images(gray: np.ndarray) -> list[np.ndarray]:
    """The image cut into its text lines (the image itself when it holds one)."""
    ranges = split_lines(gray)
    if len(ranges) == 1:
        return [gray]
    return [np.ascontiguousarray(gray[a:b]) for a, b in ranges]


def _separator(charset: Sequence[str], classes: int) -> np.ndarray | None:
    """Posterior frames reading a space between two lines: blank, space, blank."""
    if " " not in charset:
        return None
    frames = np.full((3, classes), np.log(1e-6), np.float32)
    frames[[0, 2], 0] = 0.0
    frames[1, list(charset).index(" ") + 1] = 0.0
    return frames


def join(parts: Sequence[Recognition], top_k: int = 10) -> Recognition:
    """Lines of one image, top to bottom, as one reading: the best combinations of their hypotheses
    (log-probabilities added), and their posteriors end to end with a space between. A line the
    recognizer found no writing in (``no_text``) is left out; if that is every line, so is the image."""
    if len(parts) == 1:
        return parts[0]
    texts = [p for p in parts if p.no_text is None]
    if not texts:
        return parts[0]
    parts = texts
    if len(parts) == 1:
        return parts[0]
    beams: list[tuple[str, float]] = [("", 0.0)]
    for p in parts:
        hyps = p.hypotheses or [Hypothesis(text="", log_prob=0.0)]
        beams = sorted(
            ((f"{t} {h.text}".strip(), s + h.log_prob) for t, s in beams for h in hyps),
            key=lambda x: -x[1],
        )[: max(1, top_k)]
    hypotheses = [Hypothesis(text=" ".join(t.split()), log_prob=min(0.0, s)) for t, s in beams]
    log_probs, charset = None, parts[0].charset
    if charset is not None and all(p.log_probs is not None and p.charset == charset for p in parts):
        classes = parts[0].log_probs.shape[1]  # type: ignore[union-attr]
        sep = _separator(charset, classes)
        if sep is not None:
            chunks: list[np.ndarray] = []
            for k, p in enumerate(parts):
                if k:
                    chunks.append(sep)
                chunks.append(p.log_probs)  # type: ignore[arg-type]
            log_probs = np.concatenate(chunks).astype(np.float32)
    return Recognition(hypotheses=hypotheses, log_probs=log_probs, charset=charset if log_probs is not None else None)


def recognize_lines(
    rec: Recognizer,
    grays: Sequence[np.ndarray],
    top_k: int = 10,
    check: Callable[[object, int], list[Recognition]] | None = None,
) -> list[Recognition]:
    """Like ``rec.recognize(grays)``, but an image with several lines is read line by line and joined.

    ``check(results, n)`` validates what the recognizer returned for the ``n`` line images it was given
    (the pipeline passes ``vaddr.validation.check_recognitions``) before anything is joined.
    """
    pieces = [line_images(g) for g in grays]
    flat = [p for ps in pieces for p in ps]
    results = rec.recognize(flat, top_k=top_k) if flat else []
    if check is not None:
        results = check(results, len(flat))
    out, k = [], 0
    for ps in pieces:
        out.append(join(results[k : k + len(ps)], top_k))
        k += len(ps)
    return out
