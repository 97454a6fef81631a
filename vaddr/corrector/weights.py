"""Weights of the joint score: recognizer log-probability vs address structure.

Fitted by `python -m training.fit_rescoring --write` (grid search on the Kalapa score of 1000 held-out
synthetic lines, top-10); only their ratios matter.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Weights:
    structure: float = 1.0
    log_prob: float = 2.0
    unknown_word: float = 1.0  # per word of the line that is no known Vietnamese spelling


WEIGHTS = Weights()
