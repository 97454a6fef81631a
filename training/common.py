"""Shared paths and the loader of the runtime preprocessing module.

``vaddr/ocr_backends/preprocess.py`` is the single source of truth for preprocessing. It is loaded here
by file path, so that training does not execute ``vaddr/__init__.py`` (which pulls the corrector and
its data files in, none of which training needs).
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parent.parent
TRAINING = ROOT / "training"
CACHE = TRAINING / "cache"
RUNS = TRAINING / "runs"
SHARED = ROOT.parent / "shared" / "data"
REAL_DIR = SHARED / "kalapa_real"
MODEL_PATH = ROOT / "vaddr" / "ocr_backends" / "models" / "crnn.onnx"


def load_preprocess() -> ModuleType:
    """The runtime ``preprocess`` module, imported from its file."""
    name = "_vaddr_preprocess"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, ROOT / "vaddr" / "ocr_backends" / "preprocess.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    sys.modules[name] = mod
    spec.loader.exec_module(mod)
    return mod


preprocess = load_preprocess()
