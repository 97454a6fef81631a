"""Is there a line of writing in this image? Decided before the corrector can turn noise into an address.

A recognizer always emits *something*: a gradient reads "H Cm", salt-and-pepper noise "Tn n nắn", and the
corrector, whose job is to find the nearest real address, then finds one (Hồ Chí Minh, Đà Nẵng...). So the
bundled recognizer says "no text" itself, from two kinds of evidence:

* **The image** (`preprocess.Layout`): almost no pixel darker than its paper (blank, a shadow, a gradient, a
  box with nothing in it). Not the opposite (a third of the pixels "ink"): a real line under heavy noise is
  like that and still legible, so noise and texture are left to the posteriors.
* **The model's own posteriors**: where it emits a character, how sure it is. On real handwriting the frames
  that emit a character have a mean max-posterior of 0.97 (median over the 1,350 real Kalapa lines; 0.885 at
  the 1st percentile, 0.63 the lowest); on the 28 non-text images of tests/adversarial/nontext.py it is at
  most 0.52, on the stroked 16000x4000 images of tests/adversarial/bombs.py 0.54-0.57.

The thresholds sit between the two populations (numbers in the constants' comments, measured with the bundled
model): none of the 1,350 real lines is flagged, none of the 28 non-text images passes. The posterior margin is
narrow at the edges (0.57 vs 0.63); a retrained model must be rechecked with tests/test_adversarial_nontext.py
and the real-line count (the measurement command is in docs/reliability.md).
"""

from __future__ import annotations

import numpy as np

from vaddr.ocr_backends.preprocess import Layout

__all__ = ["no_text_reason", "char_confidence", "MIN_INK", "MIN_CHAR_CONFIDENCE"]

#: Share of pixels that count as writing, below which the image is blank (real lines: 0.0126 lowest, 0.019 at the
#: 1st percentile; blank paper, gradients, an empty ruled box: 0.000).
MIN_INK = 0.005
#: Mean max-posterior of the frames that emit a character, below which the model is guessing (real lines: 0.63
#: lowest, 0.885 at the 1st percentile; the 28 non-text images: 0.52 highest).
MIN_CHAR_CONFIDENCE = 0.6


def char_confidence(log_probs: np.ndarray) -> float:
    """Mean posterior of the most likely class over the frames whose most likely class is a character (not the
    CTC blank); 0.0 when no frame emits one."""
    lp = np.asarray(log_probs, dtype=np.float64)
    if lp.ndim != 2 or lp.shape[0] == 0:
        return 0.0
    best = lp.argmax(axis=1)
    emitting = best != 0
    if not emitting.any():
        return 0.0
    return float(np.exp(lp[emitting, best[emitting]]).mean())


def no_text_reason(layout: Layout | None, log_probs: np.ndarray | None) -> str | None:
    """Why the image holds no line of writing, or None when it does (as far as this evidence tells)."""
    if layout is not None:
        if layout.ink < MIN_INK:
            return f"no writing found ({layout.ink:.2%} of the pixels are ink)"
    if log_probs is not None:
        conf = char_confidence(log_probs)
        if conf == 0.0:
            return "no character recognised"
        if conf < MIN_CHAR_CONFIDENCE:
            return f"no legible writing (character confidence {conf:.2f} < {MIN_CHAR_CONFIDENCE})"
    return None
