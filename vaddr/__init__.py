"""vaddr: read handwritten Vietnamese address lines and return the address, spelled right and split into parts.

    >>> from vaddr import correct
    >>> correct("thon 1 ea ktur cu kuin dak lak").text
    'Thôn 1 Ea Ktur Cư Kuin Đắk Lắk'

`correct()` takes a string or a recognizer's top-k hypotheses; `convert()` maps a legacy 3-level address to the
2-level structure in force since 1 July 2025; `vaddr.pipeline.read()` runs the whole image -> text chain.
"""

import logging
from typing import Any

from vaddr.types import Address, Alternative, Hypothesis, UnitMatch

__version__ = "0.1.0"

# Library logging goes to the "vaddr" logger and is silent unless the application configures logging
# (the commands do: -v/--verbose); see https://docs.python.org/3/howto/logging.html#library-config
logging.getLogger("vaddr").addHandler(logging.NullHandler())
__all__ = ["Address", "Alternative", "Hypothesis", "UnitMatch", "convert", "correct", "__version__"]


def __getattr__(name: str) -> Any:
    # lazy: `import vaddr.ocr_backends` (or the gazetteer) should not load the corrector and its tables
    if name in ("correct", "convert"):
        from vaddr import corrector

        return getattr(corrector, name)
    raise AttributeError(f"module 'vaddr' has no attribute {name!r}")
