"""The package surface: `__all__` resolves, `dir(vaddr)` lists the lazy functions, `import vaddr` stays cheap
(the corrector is loaded on first use only), and the version has one source."""

from __future__ import annotations

import importlib.metadata
import subprocess
import sys

import vaddr
from vaddr._version import __version__


def test_all_resolves_and_is_listed_by_dir() -> None:
    for name in vaddr.__all__:
        assert getattr(vaddr, name) is not None
        assert name in dir(vaddr)
    assert vaddr.correct.__module__ == "vaddr.corrector.api"
    assert callable(vaddr.convert)  # the function, not the submodule vaddr.corrector.convert


def test_import_does_not_load_the_corrector() -> None:
    code = "import sys, vaddr; print(sorted(m for m in sys.modules if m.startswith('vaddr.corrector')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_version_has_one_source() -> None:
    assert vaddr.__version__ == __version__ == importlib.metadata.version("vaddr")
