"""The address corrector: `correct()` turns a noisy line (or a recognizer's top-k) into a valid address."""

from vaddr.corrector.correct import convert, correct

__all__ = ["convert", "correct"]
