"""The CRNN backend's plumbing: lazy loading, metadata, each line read alone (batch invariance).

Runs on the bundled model when present; the plumbing checks that need exact control over the network use
a tiny stand-in model built with onnx (skipped when onnx is not installed: it is not a runtime dependency).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from vaddr.ocr_backends import Recognition, get
from vaddr.ocr_backends.onnx_crnn import CrnnOnnx, default_model_path

BUNDLED = default_model_path()
SAMPLE = Path(__file__).resolve().parent.parent / "vaddr" / "samples" / "sample.png"


def strokes(width: int, blobs: list[tuple[int, int]], height: int = 60) -> np.ndarray:
    """White line image with black vertical bars at the given column ranges."""
    img = np.full((height, width), 255, np.uint8)
    for a, b in blobs:
        img[10 : height - 10, a:b] = 0
    return img


@pytest.fixture(scope="module")
def tiny(tiny_model_path: Path) -> CrnnOnnx:
    return CrnnOnnx(model_path=tiny_model_path)


def test_lazy_and_metadata(tiny: CrnnOnnx) -> None:
    fresh = CrnnOnnx(model_path=tiny.model_path, threads=2)
    assert fresh._session is None  # constructing does not load the model
    assert fresh.charset == ["a", "b", "c"]
    assert fresh.metadata["note"] == "test stub"
    assert fresh._session is not None


def test_blank_and_ink(tiny: CrnnOnnx) -> None:
    blank, inked = tiny.recognize([np.full((60, 400), 255, np.uint8), strokes(400, [(50, 150), (250, 350)])])
    assert blank.hypotheses[0].text == ""
    assert inked.hypotheses[0].text.startswith("a")
    assert inked.log_probs is not None and inked.log_probs.shape[1] == 4
    assert inked.charset == ["a", "b", "c"]
    assert all(h.log_prob <= 0 for h in inked.hypotheses)


def test_batched_equals_one_by_one(tiny: CrnnOnnx) -> None:
    """Lines of different widths read together give exactly the posteriors they give alone."""
    images = [strokes(w, [(20, w // 3), (w // 2, w - 30)]) for w in (300, 330, 360, 900, 310)]
    together = tiny.recognize(images, top_k=3)
    for img, rec in zip(images, together, strict=True):
        (alone,) = tiny.recognize([img], top_k=3)
        assert rec.log_probs.shape == alone.log_probs.shape
        assert np.array_equal(rec.log_probs, alone.log_probs)
        assert [h.text for h in rec.hypotheses] == [h.text for h in alone.hypotheses]


def test_recognition_json_leaves_out_posteriors(tiny: CrnnOnnx) -> None:
    (rec,) = tiny.recognize([strokes(300, [(40, 200)])], top_k=2)
    dumped = json.loads(rec.model_dump_json())
    assert set(dumped) == {"hypotheses", "no_text"}
    assert isinstance(rec, Recognition)


def test_missing_model_says_where_at_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A model path the user gave is checked when the recognizer is made, not once per image, and the message
    names where the path came from."""
    with pytest.raises(FileNotFoundError, match=r"none\.onnx \(set by model_path\)"):
        CrnnOnnx(model_path=tmp_path / "none.onnx")
    monkeypatch.setenv("VADDR_CRNN_MODEL", str(tmp_path / "gone.onnx"))
    with pytest.raises(FileNotFoundError, match=r"gone\.onnx \(set by \$VADDR_CRNN_MODEL\)"):
        CrnnOnnx()


def test_missing_model_from_the_environment_is_a_setup_error_of_the_cli(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    env = {**os.environ, "VADDR_CRNN_MODEL": str(tmp_path / "gone.onnx")}
    sample = Path(__file__).resolve().parents[1] / "vaddr" / "samples" / "sample.png"
    proc = subprocess.run(
        [sys.executable, "-m", "vaddr.cli.ocr", str(sample)], env=env, capture_output=True, text=True, check=False
    )
    assert proc.returncode == 2 and "VADDR_CRNN_MODEL" in proc.stderr and proc.stdout == ""
    assert proc.stderr.count("\n") == 1  # one line, not one per image


def test_model_env_override(tiny: CrnnOnnx, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VADDR_CRNN_MODEL", str(tiny.model_path))
    assert get("crnn").model_path == tiny.model_path  # type: ignore[attr-defined]


@pytest.mark.skipif(not BUNDLED.is_file(), reason="bundled model not built yet")
def test_bundled_model_contract() -> None:
    rec = CrnnOnnx()
    import onnxruntime as ort

    charset = rec.charset
    assert len(charset) == len(set(charset)) and all(len(c) == 1 for c in charset)
    from vaddr.ocr_backends import preprocess

    assert int(rec.metadata["height"]) == preprocess.HEIGHT
    sess = ort.InferenceSession(str(BUNDLED), providers=["CPUExecutionProvider"])
    assert sess.get_inputs()[0].name == "image" and sess.get_outputs()[0].name == "log_probs"
    x = np.zeros((2, 1, preprocess.HEIGHT, 128), np.float32)
    (lp,) = sess.run(None, {"image": x})
    assert lp.shape[0] == 2 and lp.shape[2] == len(charset) + 1
    np.testing.assert_allclose(np.exp(lp).sum(-1), 1.0, atol=1e-3)  # log-softmax


@pytest.mark.skipif(not (BUNDLED.is_file() and SAMPLE.is_file()), reason="bundled model or sample missing")
def test_bundled_model_reads_the_sample() -> None:
    rec = CrnnOnnx()
    (r,) = rec.recognize([SAMPLE], top_k=5)
    assert len(r.hypotheses[0].text) >= 5
    assert [h.log_prob for h in r.hypotheses] == sorted((h.log_prob for h in r.hypotheses), reverse=True)
    assert r.log_probs is not None and r.log_probs.shape[1] == len(rec.charset) + 1
