"""Turn what a user names on the command line (files, folders, file lists) into the image files to read.

Why a module of its own: every command and the service must agree on what a folder contains, and nothing may
be skipped silently. `expand` walks folders recursively and returns, beside the files, every entry it left out
with the reason (not an image name, a broken link, a FIFO or device, unreadable, a link cycle), so the CLI can
report each one; a folder with no image at all is reported too, as an input that failed.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

__all__ = ["IMAGE_SUFFIXES", "Entry", "Expansion", "expand", "iter_expand", "natural_key"]

IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".bmp", ".tif", ".tiff", ".webp", ".gif", ".pgm", ".ppm"})


def natural_key(path: Path) -> list[int | str]:
    """Sort key that puts 2.jpg before 10.jpg (scans are usually numbered)."""
    return [int(part) if part.isdigit() else part.lower() for part in re.split(r"(\d+)", path.name)]


@dataclass
class Expansion:
    """The files to read, in order, and what was left out of the folders walked (path, why)."""

    files: list[Path] = field(default_factory=list)
    skipped: list[tuple[Path, str]] = field(default_factory=list)
    empty_dirs: list[Path] = field(default_factory=list)  # folder arguments that held no image at all


@dataclass(frozen=True)
class Entry:
    """One step of `iter_expand`: a file to read, an entry skipped (with ``reason``), or a folder argument
    that held no image (``kind == "empty"``)."""

    kind: Literal["file", "skipped", "empty"]
    path: Path
    reason: str = ""


def _walk(root: Path, seen: set[tuple[int, int]]) -> Iterator[Entry]:
    """The images under ``root`` (natural order, sub-folders after the files of their parent) and the skips."""
    try:
        st = root.stat()
    except OSError as e:
        yield Entry("skipped", root, f"cannot read folder: {e.strerror or e}")
        return
    key = (st.st_dev, st.st_ino)
    if key in seen:
        yield Entry("skipped", root, "folder link cycle (already walked)")
        return
    seen.add(key)
    try:
        entries = sorted(root.iterdir(), key=natural_key)
    except OSError as e:
        yield Entry("skipped", root, f"cannot list folder: {e.strerror or e}")
        return
    subdirs: list[Path] = []
    for entry in entries:
        try:
            est = entry.stat()
        except FileNotFoundError:
            yield Entry("skipped", entry, "broken link")
            continue
        except OSError as e:
            yield Entry("skipped", entry, f"cannot stat: {e.strerror or e}")
            continue
        if stat.S_ISDIR(est.st_mode):
            subdirs.append(entry)
        elif not stat.S_ISREG(est.st_mode):
            yield Entry("skipped", entry, "not a regular file (FIFO, socket or device)")
        elif entry.suffix.lower() not in IMAGE_SUFFIXES:
            yield Entry("skipped", entry, f"not an image file name ({entry.suffix or 'no extension'})")
        else:
            yield Entry("file", entry)
    for sub in subdirs:
        yield from _walk(sub, seen)


def iter_expand(args: Iterable[str | os.PathLike[str]]) -> Iterator[Entry]:
    """`expand`, streaming: entries in order as the arguments (which may be a generator, e.g. paths read from
    standard input) and the folders are walked."""
    for a in args:
        p = Path(a)
        if p.is_dir():
            found = False
            for entry in _walk(p, set()):
                found = found or entry.kind == "file"
                yield entry
            if not found:
                yield Entry("empty", p, "no image files in this folder")
        else:
            yield Entry("file", p)


def expand(args: Iterable[str | os.PathLike[str]]) -> Expansion:
    """Paths as given (order kept; files are passed through even with an odd name: loading judges them), each
    folder replaced by the image files under it (recursively, in natural name order)."""
    out = Expansion()
    for entry in iter_expand(args):
        if entry.kind == "file":
            out.files.append(entry.path)
        elif entry.kind == "skipped":
            out.skipped.append((entry.path, entry.reason))
        else:
            out.empty_dirs.append(entry.path)
    return out


def expand_paths(args: Sequence[str | os.PathLike[str]]) -> list[Path]:
    """Just the files of `expand` (for callers that do not report skips)."""
    return expand(args).files
