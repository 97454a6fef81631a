"""Line-recognition metrics shared by `vaddr-eval` and the benchmarks: CER, exact-line rate, Kalapa score.

The Kalapa score is the metric of the Kalapa ByteBattles 2023 handwriting challenge whose real lines we
evaluate on: per line 1 if exact, else ``max(0, 1 - 1.5**d / n)`` (d = edit distance, n = label length),
so a couple of wrong characters already cost a lot on short lines. Edit distance comes from rapidfuzz
(C++), fast enough to score thousands of lines inline.
"""

from __future__ import annotations

from collections.abc import Sequence

from rapidfuzz.distance import Levenshtein

__all__ = ["edit_distance", "kalapa_line_score", "kalapa_score", "cer", "exact_rate", "summarize"]


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance between two strings (insert, delete, substitute all cost 1)."""
    return int(Levenshtein.distance(a, b))


def kalapa_line_score(pred: str, label: str) -> float:
    """1 if exact, else ``max(0, 1 - 1.5**d / n)``."""
    if pred == label:
        return 1.0
    d = edit_distance(pred, label)
    return max(0.0, 1.0 - 1.5**d / max(1, len(label)))


def _pairs(preds: Sequence[str], labels: Sequence[str]) -> None:
    if len(preds) != len(labels):
        raise ValueError(f"{len(preds)} predictions for {len(labels)} labels")


def kalapa_score(preds: Sequence[str], labels: Sequence[str]) -> float:
    """Mean per-line Kalapa score (0 for an empty set)."""
    _pairs(preds, labels)
    return sum(map(kalapa_line_score, preds, labels)) / len(labels) if labels else 0.0


def cer(preds: Sequence[str], labels: Sequence[str]) -> float:
    """Character error rate: total edit distance over total label characters (corpus-level, not a mean)."""
    _pairs(preds, labels)
    chars = sum(len(t) for t in labels)
    return sum(map(edit_distance, preds, labels)) / max(1, chars)


def exact_rate(preds: Sequence[str], labels: Sequence[str]) -> float:
    """Fraction of lines read exactly."""
    _pairs(preds, labels)
    return sum(p == t for p, t in zip(preds, labels, strict=True)) / len(labels) if labels else 0.0


def summarize(preds: Sequence[str], labels: Sequence[str]) -> dict[str, float]:
    """``{"n", "cer", "exact", "kalapa"}`` for a set of lines."""
    return {
        "n": len(labels),
        "cer": cer(preds, labels),
        "exact": exact_rate(preds, labels),
        "kalapa": kalapa_score(preds, labels),
    }
