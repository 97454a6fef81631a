"""The rendered-line shard format, read and written in one place (numpy only: no torch, no cv2).

A shard (``shard_<first seed>.npz``, written by :mod:`training.render`) holds prepared lines of one height,
concatenated to keep the file small: ``pixels`` (uint8, all lines' rows flattened one after the other),
``widths`` (int, one per line), ``labels`` (str, one per line) and ``height`` (int). The real-line cache of
:mod:`training.real_data` uses the same layout plus a ``val`` flag per line.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

__all__ = ["read", "read_folder", "split", "write"]


def split(pixels: np.ndarray, widths: Sequence[int] | np.ndarray, height: int) -> list[np.ndarray]:
    """Cut the flat ``pixels`` back into ``[height, width]`` lines (views, no copy)."""
    out, offset = [], 0
    for w in widths:
        n = int(height) * int(w)
        out.append(pixels[offset : offset + n].reshape(int(height), int(w)))
        offset += n
    return out


def read(path: Path, limit: int | None = None) -> tuple[list[np.ndarray], list[str]]:
    """(uint8 ``[height, width]`` lines, labels) of one shard; the first ``limit`` only when given."""
    z = np.load(path)
    widths = z["widths"][:limit] if limit else z["widths"]
    labels = z["labels"][:limit] if limit else z["labels"]
    return split(z["pixels"], widths, int(z["height"])), [str(s) for s in labels]


def read_folder(folder: Path, limit: int | None = None) -> tuple[list[np.ndarray], list[str]]:
    """Every ``shard_*.npz`` of ``folder`` in name order, stopping once ``limit`` lines are read."""
    images: list[np.ndarray] = []
    labels: list[str] = []
    for path in sorted(folder.glob("shard_*.npz")):
        more_images, more_labels = read(path, limit - len(labels) if limit else None)
        images += more_images
        labels += more_labels
        if limit and len(labels) >= limit:
            break
    return images, labels


def write(path: Path, images: Sequence[np.ndarray], labels: Sequence[str], height: int, **extra: np.ndarray) -> Path:
    """Write a shard atomically: to ``tmp_<name>`` first, renamed when complete (a stopped run leaves no torn file).

    ``path`` must end in ``.npz``.
    """
    if any(im.shape[0] != height for im in images):
        raise ValueError(f"every line must be {height} pixels high")
    tmp = path.with_name(f"tmp_{path.name}")
    np.savez(
        tmp,
        pixels=np.concatenate([im.ravel() for im in images]) if len(images) else np.zeros(0, np.uint8),
        widths=np.array([im.shape[1] for im in images], np.int32),
        labels=np.array(list(labels)),
        height=height,
        **extra,
    )
    tmp.replace(path)
    return path
