"""Routing results by confidence: `needs_review` when a line's calibrated confidence is below the threshold.

One rule for both CLIs and library users: a result without a confidence (not corrected, or failed) always
needs review once a threshold is given, since nothing vouches for it.
"""

from __future__ import annotations

from typing import TypeVar

from pydantic import BaseModel

__all__ = ["needs_review", "mark"]

R = TypeVar("R", bound=BaseModel)


def needs_review(confidence: float | None, accept_above: float) -> bool:
    """True unless `confidence` is known and at least `accept_above`."""
    return confidence is None or confidence < accept_above


def mark(result: R, accept_above: float | None) -> R:
    """The result with `needs_review` set (unchanged when no threshold is given)."""
    if accept_above is None:
        return result
    return result.model_copy(update={"needs_review": needs_review(getattr(result, "confidence", None), accept_above)})
