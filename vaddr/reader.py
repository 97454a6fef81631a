"""`Reader`: the whole image -> address chain, configured once and called many times.

Why an object: a service, a notebook or `vaddr-eval` reads many batches with the same options. Building the
recognizer and checking every option once (a typo in ``case=`` fails at construction, not on the 10,000th
image) keeps each call cheap and the options in one place. `vaddr.pipeline.read` is the one-shot version.

    >>> from vaddr.reader import Reader
    >>> reader = Reader(top_k=5, scheme="2025", tone="new", case="upper")
    >>> reader.options()["case"]
    'upper'
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, get_args

from vaddr.ocr_backends import ImageInput, InputImage, Recognition, Recognizer, load_gray
from vaddr.ocr_backends.images import describe
from vaddr.ocr_backends.registry import check_results, wants
from vaddr.pipeline import iter_read, recognizer
from vaddr.types import Address, OcrResult, Scheme

__all__ = ["MAX_TOP_K", "Reader", "check_options"]

log = logging.getLogger(__name__)

from vaddr.validation import MAX_TOP_K  # noqa: E402  (one bound for every entry point)

TONES = ("auto", "old", "new")
CASES = ("title", "upper", "lower", "keep")


def check_options(
    *,
    top_k: int = 10,
    scheme: str = "legacy",
    tone: str = "auto",
    case: str = "title",
    alternatives: int = 0,
    threads: int = 1,
) -> None:
    """Raise ValueError (one line, naming the option and the accepted values) for an invalid option."""

    def bad(name: str, value: object, allowed: str) -> ValueError:
        return ValueError(f"invalid {name}={value!r}: expected {allowed}")

    if isinstance(top_k, bool) or not isinstance(top_k, int) or not 1 <= top_k <= MAX_TOP_K:
        raise bad("top_k", top_k, f"an integer from 1 to {MAX_TOP_K}")
    if scheme not in get_args(Scheme):
        raise bad("scheme", scheme, " or ".join(map(repr, get_args(Scheme))))
    if tone not in TONES:
        raise bad("tone", tone, ", ".join(map(repr, TONES)))
    if case not in CASES:
        raise bad("case", case, ", ".join(map(repr, CASES)))
    if isinstance(alternatives, bool) or not isinstance(alternatives, int) or not 0 <= alternatives <= MAX_TOP_K:
        raise bad("alternatives", alternatives, f"an integer from 0 to {MAX_TOP_K}")
    if isinstance(threads, bool) or not isinstance(threads, int) or not 1 <= threads <= 256:
        raise bad("threads", threads, "an integer from 1 to 256")


class Reader:
    """Read line images into `OcrResult`s with options fixed at construction.

    ``backend``: a registered recognizer name (`vaddr.ocr_backends.available()`) or a recognizer instance.
    ``top_k``: hypotheses kept per line. ``correct=False``: raw readings only. ``scheme``, ``tone``, ``case``,
    ``alternatives``, ``lexicon``: as for `vaddr.correct`. ``threads``: inference threads of a named backend.
    Raises ValueError for an invalid option, `vaddr.ocr_backends.UnknownBackendError` /
    `vaddr.ocr_backends.BackendError` for a backend that is not there or does not start.
    """

    def __init__(
        self,
        backend: str | Recognizer = "crnn",
        *,
        top_k: int = 10,
        correct: bool = True,
        scheme: Scheme = "legacy",
        tone: str = "auto",
        case: str = "title",
        alternatives: int = 0,
        lexicon: bool = True,
        threads: int = 1,
    ) -> None:
        check_options(top_k=top_k, scheme=scheme, tone=tone, case=case, alternatives=alternatives, threads=threads)
        self.backend_name = backend if isinstance(backend, str) else getattr(backend, "name", type(backend).__name__)
        self.recognizer: Recognizer = recognizer(backend, threads) if isinstance(backend, str) else backend
        self.top_k = top_k
        self.correct = correct
        self.scheme: Scheme = scheme
        self.tone = tone
        self.case = case
        self.alternatives = alternatives
        self.lexicon = lexicon
        self.threads = threads
        log.debug("Reader ready: %s", self.options())

    def options(self) -> dict[str, Any]:
        """The options this reader was built with (for logs and reports)."""
        return {
            "backend": self.backend_name,
            "top_k": self.top_k,
            "correct": self.correct,
            "scheme": self.scheme,
            "tone": self.tone,
            "case": self.case,
            "alternatives": self.alternatives,
            "lexicon": self.lexicon,
            "threads": self.threads,
        }

    def _correct_options(self) -> dict[str, Any]:
        return {"tone": self.tone, "case": self.case, "alternatives": self.alternatives, "lexicon": self.lexicon}

    def iter_read(self, images: ImageInput | Iterable[ImageInput]) -> Iterator[OcrResult]:
        """Results in input order as they are ready (a generator input is consumed a chunk at a time); an
        unreadable image gives a result with ``error`` set."""
        return iter_read(
            images, self.recognizer, self.top_k, self.correct, self.scheme, self.threads, **self._correct_options()
        )

    def read(self, images: ImageInput | Sequence[ImageInput]) -> list[OcrResult]:
        """All results of `iter_read`, in input order."""
        return list(self.iter_read(images))

    def recognize(self, images: Sequence[ImageInput]) -> list[Recognition]:
        """The recognizer's checked output (top-k + posteriors) without the corrector, for evaluation. Images
        are loaded as `iter_read` loads them; an unreadable one raises `vaddr.ocr_backends.ImageError`."""
        items = list(images)
        grays = [load_gray(x) for x in items]
        given: list[Any] = grays
        if wants(self.recognizer) == "input":
            given = [InputImage(gray=g, source=x, name=describe(x)) for g, x in zip(grays, items, strict=True)]
        return check_results(self.recognizer, self.recognizer.recognize(given, top_k=self.top_k), len(items))

    def correct_recognition(
        self, rec: Recognition | str, top_k: int | None = None, lexicon: bool | None = None
    ) -> Address:
        """Correct one recognizer output (or a string) with this reader's options; ``top_k`` / ``lexicon``
        override the reader's for ablations."""
        from vaddr.corrector import correct

        if isinstance(rec, Recognition) and top_k is not None:
            rec = Recognition(hypotheses=rec.hypotheses[:top_k], log_probs=rec.log_probs, charset=rec.charset)
        return correct(
            rec,
            scheme=self.scheme,
            tone=self.tone,  # type: ignore[arg-type]
            case=self.case,  # type: ignore[arg-type]
            alternatives=self.alternatives,
            lexicon=self.lexicon if lexicon is None else lexicon,
        )
