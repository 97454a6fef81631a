"""Find recognizers by name through the ``vaddr.recognizers`` entry-point group.

Why entry points: a third party can ship a better recognizer (another architecture, a cloud API) as its own
distribution, and ``vaddr-ocr --backend NAME`` picks it up once installed, without vaddr knowing about it.
The built-in "crnn" is registered in vaddr's own pyproject.toml and also known here directly, so it works
from a source checkout that was never pip-installed.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Callable
from importlib import import_module
from importlib.metadata import EntryPoint, entry_points
from typing import Any

from vaddr.ocr_backends.base import Recognizer
from vaddr.validation import RecognizerResultError, check_recognitions

__all__ = [
    "GROUP",
    "DEFAULT",
    "BackendError",
    "PluginResultError",
    "UnknownBackendError",
    "available",
    "check_results",
    "describe_backend",
    "get",
    "wants",
]

log = logging.getLogger(__name__)

GROUP = "vaddr.recognizers"
DEFAULT = "crnn"
_BUILTIN = {"crnn": "vaddr.ocr_backends.onnx_crnn:CrnnOnnx"}


class UnknownBackendError(LookupError):
    """No recognizer is registered under that name."""


class BackendError(RuntimeError):
    """A registered recognizer could not be loaded or started, or is not a recognizer. Names the plugin."""


#: A recognizer returned something that breaks the `Recognizer` contract (the message names it and what it
#: returned, so the plugin's author, not vaddr, is the one the user goes to).
PluginResultError = RecognizerResultError


def _registered() -> dict[str, EntryPoint | str]:
    found: dict[str, EntryPoint | str] = dict(_BUILTIN)
    for ep in entry_points(group=GROUP):
        if ep.name not in _BUILTIN:
            found.setdefault(ep.name, ep)
    return found


def available() -> list[str]:
    """Names of all installed recognizers, sorted."""
    return sorted(_registered())


def _load(target: EntryPoint | str) -> Any:  # a class or factory if the plugin is right; checked by get()
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

    Raises `UnknownBackendError` listing the available names if there is none, and `BackendError` (one line
    naming the plugin) if it cannot be imported, its constructor raises, or what it builds is not a
    `Recognizer` (e.g. an instance was registered instead of a class).
    """
    targets = _registered()
    if name not in targets:
        raise UnknownBackendError(
            f"unknown recognizer backend {name!r}; available: {', '.join(sorted(targets))} "
            f"(plugins register under the entry-point group {GROUP!r})"
        )
    target = targets[name]
    where = target.value if isinstance(target, EntryPoint) else target
    try:
        factory = _load(target)
    except Exception as e:  # an installed-but-broken plugin: say which one
        raise BackendError(f"recognizer backend {name!r} ({where}) failed to load: {type(e).__name__}: {e}") from e
    if not callable(factory):
        raise BackendError(
            f"recognizer backend {name!r} ({where}) is a {type(factory).__name__} instance, not a class: "
            "register the recognizer class (or a factory function) under 'vaddr.recognizers'"
        )
    try:
        recognizer = factory(**_accepted(factory, kwargs))
    except Exception as e:
        raise BackendError(f"recognizer backend {name!r} ({where}) failed to start: {type(e).__name__}: {e}") from e
    if not isinstance(recognizer, Recognizer):
        missing = [a for a in ("name", "recognize") if not hasattr(recognizer, a)]
        raise BackendError(
            f"recognizer backend {name!r} ({where}) produced a {type(recognizer).__name__}, not a recognizer "
            f"(missing: {', '.join(missing) or 'a callable recognize'}); see docs/plugins.md"
        )
    w = getattr(recognizer, "wants", "gray")
    if w not in ("gray", "input"):
        raise BackendError(f"recognizer backend {name!r} ({where}) has wants={w!r}; expected 'gray' or 'input'")
    log.debug("recognizer backend %r loaded from %s", name, where)
    return recognizer


def wants(recognizer: Recognizer) -> str:
    """What the recognizer wants per image: "gray" (prepared 2-D uint8 arrays, the default) or "input"
    (`InputImage` objects carrying the original as well)."""
    return str(getattr(recognizer, "wants", "gray"))


def describe_backend(recognizer: object) -> str:
    """How an error names a recognizer: its ``name`` and where its class lives."""
    cls = type(recognizer)
    return f"recognizer {getattr(recognizer, 'name', '?')!r} ({cls.__module__}.{cls.__qualname__})"


#: The plugin result check: one implementation, `vaddr.validation.check_recognitions` (count, types, finite
#: numbers, the log_probs layout), exposed here under the registry's names.
check_results = check_recognitions
