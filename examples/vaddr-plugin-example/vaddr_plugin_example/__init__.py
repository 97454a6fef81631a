"""Example vaddr recognizer plugins (see docs/plugins.md in the vaddr repository).

The contract, in short: vaddr instantiates the registered class with keyword options it may ignore, then calls
``recognize(images, top_k)``, which must return a list with exactly one `Recognition` per image, in order. With
``wants = "input"`` each image is a `vaddr.ocr_backends.InputImage` (``.gray``, ``.path``, ``.bytes``, ``.rgb``);
without it, a 2-D uint8 gray array.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from vaddr.ocr_backends import InputImage, Recognition
from vaddr.types import Hypothesis

__all__ = ["InkChannelCrnn", "SidecarTranscripts"]


class SidecarTranscripts:
    """Reads the transcript stored next to each image (``line.png`` -> ``line.txt``, or ``line.gt.txt`` as
    tesseract's training data names it): to correct lines that were transcribed elsewhere (a cloud OCR run, a
    human) with the same command and output format as images read by the model.

    An image without a transcript (or given as bytes, with no file name) raises for that image only: vaddr
    retries the images of a failed batch one by one, so the others still get their result.
    """

    name = "sidecar"
    wants = "input"  # InputImage objects: this recognizer needs the file path, not the pixels

    def __init__(self, suffixes: Sequence[str] = (".txt", ".gt.txt"), **options: Any) -> None:
        self.suffixes = tuple(suffixes)  # `threads` and other hints land in **options and are ignored

    def _transcript(self, image: InputImage) -> str:
        if image.path is None:
            raise ValueError(f"{image.name}: no file name, so no sidecar transcript to read")
        for suffix in self.suffixes:
            candidate = image.path.with_suffix(suffix)
            if candidate.is_file():
                return candidate.read_text(encoding="utf-8").strip()
        raise FileNotFoundError(f"{image.path}: no transcript ({' or '.join(self.suffixes)}) beside it")

    def recognize(self, images: Sequence[InputImage], top_k: int = 10) -> list[Recognition]:
        # one Recognition per image, in order; log_prob 0.0 = certain (a transcript is not a guess)
        return [Recognition(hypotheses=[Hypothesis(text=self._transcript(im), log_prob=0.0)]) for im in images]


class InkChannelCrnn:
    """The bundled CRNN, fed the colour channel in which the ink contrasts most with the paper.

    Blue ballpoint on white paper is faint in a plain gray conversion but dark in the red channel; this picks
    the channel with the widest spread of values per image. The CRNN's posteriors (``log_probs``, ``charset``)
    are passed on unchanged, so the corrector still re-decodes units against them.
    """

    name = "ink"
    wants = "input"  # InputImage objects: this recognizer needs the colour pixels (.rgb)

    def __init__(self, threads: int = 1, **options: Any) -> None:
        from vaddr.ocr_backends import get

        self.crnn = get("crnn", threads=threads, **options)

    @staticmethod
    def ink_channel(rgb: np.ndarray) -> np.ndarray:
        """The channel (H x W uint8) whose 5th-95th percentile spread is largest."""
        spreads = [np.percentile(rgb[..., c], 95) - np.percentile(rgb[..., c], 5) for c in range(3)]
        return np.ascontiguousarray(rgb[..., int(np.argmax(spreads))])

    def recognize(self, images: Sequence[InputImage], top_k: int = 10) -> list[Recognition]:
        return self.crnn.recognize([self.ink_channel(im.rgb) for im in images], top_k=top_k)
