"""How trustworthy confidences are: coverage at a precision target, expected calibration error, reliability bins.

Coverage at precision P answers the user's question "if I accept every line above some confidence threshold
and review the rest, how many lines can I accept while at most 1 - P of the accepted ones are wrong?". Lines are
ranked by confidence; the threshold may only fall between distinct confidence values (ties are accepted or
rejected together), and the coverage is the largest accepted share whose precision is >= P.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

__all__ = ["coverage_at_precision", "expected_calibration_error", "reliability_bins", "coverage_curve"]


def _arrays(conf: Sequence[float], correct: Sequence[bool]) -> tuple[np.ndarray, np.ndarray]:
    c = np.asarray(conf, dtype=float)
    y = np.asarray(correct, dtype=float)
    if c.shape != y.shape:
        raise ValueError(f"{len(c)} confidences for {len(y)} outcomes")
    return c, y


def coverage_curve(conf: Sequence[float], correct: Sequence[bool]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(coverage, precision, threshold) at every cut between distinct confidence values, most confident first."""
    c, y = _arrays(conf, correct)
    if len(c) == 0:
        return np.zeros(0), np.zeros(0), np.zeros(0)
    order = np.argsort(-c, kind="stable")
    c, y = c[order], y[order]
    cum = np.cumsum(y)
    n = np.arange(1, len(c) + 1)
    last_of_tie = np.r_[c[1:] != c[:-1], True]
    return n[last_of_tie] / len(c), cum[last_of_tie] / n[last_of_tie], c[last_of_tie]


def coverage_at_precision(
    conf: Sequence[float], correct: Sequence[bool], target: float, total: int | None = None
) -> float:
    """Largest share of lines (of `total`, default all) acceptable with precision >= target."""
    cov, prec, _ = coverage_curve(conf, correct)
    ok = np.nonzero(prec >= target - 1e-12)[0]
    if len(ok) == 0:
        return 0.0
    scale = len(conf) / total if total else 1.0
    return float(cov[ok[-1]] * scale)


def reliability_bins(
    conf: Sequence[float], correct: Sequence[bool], bins: int = 10
) -> list[tuple[float, float, float, int]]:
    """Per equal-width confidence bin: (low edge, mean confidence, observed accuracy, count); empty bins left out."""
    c, y = _arrays(conf, correct)
    edges = np.linspace(0.0, 1.0, bins + 1)
    which = np.clip(np.digitize(c, edges[1:-1], right=True), 0, bins - 1)
    out = []
    for b in range(bins):
        mask = which == b
        if mask.any():
            out.append((float(edges[b]), float(c[mask].mean()), float(y[mask].mean()), int(mask.sum())))
    return out


def expected_calibration_error(conf: Sequence[float], correct: Sequence[bool], bins: int = 10) -> float:
    """Sum over equal-width bins of |accuracy - mean confidence| weighted by the bin's share of lines."""
    n = len(conf)
    if n == 0:
        return 0.0
    return float(sum(abs(acc - mean) * count / n for _, mean, acc, count in reliability_bins(conf, correct, bins)))
