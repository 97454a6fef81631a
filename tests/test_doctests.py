"""The examples in vaddr's docstrings run and print what they say (``>>>`` lines are documentation that can rot)."""

from __future__ import annotations

import doctest
import importlib
import importlib.util
import pkgutil

import pytest

import vaddr


def _modules_with_examples() -> list[str]:
    names = ["vaddr"] + [m.name for m in pkgutil.walk_packages(vaddr.__path__, "vaddr.")]
    out = []
    for name in names:
        spec = importlib.util.find_spec(name)
        source = spec.loader.get_source(name) if spec and spec.loader else None  # type: ignore[attr-defined]
        if source and ">>>" in source:
            out.append(name)
    return out


MODULES = _modules_with_examples()


def test_examples_found() -> None:
    assert "vaddr" in MODULES


@pytest.mark.parametrize("name", MODULES)
def test_doctest(name: str) -> None:
    try:
        module = importlib.import_module(name)
    except ModuleNotFoundError as e:  # an optional integration whose extra is not installed (CI installs them)
        if e.name is None or e.name.split(".")[0] == "vaddr":
            raise
        pytest.skip(f"{name} needs {e.name}")
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0
    assert result.failed == 0
