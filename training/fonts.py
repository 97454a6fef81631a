"""Fetch handwriting-style fonts with full Vietnamese coverage from the npm registry (Fontsource).

Why npm/Fontsource: it is a package registry reachable from every project machine, it carries many
handwriting families (Patrick Hand, Dancing Script, Itim, Playwrite VN, ...) and it ships the
``vietnamese`` subset. Fontsource splits each family into subset files (latin / latin-ext /
vietnamese); we keep them side by side and the renderer picks, per character, the first file whose
cmap has it (per-glyph rendering makes that free). A family is kept only when the union of its
subsets covers every character of :data:`REQUIRED` (all precomposed Vietnamese letters in both cases,
digits and the punctuation of the charset), so no ``.notdef`` box can ever be drawn.

Usage::

    .venv/bin/python -m training.fonts            # fetch + verify, writes training/fonts/fonts.json
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import tarfile
from dataclasses import dataclass
from pathlib import Path

from fontTools.ttLib import TTFont

from training.charset import CHARSET, VIETNAMESE_LETTERS

FONT_DIR = Path(__file__).resolve().parent / "fonts"
MANIFEST = FONT_DIR / "fonts.json"

#: Fontsource packages tried (handwriting or hand-lettered looking), pinned to the versions used.
#: caveat, caveat-brush and comic-neue lack Vietnamese letters and are dropped by the coverage check.
PINNED: dict[str, str] = {
    "patrick-hand": "5.3.0",
    "dancing-script": "5.3.0",
    "itim": "5.3.0",
    "sriracha": "5.3.0",
    "pacifico": "5.3.0",
    "caveat": "5.3.0",
    "playpen-sans": "5.3.0",
    "charm": "5.2.7",
    "mali": "5.3.0",
    "shantell-sans": "5.3.0",
    "grandstander": "5.3.0",
    "k2d": "5.2.8",
    "kodchasan": "5.2.8",
    "charmonman": "5.2.7",
    "ms-madi": "5.3.0",
    "whisper": "5.3.0",
    "licorice": "5.3.0",
    "corinthia": "5.3.0",
    "ephesis": "5.3.0",
    "caveat-brush": "5.3.0",
    "oooh-baby": "5.3.0",
    "pangolin": "5.3.0",
    "mynerve": "5.3.0",
    "playwrite-vn": "5.3.0",
    "fuzzy-bubbles": "5.3.0",
    "comic-neue": "5.3.0",
}
CANDIDATES: tuple[str, ...] = tuple(PINNED)
#: Families NEVER used to render training data: the digit benchmark (``benchmarks/digits.py``) and the
#: charset test render with them, so that "reads 0" is measured on handwriting the model has not seen.
#: Same coverage check; families lacking a Vietnamese letter are dropped.
HELDOUT_PINNED: dict[str, str] = {
    "sedgwick-ave": "5.3.0",
    "grape-nuts": "5.3.0",
    "square-peg": "5.3.0",
    "borel": "5.3.0",
    "ruge-boogie": "5.3.0",
    "yomogi": "5.3.0",
    "send-flowers": "5.3.0",
    "gwendolyn": "5.3.0",
}
HELDOUT_MANIFEST = FONT_DIR / "fonts_heldout.json"
SUBSETS = ("latin", "latin-ext", "vietnamese")
REQUIRED: str = "".join(sorted(set(VIETNAMESE_LETTERS) | set(CHARSET) - {" "}))


@dataclass(frozen=True)
class FontFamily:
    """One family: its subset files (TTF), in lookup order."""

    name: str
    files: tuple[str, ...]


def _npm_pack(name: str, dest: Path) -> Path | None:
    """Download ``@fontsource/NAME`` as a tarball with the ordinary npm client."""
    dest.mkdir(parents=True, exist_ok=True)
    version = PINNED.get(name) or HELDOUT_PINNED.get(name, "latest")
    have = dest / f"fontsource-{name}-{version}.tgz"
    if have.exists():
        return have
    try:
        out = subprocess.run(
            ["npm", "pack", "--silent", f"@fontsource/{name}@{version}"],
            cwd=dest,
            check=True,
            capture_output=True,
            text=True,
            timeout=120,
        )
    except (subprocess.SubprocessError, FileNotFoundError):
        return None
    tgz = dest / out.stdout.strip().splitlines()[-1]
    return tgz if tgz.exists() else None


def _pick_weight(members: list[str], name: str, subset: str) -> str | None:
    """Prefer weight 400 normal; otherwise the lightest normal weight the package has."""
    pat = re.compile(rf"package/files/{re.escape(name)}-{re.escape(subset)}-(\d+)-normal\.woff2$")
    found = sorted((int(m.group(1)), s) for s in members if (m := pat.match(s)))
    for w, s in found:
        if w == 400:
            return s
    return found[0][1] if found else None


def _extract_family(name: str, tgz: Path, out_dir: Path) -> FontFamily | None:
    """Convert the family's subset WOFF2 files to TTF (PIL/FreeType reads TTF everywhere)."""
    files: list[str] = []
    with tarfile.open(tgz) as tar:
        members = tar.getnames()
        for subset in SUBSETS:
            member = _pick_weight(members, name, subset)
            if member is None:
                continue
            ttf = out_dir / f"{name}-{subset}.ttf"
            if not ttf.exists():
                fh = tar.extractfile(member)
                assert fh is not None
                font = TTFont(fh)
                font.flavor = None
                font.save(ttf)
            files.append(str(ttf.relative_to(FONT_DIR)))
    return FontFamily(name, tuple(files)) if files else None


def coverage_missing(family: FontFamily) -> str:
    """Characters of :data:`REQUIRED` that no subset file of the family maps to a glyph."""
    have: set[int] = set()
    for f in family.files:
        cmap = TTFont(FONT_DIR / f, lazy=True).getBestCmap() or {}
        have.update(k for k, g in cmap.items() if g != ".notdef")
    return "".join(c for c in REQUIRED if ord(c) not in have)


def fetch_all(names: tuple[str, ...] = CANDIDATES, manifest: Path = MANIFEST) -> list[FontFamily]:
    """Fetch, convert and verify every candidate; write the manifest of the families kept."""
    tar_dir, ttf_dir = FONT_DIR / "npm", FONT_DIR / "ttf"
    ttf_dir.mkdir(parents=True, exist_ok=True)
    kept: list[FontFamily] = []
    for name in names:
        tgz = _npm_pack(name, tar_dir)
        fam = _extract_family(name, tgz, ttf_dir) if tgz else None
        if fam is None:
            print(f"  skip {name}: not fetched")
            continue
        missing = coverage_missing(fam)
        if missing:
            print(f"  drop {name}: lacks {missing!r}")
            continue
        print(f"  keep {name}: {len(fam.files)} subset files")
        kept.append(fam)
    manifest.write_text(json.dumps([f.__dict__ for f in kept], indent=1, ensure_ascii=False))
    return kept


def load_families(heldout: bool = False) -> list[FontFamily]:
    """The verified training families (or the held-out ones) from their manifest (run ``main`` first)."""
    manifest = HELDOUT_MANIFEST if heldout else MANIFEST
    if not manifest.exists():
        raise FileNotFoundError(f"{manifest} missing: run `python -m training.fonts` first")
    return [FontFamily(d["name"], tuple(d["files"])) for d in json.loads(manifest.read_text())]


def main() -> None:
    argparse.ArgumentParser(description=__doc__.splitlines()[0]).parse_args()
    kept = fetch_all()
    print(f"{len(kept)} training families kept -> {MANIFEST}")
    held = fetch_all(tuple(HELDOUT_PINNED), HELDOUT_MANIFEST)
    print(f"{len(held)} held-out families kept -> {HELDOUT_MANIFEST}")


if __name__ == "__main__":
    main()
