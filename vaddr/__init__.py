"""vaddr: read handwritten Vietnamese address lines and return the address, spelled right and split into parts.

    >>> from vaddr import correct
    >>> correct("thon 1 ea ktur cu kuin dak lak").text
    'Thôn 1 Ea Ktur Cư Kuin Đắk Lắk'

`correct()` takes a string or a recognizer's top-k hypotheses; `convert()` maps a legacy 3-level address to the
2-level structure in force since 1 July 2025; `vaddr.pipeline.read()` runs the whole image -> text chain.

`correct` and `convert` are imported on first use (PEP 562 ``__getattr__``): the corrector pulls in numpy,
rapidfuzz and its tables' code, which would more than double the cost of ``import vaddr`` for users who only
want the types or the OCR backends. Type checkers see the real functions through the ``TYPE_CHECKING``
import below, and ``dir(vaddr)`` / tab completion list them through ``__dir__``.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from vaddr._version import __version__
from vaddr.types import Address, Alternative, Hypothesis, UnitMatch

if TYPE_CHECKING:
    from vaddr.corrector.api import convert, correct

__all__ = ["Address", "Alternative", "Hypothesis", "UnitMatch", "__version__", "convert", "correct"]

# Library logging goes to the "vaddr" logger and is silent unless the application configures logging
# (the commands do: -v/--verbose); see https://docs.python.org/3/howto/logging.html#library-config
logging.getLogger("vaddr").addHandler(logging.NullHandler())

# From vaddr.corrector.api, not vaddr.corrector: that package has a submodule named `convert`, which mypy
# would take for the function.
_LAZY = {"convert": "vaddr.corrector.api", "correct": "vaddr.corrector.api"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value  # later lookups are plain attribute reads
        return value
    raise AttributeError(f"module 'vaddr' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
