"""The bundled model emits every character of its charset (issue 10: the first one never emitted ``0``).

The probe lines (``tests/data/charset_probe.npz``, made by ``python -m training.charset_probe``) are
address lines written in handwriting fonts never used for training data, each charset character in
three of them. A character counts as emitted when the greedy reading of at least ``MIN_HITS`` of the
lines that contain it contains it too. Fails on the first bundled model (it never emits ``0``, nor
53 other characters that its training text never contained).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pytest

from vaddr.ocr_backends import ctc
from vaddr.ocr_backends.onnx_crnn import CrnnOnnx, default_model_path

PROBE = Path(__file__).resolve().parent / "data" / "charset_probe.npz"
#: Lines (of the three per character) whose reading must contain the character.
MIN_HITS = 1
#: Characters a bundled model may be excused for not emitting (see docs/model.md); ``0`` may never be here.
NOT_YET_LEARNT = ""
#: Models known to fail, by the first 12 hex digits of the file's SHA-256. The first bundled model
#: never emits 0 (nor 89 other characters); this session's CPU fine-tunes read 0 but were not adopted:
#: on the held-out writers they were one or two lines worse (docs/model.md, "CPU fine-tune"). The mark
#: is strict and tied to that file: any other bundled model must pass, and this one must keep failing.
KNOWN_FAILING = {"ba8e24147f8d": "first bundled model: never emits 0 (issue 10); no fine-tune adopted yet"}


def _model_sha() -> str:
    path = default_model_path()
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12] if path.exists() else ""


_KNOWN = KNOWN_FAILING.get(_model_sha())
known_failing = pytest.mark.xfail(_KNOWN is not None, reason=_KNOWN or "", strict=True)


def _probe() -> tuple[list[np.ndarray], list[str]]:
    z = np.load(PROBE)
    h = int(z["height"])
    images, off = [], 0
    for w in z["widths"]:
        n = h * int(w)
        images.append(z["pixels"][off : off + n].reshape(1, h, int(w)).astype(np.float32) / 255.0)
        off += n
    return images, [str(s) for s in z["labels"]]


@pytest.fixture(scope="module")
def readings() -> tuple[list[str], list[str], list[str]]:
    if not default_model_path().exists():
        pytest.skip("no bundled model")
    model = CrnnOnnx()
    images, labels = _probe()
    outs = [ctc.greedy(lp, model.charset).text for lp in model.posteriors_prepared(images)]
    return model.charset, labels, outs


def emitted(charset: list[str], labels: list[str], outs: list[str]) -> dict[str, tuple[int, int]]:
    """character -> (probe lines containing it, of those the lines whose reading contains it)."""
    out = {}
    for ch in charset:
        lines = [i for i, t in enumerate(labels) if ch in t]
        out[ch] = (len(lines), sum(ch in outs[i] for i in lines))
    return out


def test_probe_covers_the_charset(readings: tuple[list[str], list[str], list[str]]) -> None:
    charset, labels, _ = readings
    counts = emitted(charset, labels, labels)
    assert all(n >= 3 for ch, (n, _) in counts.items() if ch != " "), "re-run python -m training.charset_probe"


@known_failing
def test_every_character_is_emitted(readings: tuple[list[str], list[str], list[str]]) -> None:
    charset, labels, outs = readings
    assert "0" not in NOT_YET_LEARNT
    counts = emitted(charset, labels, outs)
    missing = [ch for ch, (n, hits) in counts.items() if ch != " " and hits < MIN_HITS]
    assert [ch for ch in missing if ch not in NOT_YET_LEARNT] == [], {ch: counts[ch] for ch in missing}


@known_failing
def test_zero_is_read(readings: tuple[list[str], list[str], list[str]]) -> None:
    """The digit 0 in particular: in most of its probe lines, not just one."""
    charset, labels, outs = readings
    n, hits = emitted(charset, labels, outs)["0"]
    assert hits >= 2, f"0 read in {hits} of {n} probe lines"
