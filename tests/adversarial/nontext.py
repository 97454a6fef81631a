"""28 images with no line of writing on them, generated at test time (seeded, no files in git).

Blank paper, gradients, noise, strokes that are not letters, and pages. Each is something a batch job meets in
practice (an empty form field, a scanner's shading, a photo of a desk, a whole page fed in by mistake); none
may come back as an address with a province, district or ward.

    python -m tests.adversarial.nontext OUT_DIR     # writes the 28 PNGs, to look at them
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

W, H = 1840, 115  # the size of the real form lines


def _u8(a: np.ndarray) -> np.ndarray:
    return np.clip(np.rint(a), 0, 255).astype(np.uint8)


def _grid(w: int = W, h: int = H) -> tuple[np.ndarray, np.ndarray]:
    y, x = np.mgrid[0:h, 0:w].astype(np.float32)
    return x / max(1, w - 1), y / max(1, h - 1)


def _draw(w: int, h: int, fn: Callable[[ImageDraw.ImageDraw, np.random.Generator], None], seed: int) -> np.ndarray:
    img = Image.new("L", (w, h), 235)
    fn(ImageDraw.Draw(img), np.random.default_rng(seed))
    return np.asarray(img)


def _scribble(d: ImageDraw.ImageDraw, rng: np.random.Generator, w: int = W, h: int = H, n: int = 6) -> None:
    for _ in range(n):
        pts = [(float(rng.uniform(0, w)), float(rng.uniform(0, h))) for _ in range(4)]
        d.line(pts, fill=int(rng.integers(10, 60)), width=int(rng.integers(2, 5)))


def _ruled_form(d: ImageDraw.ImageDraw, rng: np.random.Generator) -> None:
    d.rectangle([4, 6, W - 5, H - 7], outline=40, width=3)


def _hatch(d: ImageDraw.ImageDraw, rng: np.random.Generator) -> None:
    for x in range(-H, W, 24):
        d.line([(x, 0), (x + H, H)], fill=50, width=2)
        d.line([(x + H, 0), (x, H)], fill=50, width=2)


def _bars(d: ImageDraw.ImageDraw, rng: np.random.Generator) -> None:
    for x in range(30, W - 30, 90):
        d.rectangle([x, 15, x + 6, H - 15], fill=30)


def _dots(d: ImageDraw.ImageDraw, rng: np.random.Generator) -> None:
    for x in range(20, W, 40):
        for y in range(20, H, 40):
            d.ellipse([x, y, x + 5, y + 5], fill=20)


def _rule(d: ImageDraw.ImageDraw, rng: np.random.Generator) -> None:
    d.line([(10, H // 2), (W - 10, H // 2)], fill=20, width=3)


def _zigzag(d: ImageDraw.ImageDraw, rng: np.random.Generator) -> None:
    pts = [(float(x), float(30 if (x // 25) % 2 else H - 30)) for x in range(40, W - 40, 25)]
    d.line(pts, fill=25, width=3)


def _page_of_print(seed: int) -> np.ndarray:
    """A printed page: 40 lines of random letters, 2480x3508 (A4 at 300 dpi) scaled to 1240x1754."""
    rng = np.random.default_rng(seed)
    img = Image.new("L", (1240, 1754), 245)
    d = ImageDraw.Draw(img)
    letters = "abcdefghijklmnopqrstuvwxyz     "
    for row in range(40):
        text = "".join(rng.choice(list(letters), size=90))
        d.text((80, 80 + row * 40), text, fill=20)
    return np.asarray(img)


def _notebook_page(seed: int) -> np.ndarray:
    img = Image.new("L", (1200, 1600), 240)
    d = ImageDraw.Draw(img)
    for y in range(80, 1600, 48):
        d.line([(0, y), (1200, y)], fill=150, width=2)
    d.line([(120, 0), (120, 1600)], fill=120, width=2)
    return np.asarray(img)


def _photo(seed: int, w: int = 1600, h: int = 1200) -> np.ndarray:
    """Smooth blobs of light and shade: a photo of a desk, a wall, a sleeve."""
    rng = np.random.default_rng(seed)
    small = rng.uniform(40, 220, size=(12, 16)).astype(np.float32)
    a = np.asarray(Image.fromarray(small, "F").resize((w, h), Image.Resampling.BICUBIC))
    return _u8(a + rng.normal(0, 6, size=a.shape))


def images() -> dict[str, np.ndarray]:
    """name -> uint8 grayscale image (paper white = 255)."""
    x, y = _grid()
    rng = np.random.default_rng(14)
    out: dict[str, np.ndarray] = {
        # blank paper
        "blank_white": np.full((H, W), 255, np.uint8),
        "blank_paper": np.full((H, W), 228, np.uint8),
        "blank_grey": np.full((H, W), 128, np.uint8),
        "blank_black": np.zeros((H, W), np.uint8),
        # gradients
        "gradient_horizontal": _u8(255 * x),
        "gradient_vertical": _u8(255 * y),
        "gradient_diagonal": _u8(127 * (x + y)),
        "gradient_radial": _u8(255 - 200 * np.hypot(x - 0.5, (y - 0.5) * H / W * 8)),
        "gradient_shadow": _u8(240 - 180 * (x > 0.6) * (x - 0.6) / 0.4),
        # noise
        "noise_gaussian_low": _u8(rng.normal(225, 12, size=(H, W))),
        "noise_gaussian_high": _u8(rng.normal(128, 60, size=(H, W))),
        "noise_uniform": _u8(rng.uniform(0, 255, size=(H, W))),
        "noise_salt_pepper_1pct": _u8(np.where(rng.random((H, W)) < 0.01, 0, 235)),
        "noise_salt_pepper_10pct": _u8(np.where(rng.random((H, W)) < 0.10, 0, 235)),
        "noise_blocks": _u8(np.kron(rng.uniform(0, 255, size=(H // 8 + 1, W // 8 + 1)), np.ones((8, 8))))[:H, :W],
        # strokes that are not writing
        "strokes_scribble": _draw(W, H, _scribble, 1),
        "strokes_scribble_dense": _draw(W, H, lambda d, r: _scribble(d, r, n=40), 2),
        "strokes_box": _draw(W, H, _ruled_form, 3),
        "strokes_hatch": _draw(W, H, _hatch, 4),
        "strokes_bars": _draw(W, H, _bars, 5),
        "strokes_dots": _draw(W, H, _dots, 6),
        "strokes_rule": _draw(W, H, _rule, 7),
        "strokes_zigzag": _draw(W, H, _zigzag, 8),
        # pages and photos
        "page_print": _page_of_print(9),
        "page_notebook": _notebook_page(10),
        "page_scribbles": _draw(1200, 1600, lambda d, r: _scribble(d, r, 1200, 1600, 60), 11),
        "photo_blobs": _photo(12),
        "photo_checker": _u8(np.kron((np.indices((12, 16)).sum(0) % 2) * 200 + 30, np.ones((100, 100)))),
    }
    assert len(out) == 28
    return out


def main(argv: list[str]) -> int:
    out = Path(argv[0]) if argv else Path("nontext")
    out.mkdir(parents=True, exist_ok=True)
    for name, img in images().items():
        Image.fromarray(img).save(out / f"{name}.png")
    print(f"wrote {len(images())} images to {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
