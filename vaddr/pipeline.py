"""Image -> recognizer -> corrector, for whole batches, never losing an input.

`read()` is what the CLI and library users call. It loads every image itself so that one unreadable file
becomes an `OcrResult` with `error` set instead of aborting the batch, and it hands the recognizer's full
`Recognition` (top-k plus posteriors) to `vaddr.corrector.correct`.
"""

from __future__ import annotations

import functools
import itertools
import logging
import os
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

from vaddr.inputs import IMAGE_SUFFIXES as IMAGE_SUFFIXES  # re-exported: vaddr.integrations.ray reads it here
from vaddr.ocr_backends import ImageError, ImageInput, InputImage, Recognition, Recognizer, get, load_gray
from vaddr.ocr_backends.images import describe
from vaddr.ocr_backends.lines import recognize_lines
from vaddr.ocr_backends.registry import describe_backend, wants
from vaddr.types import OcrResult, Scheme
from vaddr.validation import SCHEMES, RecognizerResultError, check_choice, check_recognitions, check_top_k

__all__ = ["OcrResult", "read", "iter_read", "recognizer"]  # OcrResult lives in vaddr.types; kept here too

log = logging.getLogger(__name__)

#: Images recognised per recognizer call: bounds memory and lets results stream out of `iter_read`.
CHUNK = 32


@functools.lru_cache(maxsize=8)
def recognizer(backend: str = "crnn", threads: int = 1) -> Recognizer:
    """A shared recognizer per (backend, threads): the model is loaded once per process."""
    return get(backend, threads=threads)


def _as_iter(images: ImageInput | Iterable[ImageInput]) -> Iterator[ImageInput]:
    if isinstance(images, (str, os.PathLike, bytes, bytearray, memoryview, np.ndarray, Image.Image)):
        return iter([images])  # type: ignore[list-item]
    return iter(images)


def _finish(file: str, rec: Recognition, correct: bool, scheme: Scheme, options: dict[str, Any]) -> OcrResult:
    raw = rec.best.text
    no_text = rec.no_text if rec.no_text is not None else None if raw.strip() else "nothing recognised"
    if no_text is not None:  # the recognizer found no writing: no address, whatever the corrector could find
        return OcrResult(file=file, raw=raw, hypotheses=rec.hypotheses, status="no_text", note=no_text)
    address = None
    text = raw
    if correct:
        from vaddr.corrector import correct as correct_line

        address = correct_line(rec, scheme=scheme, **options)
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


def _recognize_some(
    rec: Recognizer, as_input: bool, given: list[Any], decoded: dict[int, np.ndarray], indices: list[int], top_k: int
) -> list[Recognition]:
    """The recognizer's checked readings of the images at ``indices``."""
    if as_input:  # the original goes to the recognizer whole (a cloud OCR reads several lines itself)
        return _recognize(rec, [given[i] for i in indices], top_k)
    # an image holding several lines is read line by line and joined (vaddr.ocr_backends.lines)
    return recognize_lines(rec, [decoded[i] for i in indices], top_k, functools.partial(check_recognitions, rec))


def _recognize(rec: Recognizer, images: list[Any], top_k: int) -> list[Recognition]:
    """One recognizer call, its result checked against the contract (errors name the plugin)."""
    return check_recognitions(rec, rec.recognize(images, top_k=top_k), len(images))


def iter_read(
    images: ImageInput | Iterable[ImageInput],
    backend: str | Recognizer = "crnn",
    top_k: int = 10,
    correct: bool = True,
    scheme: Scheme = "legacy",
    threads: int = 1,
    **correct_options: Any,
) -> Iterator[OcrResult]:
    """Like `read`, but yields results in input order as each chunk finishes (for progress and streaming).

    ``images`` may be any iterable, a generator included: it is consumed one chunk (`CHUNK` images) at a time, so
    the first results come out before the input ends and memory stays bounded by one chunk (each loaded image
    is at most `vaddr.ocr_backends.images.WORK_PIXELS` bytes). Invalid options raise at the first ``next()``.
    ``correct_options`` (``tone``, ``case``, ``alternatives``, ``lexicon``) go to `vaddr.correct`; a
    `vaddr.reader.Reader` checks them once instead of per call.
    """
    top_k = check_top_k(top_k)
    check_choice("scheme", scheme, SCHEMES)
    source = _as_iter(images)
    rec = recognizer(backend, threads) if isinstance(backend, str) else backend
    as_input = wants(rec) == "input"
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
        decoded = {i: g for i, g in enumerate(loaded) if g is not None}
        good = list(decoded)
        given: list[Any] = loaded
        if as_input:  # the recognizer asked for the original too (see `Recognizer.wants`)
            given = [
                None if g is None else InputImage(gray=g, source=x, name=n)
                for g, x, n in zip(loaded, chunk, names, strict=True)
            ]

        recs: dict[int, Recognition] = {}
        if good:
            try:
                recs = dict(zip(good, _recognize_some(rec, as_input, given, decoded, good, top_k), strict=True))
            except Exception as e:  # a backend failure on the batch: retry one by one to isolate it
                if len(good) == 1 or isinstance(e, RecognizerResultError):  # a broken contract is not per image
                    for i in good:
                        errors[i] = _recognizer_failed(names[i], e)
                else:
                    log.info(
                        "%s failed on a batch of %d (%s); retrying one by one", describe_backend(rec), len(good), e
                    )
                    for i in good:
                        try:
                            recs[i] = _recognize_some(rec, as_input, given, decoded, [i], top_k)[0]
                        except Exception as e1:
                            errors[i] = _recognizer_failed(names[i], e1)
        for i, name in enumerate(names):
            if errors[i] is not None:
                log.debug("%s", errors[i])
                yield OcrResult(file=name, error=errors[i])
                continue
            try:
                yield _finish(name, recs[i], correct, scheme, correct_options)
            except Exception as e:  # the corrector promises not to raise; report rather than abort if it does
                log.warning("corrector failed on %s: %r", name, e)
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
    **correct_options: Any,
) -> list[OcrResult]:
    """Read line images (paths, bytes, PIL images or arrays; one or a list) into `OcrResult`s, in order.

    ``backend``: a registered recognizer name (see `vaddr.ocr_backends.available()`) or an instance.
    ``correct=False`` skips the corrector (``text`` is then the raw best reading, ``address`` None).
    ``scheme="2025"`` returns addresses in the two-level structure in force since 1 July 2025.
    ``tone``, ``case``, ``alternatives``, ``lexicon``: as for `vaddr.correct`.
    Unreadable images do not raise: their result has ``error`` set (``status="error"``); an image with no line
    of writing in it gets ``status="no_text"`` and no address. Invalid options raise ValueError / TypeError.
    A thin wrapper: `vaddr.reader.Reader` holds the same options, checked once, for repeated calls.
    """
    return list(iter_read(images, backend, top_k, correct, scheme, threads, **correct_options))


def expand_inputs(args: Sequence[str | Path]) -> list[Path]:
    """Paths as given, with each directory replaced by the image files under it (recursively, natural name
    order). `vaddr.inputs.expand` also says what it skipped and why."""
    from vaddr.inputs import expand

    return expand(args).files
