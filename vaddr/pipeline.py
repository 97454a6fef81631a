"""Image -> recognizer -> corrector, for whole batches, never losing an input.

`read()` is what the CLI and library users call. It loads every image itself so that one unreadable file
becomes an `OcrResult` with `error` set instead of aborting the batch, and it hands the recognizer's full
`Recognition` (top-k plus posteriors) to `vaddr.corrector.correct`.
"""

from __future__ import annotations

import functools
import itertools
import os
import re
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Literal

import numpy as np
from PIL import Image
from pydantic import BaseModel, Field

from vaddr.ocr_backends import ImageError, ImageInput, Recognition, Recognizer, get, load_gray
from vaddr.ocr_backends.images import describe
from vaddr.types import Address, Hypothesis, Scheme
from vaddr.validation import SCHEMES, RecognizerResultError, check_choice, check_recognitions, check_top_k

__all__ = ["OcrResult", "read", "iter_read", "recognizer"]

#: Images recognised per recognizer call: bounds memory and lets results stream out of `iter_read`.
CHUNK = 32


class OcrResult(BaseModel):
    """The reading of one image. With `error` set, the other fields are empty."""

    file: str = Field(description="The input's path, or a short description for in-memory images.")
    text: str = Field(default="", description="The corrected line (the raw best reading if not corrected).")
    raw: str = Field(default="", description="The recognizer's best hypothesis, uncorrected.")
    hypotheses: list[Hypothesis] = Field(default_factory=list, description="Recognizer readings, best first.")
    address: Address | None = Field(default=None, description="Structured address; None if not corrected.")
    error: str | None = Field(default=None, description="Why this image could not be read.")
    confidence: float | None = Field(
        default=None, description="Calibrated probability that `text` is exactly right (None if not corrected)."
    )
    char_confidence: list[float] = Field(
        default_factory=list, description="Per character of `text`: calibrated probability that it is right."
    )
    needs_review: bool | None = Field(
        default=None, description="confidence below the caller's acceptance threshold (None: no threshold given)."
    )
    status: Literal["ok", "no_text", "error"] = Field(
        default="ok",
        description="'ok': read; 'no_text': the image holds no line of writing (blank, noise, texture), so no "
        "address (`note` says why); 'error': unreadable (`error` says why).",
    )
    note: str = Field(default="", description="Why the status is 'no_text'.")

    def model_post_init(self, context: object, /) -> None:
        if self.error is not None:
            self.status = "error"

    @property
    def ok(self) -> bool:
        return self.error is None


@functools.lru_cache(maxsize=8)
def recognizer(backend: str = "crnn", threads: int = 1) -> Recognizer:
    """A shared recognizer per (backend, threads): the model is loaded once per process."""
    return get(backend, threads=threads)


def _as_iter(images: ImageInput | Iterable[ImageInput]) -> Iterator[ImageInput]:
    if isinstance(images, (str, os.PathLike, bytes, bytearray, memoryview, np.ndarray, Image.Image)):
        return iter([images])  # type: ignore[list-item]
    return iter(images)


def _finish(file: str, rec: Recognition, correct: bool, scheme: Scheme) -> OcrResult:
    raw = rec.best.text
    no_text = rec.no_text if rec.no_text is not None else None if raw.strip() else "nothing recognised"
    if no_text is not None:  # the recognizer found no writing: no address, whatever the corrector could find
        return OcrResult(file=file, raw=raw, hypotheses=rec.hypotheses, status="no_text", note=no_text)
    address = None
    text = raw
    if correct:
        from vaddr.corrector import correct as correct_line

        address = correct_line(rec, scheme=scheme)
        text = address.text
    return OcrResult(
        file=file,
        text=text,
        raw=raw,
        hypotheses=rec.hypotheses,
        address=address,
        confidence=None if address is None else address.confidence,
        char_confidence=[] if address is None else address.char_confidence,
    )


def iter_read(
    images: ImageInput | Iterable[ImageInput],
    backend: str | Recognizer = "crnn",
    top_k: int = 10,
    correct: bool = True,
    scheme: Scheme = "legacy",
    threads: int = 1,
) -> Iterator[OcrResult]:
    """Like `read`, but yields results in input order as each chunk finishes (for progress and streaming).

    ``images`` may be any iterable, a generator included: it is consumed one chunk (`CHUNK` images) at a time, so
    the first results come out before the input ends and memory stays bounded by one chunk (each loaded image
    is at most `vaddr.ocr_backends.images.WORK_PIXELS` bytes). Invalid options raise at the first ``next()``.
    """
    top_k = check_top_k(top_k)
    check_choice("scheme", scheme, SCHEMES)
    source = _as_iter(images)
    rec = recognizer(backend, threads) if isinstance(backend, str) else backend
    while chunk := list(itertools.islice(source, CHUNK)):
        names = [describe(x) for x in chunk]
        loaded: list[np.ndarray | None] = []
        errors: list[str | None] = []
        for item, name in zip(chunk, names, strict=True):
            try:
                loaded.append(load_gray(item))
                errors.append(None)
            except ImageError as e:  # its message already names the input
                loaded.append(None)
                errors.append(str(e))
            except TypeError as e:
                loaded.append(None)
                errors.append(f"{name}: {e}")
        good = [i for i, g in enumerate(loaded) if g is not None]
        recs: dict[int, Recognition] = {}
        if good:
            try:
                results = check_recognitions(rec, rec.recognize([loaded[i] for i in good], top_k=top_k), len(good))
                recs = dict(zip(good, results, strict=True))
            except Exception as e:  # a backend failure on the batch: retry one by one to isolate it
                if len(good) == 1 or isinstance(e, RecognizerResultError):  # a broken contract is not per image
                    for i in good:
                        errors[i] = _recognizer_failed(names[i], e)
                else:
                    for i in good:
                        try:
                            recs[i] = check_recognitions(rec, rec.recognize([loaded[i]], top_k=top_k), 1)[0]
                        except Exception as e1:
                            errors[i] = _recognizer_failed(names[i], e1)
        for i, name in enumerate(names):
            if errors[i] is not None:
                yield OcrResult(file=name, error=errors[i])
                continue
            try:
                yield _finish(name, recs[i], correct, scheme)
            except Exception as e:  # the corrector promises not to raise; report rather than abort if it does
                yield OcrResult(file=name, error=f"{name}: corrector failed: {type(e).__name__}: {e}")


def _recognizer_failed(name: str, e: Exception) -> str:
    if isinstance(e, RecognizerResultError):  # already names the recognizer and what it returned
        return f"{name}: {e}"
    return f"{name}: recognizer failed: {type(e).__name__}: {e}"


def read(
    images: ImageInput | Iterable[ImageInput],
    backend: str | Recognizer = "crnn",
    top_k: int = 10,
    correct: bool = True,
    scheme: Scheme = "legacy",
    threads: int = 1,
) -> list[OcrResult]:
    """Read line images (paths, bytes, PIL images or arrays; one or a list) into `OcrResult`s, in order.

    ``backend``: a registered recognizer name (see `vaddr.ocr_backends.available()`) or an instance.
    ``correct=False`` skips the corrector (``text`` is then the raw best reading, ``address`` None).
    ``scheme="2025"`` returns addresses in the two-level structure in force since 1 July 2025.
    Unreadable images do not raise: their result has ``error`` set (``status="error"``); an image with no line
    of writing in it gets ``status="no_text"`` and no address. Invalid options raise ValueError / TypeError.
    """
    return list(iter_read(images, backend, top_k, correct, scheme, threads))


def _natural(path: Path) -> list[int | str]:
    """Sort key that puts 2.jpg before 10.jpg (scans are usually numbered)."""
    return [int(part) if part.isdigit() else part.lower() for part in re.split(r"(\d+)", path.name)]


def expand_inputs(args: Sequence[str | Path]) -> list[Path]:
    """Paths as given, with each directory replaced by its image files in natural name order."""
    out: list[Path] = []
    for a in args:
        p = Path(a)
        if p.is_dir():
            files = [f for f in p.iterdir() if f.is_file() and f.suffix.lower() in IMAGE_SUFFIXES]
            out.extend(sorted(files, key=_natural))
        else:
            out.append(p)
    return out


IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".bmp", ".tif", ".tiff", ".webp", ".gif", ".pgm", ".ppm"})
