"""The recognizer contract every OCR backend (built-in or plugin) implements.

A recognizer turns line images into ranked readings. It may also hand back its per-frame CTC posteriors:
the corrector can then rescore gazetteer candidates against the image evidence itself (lexicon-constrained
decoding) rather than only against the top-k strings, so a plugin that exposes them gets the same benefit as
the bundled model.
"""

from __future__ import annotations

import builtins
import io
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Protocol, Union, cast, runtime_checkable

import numpy as np
from PIL import Image
from pydantic import BaseModel, ConfigDict, Field

from vaddr.types import Hypothesis

#: What a recognizer accepts per line: a path, encoded image bytes, a PIL image or a numpy array
#: (HxW, HxWx3 RGB, HxWx4 RGBA). ``vaddr.ocr_backends.images.load_gray`` normalises all of them.
ImageInput = Union[str, "os.PathLike[str]", bytes, Image.Image, np.ndarray]  # noqa: UP007 (runtime alias)


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


#: What the pipeline hands a recognizer per image, chosen by the recognizer's ``wants`` class attribute.
Wants = Literal["gray", "input"]


@dataclass(frozen=True)
class InputImage:
    """One input image as the pipeline hands it to a recognizer whose class says ``wants = "input"``.

    Why: the bundled CRNN wants the prepared gray line, but a cloud OCR or a colour model wants the original
    file. The pipeline has already loaded and checked the image (``gray``), so a bad file is reported before
    any plugin sees it; the original is still there in every form a plugin may need.
    """

    gray: np.ndarray
    source: object
    name: str = ""

    @property
    def path(self) -> Path | None:
        """The file the image came from, or None for in-memory inputs (bytes, arrays, PIL images)."""
        if isinstance(self.source, (str, os.PathLike)):
            return Path(self.source)
        filename = getattr(self.source, "filename", "") if isinstance(self.source, Image.Image) else ""
        return Path(filename) if filename else None

    @property
    def bytes(self) -> builtins.bytes:
        """The encoded image (file content or the bytes given); PNG-encoded for arrays and PIL images."""
        if isinstance(self.source, (bytes, bytearray, memoryview)):
            return bytes(self.source)
        if self.path is not None and self.path.is_file():
            return self.path.read_bytes()
        buf = io.BytesIO()
        self.image().save(buf, format="PNG")
        return buf.getvalue()

    def image(self) -> Image.Image:
        """The original as a PIL image (colour kept, EXIF orientation applied)."""
        from PIL import ImageOps

        src = self.source
        if isinstance(src, Image.Image):
            img = src
        elif isinstance(src, np.ndarray):
            img = Image.fromarray(src)
        elif isinstance(src, (bytes, bytearray, memoryview)):
            img = Image.open(io.BytesIO(bytes(src)))
        else:
            img = Image.open(os.fspath(cast("str | os.PathLike[str]", src)))  # the other input kinds are above
        try:
            img = ImageOps.exif_transpose(img) or img
        except Exception:  # a broken EXIF block: use the pixels as stored
            pass
        return img

    @property
    def rgb(self) -> np.ndarray:
        """The original in colour: HxWx3 uint8 (transparent areas on white)."""
        img = self.image()
        if img.mode in ("RGBA", "LA", "PA") or (img.mode == "P" and "transparency" in img.info):
            rgba = img.convert("RGBA")
            paper = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
            img = Image.alpha_composite(paper, rgba)
        return np.asarray(img.convert("RGB"))


@runtime_checkable
class Recognizer(Protocol):
    """An OCR backend. Register its CLASS (or a factory function) under the entry-point group
    ``vaddr.recognizers``: vaddr calls it with keyword options (e.g. ``threads``) and the object returned must
    have this shape.

    ``recognize`` gets a sequence of images and must return exactly one `Recognition` per image, in order.
    What the images are depends on the optional class attribute ``wants`` (see docs/plugins.md):

    * ``"gray"`` (the default when absent): through `vaddr.pipeline` / ``vaddr-ocr`` each image is a 2-D uint8
      numpy array (the loaded, EXIF-rotated, checked line, dark ink on light paper). A user calling
      ``recognize`` directly may pass anything `ImageInput` allows: `vaddr.ocr_backends.load_gray` accepts them all.
    * ``"input"``: each image is an `InputImage` with ``.gray`` plus the original (``.path``, ``.bytes``,
      ``.rgb``, ``.image()``).
    """

    name: str

    def recognize(self, images: Sequence[ImageInput], top_k: int = 10) -> list[Recognition]:
        """One `Recognition` per input image, in input order."""
        ...
