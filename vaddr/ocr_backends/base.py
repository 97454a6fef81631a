"""The recognizer contract every OCR backend (built-in or plugin) implements.

A recognizer turns line images into ranked readings. It may also hand back its per-frame CTC posteriors:
the corrector can then rescore gazetteer candidates against the image evidence itself (lexicon-constrained
decoding) rather than only against the top-k strings, so a plugin that exposes them gets the same benefit as
the bundled model.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Protocol, Union, runtime_checkable

import numpy as np
from PIL import Image
from pydantic import BaseModel, ConfigDict, Field

from vaddr.types import Hypothesis

#: What a recognizer accepts per line: a path, encoded image bytes, a PIL image or a numpy array
#: (HxW, HxWx3 RGB, HxWx4 RGBA). ``vaddr.ocr_backends.images.load_gray`` normalises all of them.
ImageInput = Union[str, os.PathLike, bytes, Image.Image, np.ndarray]  # noqa: UP007 (runtime alias)


class Recognition(BaseModel):
    """What a recognizer returns for one line image."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    hypotheses: list[Hypothesis] = Field(description="Readings of the line, best first.")
    log_probs: np.ndarray | None = Field(
        default=None, exclude=True, repr=False, description="[T, C] per-frame log posteriors, blank = 0."
    )
    charset: list[str] | None = Field(
        default=None, exclude=True, repr=False, description="charset[i] is the character of class i + 1."
    )
    no_text: str | None = Field(
        default=None,
        description="Set by a recognizer that finds no line of writing in the image (blank, noise, texture): "
        "why. The pipeline then returns no address for the image (status 'no_text').",
    )

    @property
    def best(self) -> Hypothesis:
        """The top hypothesis (an empty reading if the recognizer returned none)."""
        return self.hypotheses[0] if self.hypotheses else Hypothesis(text="", log_prob=float("-inf"))


@runtime_checkable
class Recognizer(Protocol):
    """An OCR backend. Register one under the entry-point group ``vaddr.recognizers``; the registered object
    is called with keyword options (e.g. ``threads``) and must return something with this shape."""

    name: str

    def recognize(self, images: Sequence[ImageInput], top_k: int = 10) -> list[Recognition]:
        """One `Recognition` per input image, in input order."""
        ...
