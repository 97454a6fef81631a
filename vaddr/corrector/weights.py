"""Weights of the joint score: recognizer log-probability vs address structure.

Placeholder values until `benchmarks/fit_weights.py` fits them on held-out data (see docs/rescoring.md).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Weights:
    structure: float = 1.0
    log_prob: float = 1.0
    unknown_word: float = 0.0  # per word of the line that is no known Vietnamese spelling


WEIGHTS = Weights()
