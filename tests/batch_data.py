"""Inputs for the batch, parallel and distributed tests: real lines and images from ../shared when it is there,
else lines built from the gazetteer and images drawn from the bundled sample (seeded, so runs repeat)."""

from __future__ import annotations

import json
import random
from pathlib import Path

import numpy as np
from PIL import Image
from unidecode import unidecode

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "data"
SAMPLE = ROOT / "vaddr" / "samples" / "sample.png"


def _real_lines() -> list[str]:
    lines: list[str] = []
    labels = SHARED / "kalapa_labels_dev.tsv"
    if labels.is_file():
        lines += [row.split("\t", 1)[1].strip() for row in labels.read_text(encoding="utf-8").splitlines() if row]
    addrcls = SHARED / "addrcls_dev.jsonl"
    if addrcls.is_file():
        lines += [json.loads(row)["text"] for row in addrcls.read_text(encoding="utf-8").splitlines() if row]
    return lines


def _gazetteer_lines(n: int, rng: random.Random) -> list[str]:
    from vaddr import gazetteer

    gaz = gazetteer.legacy()
    wards = [u for u in gaz.units(3) if u.current]
    out = []
    for _ in range(n):
        w = rng.choice(wards)
        d = gaz.get(w.parent or "")
        p = gaz.get(d.parent or "")
        out.append(f"{rng.randint(1, 999)} {w.type} {w.name} {d.name} {p.name}")
    return out


def address_lines(n: int, seed: int = 0) -> list[str]:
    """``n`` address lines: the real ones, then copies written otherwise (no diacritics, lower
    or upper case, a trailing country name) until there are n; with the real data, 11,989 of the first 12,000 differ."""
    rng = random.Random(seed)
    base = _real_lines() or _gazetteer_lines(500, rng)
    out: list[str] = []
    variants = (
        str,
        lambda s: unidecode(s).lower(),
        str.lower,
        lambda s: unidecode(s),
        str.upper,
        lambda s: s + ", Việt Nam",
        lambda s: unidecode(s).upper(),
        lambda s: unidecode(s).lower() + ", viet nam",
    )
    i = 0
    while len(out) < n:
        out.append(variants[(i // len(base)) % len(variants)](base[i % len(base)]))
        i += 1
    return out


def line_images(folder: Path, n: int, seed: int = 0) -> list[Path]:
    """``n`` line images: the real Kalapa photos when present (read in place), else drawn variants of the
    bundled sample (cropped, rescaled, brightness-shifted) written to ``folder``."""
    real = SHARED / "kalapa_real" / "labels.tsv"
    if real.is_file():
        rows = [r.split("\t", 1)[0] for r in real.read_text(encoding="utf-8").splitlines() if r]
        paths = [real.parent / r for r in rows[:n]]
        if len(paths) == n and all(p.is_file() for p in paths):
            return paths
    rng = np.random.default_rng(seed)
    base = np.asarray(Image.open(SAMPLE).convert("L"), dtype=np.int16)
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for i in range(n):
        h, w = base.shape
        x0, x1 = int(rng.integers(0, w // 10)), w - int(rng.integers(0, w // 10))
        img = np.clip(base[:, x0:x1] + int(rng.integers(-25, 25)), 0, 255).astype(np.uint8)
        scale = float(rng.uniform(0.8, 1.2))
        pil = Image.fromarray(img).resize((max(8, int(img.shape[1] * scale)), max(8, int(h * scale))))
        path = folder / f"{i:04d}.png"
        pil.save(path)
        out.append(path)
    return out
