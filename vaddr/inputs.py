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
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["IMAGE_SUFFIXES", "Expansion", "expand", "natural_key"]

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


def _walk(root: Path, out: Expansion, seen: set[tuple[int, int]]) -> int:
    """Append the images under ``root`` (natural order, sub-folders after the files of their parent)."""
    try:
        st = root.stat()
    except OSError as e:
        out.skipped.append((root, f"cannot read folder: {e.strerror or e}"))
        return 0
    key = (st.st_dev, st.st_ino)
    if key in seen:
        out.skipped.append((root, "folder link cycle (already walked)"))
        return 0
    seen.add(key)
    try:
        entries = sorted(root.iterdir(), key=natural_key)
    except OSError as e:
        out.skipped.append((root, f"cannot list folder: {e.strerror or e}"))
        return 0
    found = 0
    subdirs: list[Path] = []
    for entry in entries:
        try:
            est = entry.stat()
        except FileNotFoundError:
            out.skipped.append((entry, "broken link"))
            continue
        except OSError as e:
            out.skipped.append((entry, f"cannot stat: {e.strerror or e}"))
            continue
        if stat.S_ISDIR(est.st_mode):
            subdirs.append(entry)
        elif not stat.S_ISREG(est.st_mode):
            out.skipped.append((entry, "not a regular file (FIFO, socket or device)"))
        elif entry.suffix.lower() not in IMAGE_SUFFIXES:
            out.skipped.append((entry, f"not an image file name ({entry.suffix or 'no extension'})"))
        else:
            out.files.append(entry)
            found += 1
    for sub in subdirs:
        found += _walk(sub, out, seen)
    return found


def expand(args: Iterable[str | os.PathLike[str]], recursive: bool = True) -> Expansion:
    """Paths as given (order kept; files are passed through even with an odd name: loading judges them), each
    folder replaced by the image files under it (recursively, in natural name order)."""
    out = Expansion()
    for a in args:
        p = Path(a)
        if p.is_dir():
            if recursive:
                found = _walk(p, out, set())
            else:
                before = len(out.files)
                for f in sorted(p.iterdir(), key=natural_key):
                    if f.is_file() and f.suffix.lower() in IMAGE_SUFFIXES:
                        out.files.append(f)
                    elif not f.is_dir():
                        out.skipped.append((f, "not an image file"))
                found = len(out.files) - before
            if not found:
                out.empty_dirs.append(p)
        else:
            out.files.append(p)
    return out


def expand_paths(args: Sequence[str | os.PathLike[str]]) -> list[Path]:
    """Just the files of `expand` (for callers that do not report skips)."""
    return expand(args).files
