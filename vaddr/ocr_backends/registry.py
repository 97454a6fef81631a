"""Find recognizers by name through the ``vaddr.recognizers`` entry-point group.

Why entry points: a third party can ship a better recognizer (another architecture, a cloud API) as its own
distribution, and ``vaddr-ocr --backend NAME`` picks it up once installed, without vaddr knowing about it.
The built-in "crnn" is registered in vaddr's own pyproject.toml and also known here directly, so it works
from a source checkout that was never pip-installed.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from importlib import import_module
from importlib.metadata import EntryPoint, entry_points
from typing import Any

from vaddr.ocr_backends.base import Recognizer

__all__ = ["GROUP", "DEFAULT", "UnknownBackendError", "available", "get"]

GROUP = "vaddr.recognizers"
DEFAULT = "crnn"
_BUILTIN = {"crnn": "vaddr.ocr_backends.onnx_crnn:CrnnOnnx"}


class UnknownBackendError(LookupError):
    """No recognizer is registered under that name."""


def _registered() -> dict[str, EntryPoint | str]:
    found: dict[str, EntryPoint | str] = dict(_BUILTIN)
    for ep in entry_points(group=GROUP):
        if ep.name not in _BUILTIN:
            found.setdefault(ep.name, ep)
    return found


def available() -> list[str]:
    """Names of all installed recognizers, sorted."""
    return sorted(_registered())


def _load(target: EntryPoint | str) -> Callable[..., Any]:
    if isinstance(target, EntryPoint):
        loaded: Callable[..., Any] = target.load()
        return loaded
    module, _, attr = target.partition(":")
    found: Callable[..., Any] = getattr(import_module(module), attr)
    return found


#: Options that are hints: dropped for a backend whose constructor does not take them.
_HINTS = frozenset({"threads"})


def _accepted(factory: Callable[..., Any], kwargs: dict[str, Any]) -> dict[str, Any]:
    """``kwargs`` minus the hint options the factory does not accept (a plugin need not know `threads`)."""
    try:
        params = inspect.signature(factory).parameters.values()
    except (TypeError, ValueError):
        return kwargs
    if any(p.kind is p.VAR_KEYWORD for p in params):
        return kwargs
    names = {p.name for p in params}
    return {k: v for k, v in kwargs.items() if k in names or k not in _HINTS}


def get(name: str = DEFAULT, **kwargs: Any) -> Recognizer:
    """Instantiate the recognizer registered as ``name``, passing ``kwargs`` (e.g. ``threads=2``; that one is
    a hint, dropped for a backend that does not take it).

    Raises `UnknownBackendError` listing the available names if there is none, and TypeError if the
    registered object does not produce a `Recognizer`.
    """
    targets = _registered()
    if name not in targets:
        raise UnknownBackendError(
            f"unknown recognizer backend {name!r}; available: {', '.join(sorted(targets))} "
            f"(plugins register under the entry-point group {GROUP!r})"
        )
    target = targets[name]
    try:
        factory = _load(target)
    except Exception as e:  # an installed-but-broken plugin: say which one
        where = target.value if isinstance(target, EntryPoint) else target
        raise ImportError(f"recognizer backend {name!r} ({where}) failed to load: {e}") from e
    recognizer = factory(**_accepted(factory, kwargs))
    if not isinstance(recognizer, Recognizer):
        raise TypeError(f"recognizer backend {name!r} produced {type(recognizer).__name__}, not a Recognizer")
    return recognizer
