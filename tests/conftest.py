"""Shared fixtures. The tiny ONNX stand-in model is built once per test session, not once per module."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def tiny_model_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Path of the tiny CRNN stand-in (tests/tiny_model.py), built once; skips when onnx is not installed."""
    pytest.importorskip("onnx")
    import tiny_model

    return tiny_model.build(tmp_path_factory.mktemp("model") / "tiny.onnx")
