"""Checks at the public boundary: options, hypotheses, recognizer (plugin) results, and text sanitisation.

Everything that enters the library from a caller or a plugin passes through here, so that a wrong value fails
at once with a message naming the argument and what is allowed, instead of being accepted silently (an
unknown ``case`` read as "keep"), poisoning a result (a NaN log-probability deciding the winner by list order
and reaching the JSON as ``NaN``) or costing minutes (``top_k=100000``).

Text sanitisation (`clean_text`) is applied to every text that reaches a result: the input of `correct()`,
recognizer hypotheses, and file names (`safe_name`). What it does, so results are always JSON-serialisable
as UTF-8 and safe to print on a terminal:

* C0 and C1 control characters (NUL, BEL, ESC, DEL, U+0080-U+009F) are **removed**; tab, newline and carriage
  return become a space (an address is one line).
* Bidirectional controls (U+061C, U+200E, U+200F, U+202A-U+202E, U+2066-U+2069) are **removed**: they can
  make a terminal show text in another order than it is stored ("Trojan Source").
* Lone surrogates (U+D800-U+DFFF, from ``surrogateescape`` decoding of invalid UTF-8) are **replaced** by
  U+FFFD; in file names they are written as ``\\xNN`` escapes of the original bytes instead, so that two
  different undecodable names stay different.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence, Set
from typing import Any

__all__ = [
    "MAX_TOP_K",
    "MAX_TEXT_CHARS",
    "MAX_HYPOTHESES",
    "SCHEMES",
    "TONES",
    "CASES",
    "check_choice",
    "check_top_k",
    "check_text_length",
    "check_log_prob",
    "check_hypothesis_list",
    "check_recognitions",
    "clean_text",
    "safe_name",
    "RecognizerResultError",
]

#: Recognizer hypotheses per line at most: beyond a few dozen they add no accuracy, only time (top_k=100000
#: took 150 s and 909 MB per line).
MAX_TOP_K = 100
#: Hypotheses `correct()` accepts per line.
MAX_HYPOTHESES = MAX_TOP_K
#: Characters per input line at most (real address lines: 6-68 characters). 1 MB took 12 s and 540 MB.
MAX_TEXT_CHARS = 1000

SCHEMES = ("legacy", "2025")
TONES = ("auto", "old", "new")
CASES = ("title", "upper", "lower", "keep")

_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_BREAKS = re.compile("[\t\n\r]")
_SURROGATE = re.compile("[\ud800-\udfff]")
_NAME_UNSAFE = re.compile(_UNSAFE.pattern[:-1] + "\ud800-\udfff]")


def check_choice(name: str, value: object, allowed: Sequence[str]) -> None:
    """ValueError naming ``name`` and the allowed values unless ``value`` is one of them."""
    if not isinstance(value, str) or value not in allowed:
        raise ValueError(f"{name}={value!r} is not one of: {', '.join(repr(a) for a in allowed)}")


def check_top_k(top_k: object) -> int:
    """``top_k`` as an int in 1..MAX_TOP_K, or ValueError/TypeError saying what is allowed."""
    if isinstance(top_k, bool) or not isinstance(top_k, int):
        raise TypeError(f"top_k must be an int, not {type(top_k).__name__}")
    if not 1 <= top_k <= MAX_TOP_K:
        raise ValueError(f"top_k={top_k} is out of range: 1 to {MAX_TOP_K}")
    return top_k


def check_text_length(text: str) -> None:
    if len(text) > MAX_TEXT_CHARS:
        raise ValueError(
            f"input text is {len(text)} characters; an address line has at most {MAX_TEXT_CHARS} "
            "(pass one line at a time)"
        )


def check_log_prob(value: object, where: str = "log_prob") -> float:
    """A finite float, or ValueError (NaN and infinities would decide rankings arbitrarily and are not JSON)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"{where} must be a number, not {type(value).__name__}")
    f = float(value)
    if not math.isfinite(f):
        raise ValueError(f"{where} is {f}; log-probabilities must be finite numbers")
    return f


def check_hypothesis_list(data: Any) -> Iterable[Any]:
    """Refuse containers that cannot be hypotheses "best first": a dict or a set has no order of readings."""
    if isinstance(data, Mapping):
        raise TypeError(
            "a dict is not a list of hypotheses; pass a str, or a list of (text, log_prob) pairs best first"
        )
    if isinstance(data, Set):
        raise TypeError("a set has no order; pass the hypotheses as a list, best first")
    return data


class RecognizerResultError(ValueError):
    """A recognizer (often a plugin) returned something that breaks the `Recognizer` contract."""


def check_recognitions(recognizer: object, results: object, n_images: int) -> list[Any]:
    """The recognizer's results for ``n_images`` images, checked: a list of exactly that many `Recognition`s whose
    hypotheses are `Hypothesis` objects with finite log-probabilities. Otherwise `RecognizerResultError` naming
    the recognizer and what it returned."""
    from vaddr.ocr_backends.base import Recognition
    from vaddr.types import Hypothesis

    name = getattr(recognizer, "name", None) or type(recognizer).__name__
    where = f"recognizer {name!r} ({type(recognizer).__module__}.{type(recognizer).__qualname__})"
    if not isinstance(results, (list, tuple)):
        raise RecognizerResultError(
            f"{where} returned {type(results).__name__} for {n_images} image(s); expected a list of Recognition"
        )
    if len(results) != n_images:
        raise RecognizerResultError(f"{where} returned {len(results)} result(s) for {n_images} image(s)")
    out = []
    for i, r in enumerate(results):
        if not isinstance(r, Recognition):
            raise RecognizerResultError(f"{where} returned {type(r).__name__} for image {i + 1}; expected Recognition")
        hyps = []
        for h in r.hypotheses:
            if not isinstance(h, Hypothesis):
                raise RecognizerResultError(f"{where}: hypothesis {h!r} of image {i + 1} is not a Hypothesis")
            if not math.isfinite(h.log_prob):
                if not (h.log_prob == float("-inf") and not h.text):  # "nothing read" is a legitimate answer
                    raise RecognizerResultError(
                        f"{where}: hypothesis {h.text!r} of image {i + 1} has log_prob {h.log_prob}"
                    )
            clean = clean_text(h.text)
            hyps.append(h if clean == h.text else h.model_copy(update={"text": clean}))
        out.append(r if hyps == r.hypotheses else r.model_copy(update={"hypotheses": hyps}))
    return out


def clean_text(text: str) -> str:
    """``text`` without control and bidirectional-control characters and with lone surrogates replaced by U+FFFD
    (see the module docstring); unchanged, and fast, for ordinary text."""
    if text.isprintable() and not _UNSAFE.search(text):
        return text
    text = _BREAKS.sub(" ", text)
    text = _UNSAFE.sub("", text)
    return _SURROGATE.sub("\ufffd", text)


def safe_name(name: str) -> str:
    """A file name fit for a result: undecodable bytes (surrogate escapes) as ``\\xNN``; controls other than tab,
    newline and carriage return, and bidi controls, as ``\\xNN`` / ``\\uNNNN`` escapes, so that the name still
    identifies the file. Other names are returned unchanged (escaping tabs and newlines for plain-text output is
    the CLI's business)."""
    if name.isprintable() and not _UNSAFE.search(name):
        return name

    def esc(m: re.Match[str]) -> str:
        cp = ord(m.group())
        if 0xDC80 <= cp <= 0xDCFF:  # os.fsdecode's surrogateescape of byte cp - 0xDC00
            return f"\\x{cp - 0xDC00:02x}"
        return f"\\x{cp:02x}" if cp < 0x100 else f"\\u{cp:04x}"

    return _NAME_UNSAFE.sub(esc, name)
