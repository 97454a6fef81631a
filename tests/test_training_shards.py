"""The shard format (training/shards.py) and the training-side helpers that reuse runtime code.

These modules need only numpy and vaddr, so they are tested without the training extra (torch, cv2).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from training import shards
from training.charset import CHARSET, decode_greedy
from training.splits import VAL_WRITERS
from vaddr.ocr_backends import ctc


def _lines(rng: np.random.Generator, n: int, height: int = 8) -> list[np.ndarray]:
    return [rng.integers(0, 256, (height, int(w)), dtype=np.uint8) for w in rng.integers(1, 40, n)]


def test_write_then_read_round_trip(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    images, labels = _lines(rng, 7), [f"dòng {i}" for i in range(7)]
    shards.write(tmp_path / "shard_000000001.npz", images, labels, 8)
    got_images, got_labels = shards.read(tmp_path / "shard_000000001.npz")
    assert got_labels == labels
    assert all(np.array_equal(a, b) for a, b in zip(got_images, images, strict=True))
    assert not list(tmp_path.glob("tmp_*"))  # written atomically


def test_read_folder_in_name_order_and_limit_across_shards(tmp_path: Path) -> None:
    rng = np.random.default_rng(1)
    first, second = _lines(rng, 5), _lines(rng, 4)
    shards.write(tmp_path / "shard_000000010.npz", second, [f"b{i}" for i in range(4)], 8)
    shards.write(tmp_path / "shard_000000001.npz", first, [f"a{i}" for i in range(5)], 8)
    images, labels = shards.read_folder(tmp_path)
    assert labels == [f"a{i}" for i in range(5)] + [f"b{i}" for i in range(4)]
    images, labels = shards.read_folder(tmp_path, limit=7)
    assert labels == [f"a{i}" for i in range(5)] + ["b0", "b1"]
    assert np.array_equal(images[6], second[1])


def test_write_rejects_a_line_of_another_height(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="8 pixels high"):
        shards.write(tmp_path / "shard_1.npz", [np.zeros((7, 3), np.uint8)], ["x"], 8)


def test_decode_greedy_is_the_runtime_best_path() -> None:
    rng = np.random.default_rng(2)
    for _ in range(50):
        log_probs = np.log(rng.dirichlet(np.full(len(CHARSET) + 1, 0.05), size=int(rng.integers(1, 30))) + 1e-12)
        path = log_probs.argmax(axis=1).tolist()
        assert decode_greedy(path) == ctc.greedy(log_probs, list(CHARSET)).text


def test_held_out_writers_are_fixed() -> None:
    assert len(VAL_WRITERS) == 10 and len(set(VAL_WRITERS)) == 10
