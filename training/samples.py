"""Write the contact sheet ``docs/samples.png`` and the README sample ``vaddr/samples/sample.png``.

The sheet shows synthetic samples only (top: the rendered "photo", below it: what ``prepare()`` makes
of it, i.e. what the model sees). Real images are never copied into the project.

    .venv/bin/python -m training.samples
"""

from __future__ import annotations

import argparse
import random

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from training.common import ROOT, preprocess
from training.render import render
from training.text_sampler import sample_line

SAMPLE_TEXT = "Thôn 1 Ea Ktur Cư Kuin Đắk Lắk"
_CAPTION_FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"


def _caption_font() -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    try:
        return ImageFont.truetype(_CAPTION_FONT, 12)
    except OSError:  # captions only; the default bitmap font lacks Vietnamese letters
        return ImageFont.load_default()


def contact_sheet(n: int = 24, seed: int = 7, width: int = 1000) -> Image.Image:
    tiles: list[Image.Image] = []
    for i in range(n):
        rng = random.Random(seed * 1000 + i)
        text = sample_line(rng)
        gray = render(text, rng)
        prep = preprocess.prepare(gray)[0]
        photo = Image.fromarray(gray)
        photo.thumbnail((width // 2 - 10, 60))
        model_in = Image.fromarray((255 - prep * 255).astype(np.uint8))
        model_in.thumbnail((width // 2 - 10, preprocess.HEIGHT))
        tile = Image.new("L", (width // 2, 62 + preprocess.HEIGHT + 16), 255)
        tile.paste(photo, (0, 0))
        tile.paste(model_in, (0, 62))
        ImageDraw.Draw(tile).text((0, 63 + preprocess.HEIGHT), text, fill=0, font=_caption_font())
        tiles.append(tile)
    th = tiles[0].height
    sheet = Image.new("L", (width, th * ((n + 1) // 2)), 255)
    for i, t in enumerate(tiles):
        sheet.paste(t, ((i % 2) * (width // 2), (i // 2) * th))
    return sheet


def readme_sample(seed: int = 3) -> Image.Image:
    """A realistic, legible synthetic photo of :data:`SAMPLE_TEXT` at the real photos' scale."""
    img = Image.fromarray(render(SAMPLE_TEXT, random.Random(seed), family="patrick-hand"))
    return img.resize((img.width * 2, img.height * 2), Image.Resampling.BICUBIC)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=7)
    a = ap.parse_args()
    contact_sheet(seed=a.seed).save(ROOT / "docs" / "samples.png", optimize=True)
    out = ROOT / "vaddr" / "samples"
    out.mkdir(parents=True, exist_ok=True)
    readme_sample().save(out / "sample.png", optimize=True)
    (out / "sample.txt").write_text(SAMPLE_TEXT + "\n", encoding="utf-8")
    print("wrote docs/samples.png, vaddr/samples/sample.png")


if __name__ == "__main__":
    main()
