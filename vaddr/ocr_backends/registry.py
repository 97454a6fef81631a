"""Find recognizers by name through the ``vaddr.recognizers`` entry-point group.

Why entry points: a third party can ship a better recognizer (another architecture, a cloud API) as its own
distribution, and ``vaddr-ocr --backend NAME`` picks it up once installed, without vaddr knowing about it.
The built-in "crnn" is registered in vaddr's own pyproject.toml and also known here directly, so it works
from a source checkout that was never pip-installed.
"""

from __future__ import annotations

import inspect
import logging
import math
from collections.abc import Callable
from importlib import import_module
from importlib.metadata import EntryPoint, entry_points
from typing import Any

import numpy as np

from vaddr.ocr_backends.base import Recognition, Recognizer
from vaddr.types import Hypothesis

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


class PluginResultError(ValueError):
    """A recognizer returned something that breaks the `Recognizer` contract. Names the recognizer and what it
    returned, so the plugin's author (not vaddr) is the one the user goes to."""


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
        return target.load()
    module, _, attr = target.partition(":")
    return getattr(import_module(module), attr)


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


def _short(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def check_results(recognizer: object, results: object, count: int) -> list[Recognition]:
    """Check what a recognizer returned for ``count`` images against the contract, or raise
    `PluginResultError` naming the recognizer and what it returned.

    The one place where plugin results are validated (the pipeline calls it after every ``recognize``): a
    list of exactly ``count`` `Recognition`s, each with a list of `Hypothesis` (finite log-probabilities) and,
    if given, ``log_probs`` a finite 2-D float array [T, C] with C = len(charset) + 1 (class 0 = CTC blank).
    """
    who = describe_backend(recognizer)
    if not isinstance(results, (list, tuple)):
        raise PluginResultError(f"{who} returned {type(results).__name__} {_short(results)}; expected a list")
    if len(results) != count:
        raise PluginResultError(
            f"{who} returned {len(results)} results for {count} image{'s' * (count != 1)}; "
            "expected exactly one Recognition per image, in order"
        )
    for i, r in enumerate(results):
        where = f"{who}, result {i}"
        if not isinstance(r, Recognition):
            raise PluginResultError(f"{where}: got {type(r).__name__} {_short(r)}; expected a Recognition")
        hyps = r.hypotheses
        if not all(isinstance(h, Hypothesis) for h in hyps):
            raise PluginResultError(f"{where}: hypotheses must be Hypothesis objects, got {_short(hyps)}")
        bad = [h.log_prob for h in hyps if not math.isfinite(h.log_prob)]
        if bad:
            raise PluginResultError(f"{where}: non-finite log_prob {bad[0]!r}")
        if r.log_probs is not None:
            lp = r.log_probs
            if not isinstance(lp, np.ndarray) or lp.ndim != 2 or lp.dtype.kind != "f":
                shape = getattr(lp, "shape", None)
                raise PluginResultError(
                    f"{where}: log_probs is {type(lp).__name__} shape={shape}; expected a 2-D float array [T, C]"
                )
            if r.charset is None or lp.shape[1] != len(r.charset) + 1:
                n = None if r.charset is None else len(r.charset)
                raise PluginResultError(
                    f"{where}: log_probs has shape {lp.shape} but charset has {n} characters; "
                    "expected [T, len(charset) + 1] with class 0 the CTC blank"
                )
            if not np.isfinite(lp).all():
                raise PluginResultError(f"{where}: log_probs contains NaN or infinity")
    return list(results)
