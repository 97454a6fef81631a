"""Render synthetic handwritten address lines that look like the real form photographs.

Real images are ~1840 x 115 px JPEG photos: a handwritten line in blue or black ink inside a ruled box
on grey-ish paper, sometimes with a white margin beside the box. We draw at about half that scale
(the model sees 32 px of height anyway) and then run the runtime ``prepare()`` on the result, so the
synthetic data goes through exactly the preprocessing real photos go through.

Per glyph: font size, baseline wobble and spacing jitter (each glyph is placed by hand, which also lets
a family's latin / vietnamese subset files be mixed per character). Per line: slant (shear), small
rotation, elastic distortion, pen width (dilation), ink darkness, paper level and shading, box lines,
noise, blur and JPEG.

    .venv/bin/python -m training.render --count 100000 --workers 2 --seed 1 --out training/cache/synth
"""

from __future__ import annotations

import argparse
import io
import json
import math
import random
import time
from functools import cache
from multiprocessing import Pool
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont
from tqdm import tqdm

from training import shards
from training.common import CACHE, preprocess
from training.fonts import FONT_DIR, FontFamily, load_families
from training.text_sampler import sample_line

#: Calligraphic script families are harder to read than what people write on forms: drawn less often.
SCRIPT_FAMILIES = {
    "whisper",
    "licorice",
    "corinthia",
    "ephesis",
    "ms-madi",
    "charm",
    "charmonman",
    "dancing-script",
    "pacifico",
    "oooh-baby",
}


@cache
def _families() -> list[FontFamily]:
    return load_families()


@cache
def heldout_families() -> list[FontFamily]:
    """Families never used for training data (benchmarks and tests of unseen handwriting)."""
    return load_families(heldout=True)


@cache
def _font(path: str, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(FONT_DIR / path), size)


@cache
def _cmap(path: str) -> frozenset[int]:
    from fontTools.ttLib import TTFont  # noqa: PLC0415 - only the workers need it

    return frozenset((TTFont(FONT_DIR / path, lazy=True).getBestCmap() or {}).keys())


def _font_for(fam: FontFamily, ch: str, size: int) -> ImageFont.FreeTypeFont:
    for f in fam.files:
        if ord(ch) in _cmap(f):
            return _font(f, size)
    return _font(fam.files[0], size)


def pick_family(rng: random.Random) -> FontFamily:
    fams = _families()
    weights = [0.35 if f.name in SCRIPT_FAMILIES else 1.0 for f in fams]
    return rng.choices(fams, weights=weights)[0]


#: Per-line probabilities of the degradations nearer the real failures (issue 10): a word struck
#: through and rewritten after it or above it, ink of the neighbouring lines at the top/bottom edges,
#: small writing in a wide crop, thin/faint ink, strong slant and baseline drift, pen width varying
#: along the line, strong elastic distortion. All draws come from the line's seeded ``rng``.
P_STRIKE = 0.06
P_STRIKE_ABOVE = 0.25  # of struck words: the replacement is written above the struck word
P_NEIGHBOURS = 0.12
P_SMALL_WIDE = 0.06
P_FAINT = 0.08
P_STRONG_SLANT = 0.08
P_DRIFT = 0.15
P_PEN_VARY = 0.12
P_STRONG_ELASTIC = 0.08
_STRIKE_LETTERS = "aăâbcdđeêghiklmnoôơpqrstuưvxy"


def _wrong_word(word: str, rng: random.Random) -> str:
    """What a writer wrote before striking it out: a misspelling of the word or its start."""
    letters = list(word) or ["a"]
    for _ in range(rng.randint(1, 2)):
        i = rng.randrange(len(letters))
        letters[i] = rng.choice(_STRIKE_LETTERS)
    out = "".join(letters)
    return out[: rng.randint(1, len(out))] if rng.random() < 0.4 else out


def _glyph_runs(
    draw: ImageDraw.ImageDraw,
    fam: FontFamily,
    text: str,
    x: float,
    base: float,
    size: int,
    rng: random.Random,
    wobble: tuple[float, float, float, float],
    track: float,
    stroke: int,
) -> float:
    """Draw ``text`` glyph by glyph from ``x``; returns the x after it."""
    wob_amp, wob_freq, wob_phase, drift = wobble
    for ch in text:
        if ch == " ":
            x += size * rng.uniform(0.25, 0.55)
            continue
        s = max(8, int(size * rng.uniform(0.96, 1.04)))
        font = _font_for(fam, ch, s)
        y = base + wob_amp * math.sin(wob_freq * x + wob_phase) + drift * x + rng.gauss(0, 0.03 * size)
        draw.text((x, y), ch, font=font, fill=255, anchor="ls", stroke_width=stroke, stroke_fill=255)
        x += font.getlength(ch) + track + rng.gauss(0, 0.03 * size)
    return x


def draw_ink(text: str, rng: random.Random, family: str | None = None, strike: bool | None = None) -> np.ndarray:
    """Ink coverage (float32, 0..1) of the text written glyph by glyph, tightly padded.

    With probability :data:`P_STRIKE` (or when ``strike``) one word is first written wrongly, struck
    through and then written correctly after it or above it: the ink holds more than the label, as
    on real forms, and the label keeps only the replacement.
    """
    fam = pick_family(rng)
    if family is not None:
        named = [f for f in _families() if f.name == family]
        fam = named[0] if named else next(f for f in heldout_families() if f.name == family)
    size = rng.randint(30, 40)
    scale_x = rng.uniform(0.85, 1.2)
    track = rng.uniform(-0.04, 0.12) * size
    wob_amp, wob_freq, wob_phase = rng.uniform(0, 0.08) * size, rng.uniform(0.005, 0.03), rng.uniform(0, 6.3)
    drift = rng.uniform(-0.02, 0.02)
    if rng.random() < P_DRIFT:  # baseline drifting up or down along the line, or sagging
        drift = rng.choice((-1, 1)) * rng.uniform(0.01, 0.025)
        wob_amp, wob_freq = rng.uniform(0.06, 0.14) * size, rng.uniform(0.002, 0.006)
    words = text.split(" ")
    struck = -1
    if (strike if strike is not None else rng.random() < P_STRIKE) and any(len(w) > 1 for w in words):
        struck = rng.choice([i for i, w in enumerate(words) if len(w) > 1])
    above = struck >= 0 and rng.random() < P_STRIKE_ABOVE
    width = int(len(text) * size * 1.3 + 4 * size + (size * 1.4 * len(words[struck]) if struck >= 0 else 0))
    height = int(size * 2.6) + (size if above else 0)
    img = Image.new("L", (width, height), 0)
    draw = ImageDraw.Draw(img)
    x, base = size * 0.5, size * 1.7 + (size if above else 0)
    stroke = 1 if rng.random() < 0.25 else 0
    wobble = (wob_amp, wob_freq, wob_phase, drift)
    for i, word in enumerate(words):
        if i:
            x += size * rng.uniform(0.25, 0.55)
        if i != struck:
            x = _glyph_runs(draw, fam, word, x, base, size, rng, wobble, track, stroke)
            continue
        x0 = x
        x = _glyph_runs(draw, fam, _wrong_word(word, rng), x, base, size, rng, wobble, track, stroke)
        ys = [base - size * rng.uniform(0.2, 0.45) + drift * xx for xx in (x0, x)]
        n = rng.choice((1, 1, 2))
        for k in range(n):
            dy = k * size * 0.15
            draw.line(
                [(x0 - 2, ys[0] + dy), (x + 2, ys[1] + dy + rng.uniform(-3, 3))], fill=255, width=rng.randint(2, 4)
            )
        if above:  # the replacement written smaller over the struck word
            small = int(size * rng.uniform(0.6, 0.8))
            _glyph_runs(draw, fam, word, x0, base - size * 0.8, small, rng, wobble, track * 0.7, stroke)
        else:
            x += size * rng.uniform(0.25, 0.55)
            x = _glyph_runs(draw, fam, word, x, base, size, rng, wobble, track, stroke)
    arr = np.asarray(img, np.float32) / 255.0
    arr = arr[:, : int(min(width, x + size))]
    if scale_x != 1.0:
        arr = cv2.resize(arr, (max(1, int(arr.shape[1] * scale_x)), arr.shape[0]))
    return arr


def distort(ink: np.ndarray, rng: random.Random) -> np.ndarray:
    """Slant, small rotation, elastic wobble and pen width."""
    h, w = ink.shape
    shear = rng.uniform(-0.35, 0.25)
    if rng.random() < P_STRONG_SLANT:  # strongly slanted cursive
        shear = rng.choice((-1, 1)) * rng.uniform(0.35, 0.6)
    angle = math.radians(rng.uniform(-1.2, 1.2))
    m = np.array([[math.cos(angle), shear - math.sin(angle), 0], [math.sin(angle), math.cos(angle), 0]], np.float32)
    m[0, 2] = -shear * h / 2 + abs(shear) * h
    out_w = int(w + 2 * abs(shear) * h)
    ink = cv2.warpAffine(ink, m, (out_w, h), flags=cv2.INTER_LINEAR, borderValue=0)
    if rng.random() < 0.7:
        strong = rng.random() < P_STRONG_ELASTIC
        gh, gw = (6, max(6, out_w // 20)) if strong else (4, max(4, out_w // 40))
        amp = rng.uniform(2.0, 3.5) if strong else rng.uniform(0.5, 2.0)
        dx = cv2.resize(
            np.float32(np.random.default_rng(rng.getrandbits(32)).normal(0, amp, (gh, gw))),
            (out_w, h),
            interpolation=cv2.INTER_CUBIC,
        )
        dy = cv2.resize(
            np.float32(np.random.default_rng(rng.getrandbits(32)).normal(0, amp, (gh, gw))),
            (out_w, h),
            interpolation=cv2.INTER_CUBIC,
        )
        xs, ys = np.meshgrid(np.arange(out_w, dtype=np.float32), np.arange(h, dtype=np.float32))
        ink = cv2.remap(ink, xs + dx, ys + dy, cv2.INTER_LINEAR, borderValue=0)
    r = rng.random()
    if r < 0.3:
        ink = cv2.dilate(ink, np.ones((2, 2), np.uint8))
    elif r < 0.4:
        ink = cv2.dilate(ink, np.ones((3, 3), np.uint8))
    elif r < 0.5:
        ink = cv2.erode(ink, np.ones((2, 2), np.uint8))
    if rng.random() < P_PEN_VARY:  # pressure changes along the line: thick here, thin there
        thick = cv2.dilate(ink, np.ones((3, 3), np.uint8))
        thin = cv2.erode(ink, np.ones((2, 2), np.uint8))
        k = max(2, out_w // rng.randint(60, 200))
        t = cv2.resize(np.float32(np.random.default_rng(rng.getrandbits(32)).uniform(0, 1, (1, k))), (out_w, h))
        ink = np.where(t > 0.5, thick * (t - 0.5) * 2 + ink * (1 - (t - 0.5) * 2), thin * (0.5 - t) * 2 + ink * t * 2)
    return ink


def _neighbour_ink(rng: random.Random, width: int, top: bool) -> np.ndarray:
    """The edge of another written line that reaches into a crop: for the line above, the lowest 10-30 %
    of its ink (descenders, bottoms of letters); for the line below, the highest (ascenders, marks)."""
    ink = draw_ink(sample_line(rng), rng, strike=False)
    ys = np.nonzero(ink.max(axis=1) > 0.3)[0]
    if len(ys):
        ink = ink[ys[0] : ys[-1] + 1]
    reach = max(2, int(ink.shape[0] * rng.uniform(0.1, 0.3)))
    ink = ink[-reach:] if top else ink[:reach]
    if ink.shape[1] < width:
        ink = np.pad(ink, ((0, 0), (0, width - ink.shape[1])))
    off = rng.randint(0, max(0, ink.shape[1] - width))
    return ink[:, off : off + width]


def compose(ink: np.ndarray, rng: random.Random) -> np.ndarray:
    """Put the ink on a photographed form: paper, shading, box lines, noise, blur, JPEG. -> uint8 gray."""
    ys, xs = np.nonzero(ink > 0.3)
    if len(xs):
        ink = ink[max(0, ys.min() - 2) : ys.max() + 3, max(0, xs.min() - 2) : xs.max() + 3]
    ih, iw = ink.shape
    small_wide = rng.random() < P_SMALL_WIDE  # small writing in a wide, tall crop
    th = ih / (rng.uniform(0.3, 0.5) if small_wide else rng.uniform(0.55, 0.85))  # text fills 55-85% of the box
    pad_t = int(rng.uniform(0.08, 0.3) * (th - ih)) + 2
    box_h = int(th)
    img_h = box_h + rng.randint(2, 14)
    left = int(rng.uniform(0.01, 0.08) * iw) + 3
    box_w = int(iw / (rng.uniform(0.2, 0.45) if small_wide else rng.uniform(0.5, 0.95))) + left
    img_w = box_w + (rng.randint(0, int(0.1 * box_w)) if rng.random() < 0.5 else rng.randint(0, 6))
    paper = rng.uniform(150, 235)
    canvas = np.full((img_h, img_w), paper, np.float32)
    gx = np.linspace(-1, 1, img_w, dtype=np.float32)[None, :]
    gy = np.linspace(-1, 1, img_h, dtype=np.float32)[:, None]
    canvas += rng.uniform(-18, 18) * gx + rng.uniform(-10, 10) * gy
    outside = rng.uniform(200, 255)
    by0 = rng.randint(0, max(1, img_h - box_h))
    canvas[:, box_w:] = outside
    line = rng.uniform(10, 80)
    thick = rng.randint(1, 3)
    tilt = rng.uniform(-3, 3)
    for yline in (by0, by0 + box_h - 1):
        if rng.random() < 0.9:
            p1, p2 = (0, int(yline)), (box_w, int(yline + tilt))
            cv2.line(canvas, p1, p2, line, thick)
    if rng.random() < 0.5:
        cv2.line(canvas, (box_w, by0), (box_w, by0 + box_h), line, thick)
    if rng.random() < 0.1:  # tails of the previous line's writing above the box
        for _ in range(rng.randint(3, 12)):
            x0 = rng.randint(0, box_w)
            cv2.line(canvas, (x0, 0), (x0 + rng.randint(-8, 8), rng.randint(1, max(2, by0 + 3))), line, 2)
    ink_level = rng.uniform(15, 120)
    if rng.random() < P_FAINT:  # faint or thin ink: little contrast with the paper
        ink_level = paper - rng.uniform(30, 70)
        if rng.random() < 0.5:
            ink = cv2.erode(ink, np.ones((2, 2), np.uint8))
    if not small_wide and rng.random() < P_NEIGHBOURS:  # the lines above / below reach into the crop
        for top in (True, False):
            if rng.random() < 0.6:
                part = _neighbour_ink(rng, img_w, top)[: img_h // 3]
                rows = slice(0, len(part)) if top else slice(img_h - len(part), img_h)
                canvas[rows] = canvas[rows] * (1 - part) + ink_level * part
    y0 = min(img_h - ih, by0 + pad_t)
    x0 = left
    region = canvas[y0 : y0 + ih, x0 : x0 + iw]
    region[:] = region * (1 - ink) + ink_level * ink
    canvas += np.random.default_rng(rng.getrandbits(32)).normal(0, rng.uniform(1, 8), canvas.shape)
    img = Image.fromarray(np.clip(canvas, 0, 255).astype(np.uint8))
    if rng.random() < 0.6:
        k = rng.choice([3, 5])
        arr = cv2.GaussianBlur(np.asarray(img), (k, k), rng.uniform(0.3, 1.0))
        img = Image.fromarray(arr)
    if rng.random() < 0.5:  # photographs are larger: rescale before JPEG
        f = rng.uniform(0.7, 2.0)
        img = img.resize((max(8, int(img_w * f)), max(8, int(img_h * f))), Image.Resampling.BILINEAR)
    buf = io.BytesIO()
    img.save(buf, format="JPEG", quality=rng.randint(30, 92))
    return np.asarray(Image.open(buf).convert("L"))


def render(text: str, rng: random.Random, family: str | None = None) -> np.ndarray:
    """One synthetic photo (uint8 gray) of ``text`` (``family``: force a font family, for demos)."""
    return compose(distort(draw_ink(text, rng, family), rng), rng)


def make_sample(seed: int) -> tuple[str, np.ndarray]:
    """(label, prepared uint8 [HEIGHT, W]) for one seed: deterministic."""
    rng = random.Random(seed)
    text = sample_line(rng)
    photo = render(text, rng)
    x = preprocess.prepare(photo)[0]
    return text, np.round(x * 255).astype(np.uint8)


def _shard(args: tuple[int, int, str]) -> str:
    start, count, out = args
    labels, images = [], []
    for s in range(start, start + count):
        t, x = make_sample(s)
        labels.append(t)
        images.append(x)
    return str(shards.write(Path(out) / f"shard_{start:09d}.npz", images, labels, preprocess.HEIGHT))


def generate(
    count: int, seed: int, out: Path, workers: int = 2, shard_size: int = 1000, max_seconds: float | None = None
) -> list[str]:
    """Render ``count`` samples with seeds ``seed*10**8 + i`` into .npz shards (skips finished shards).

    ``max_seconds`` stops early (whole shards only), for a fixed time slot on a borrowed GPU machine.
    """
    t0 = time.monotonic()
    out.mkdir(parents=True, exist_ok=True)
    base = seed * 10**8
    jobs = [(base + i, min(shard_size, count - i), str(out)) for i in range(0, count, shard_size)]
    todo = [j for j in jobs if not (out / f"shard_{j[0]:09d}.npz").exists()]
    (out / "meta.json").write_text(json.dumps({"count": count, "seed": seed, "shard_size": shard_size}))
    with Pool(workers) as pool:
        for _ in tqdm(pool.imap_unordered(_shard, todo), total=len(todo), unit="shard", desc="render"):
            if max_seconds is not None and time.monotonic() - t0 > max_seconds:
                break  # leaving the with-block terminates the pool
    return sorted(str(p) for p in out.glob("shard_*.npz"))


def main() -> None:
    ap = argparse.ArgumentParser(description="Render synthetic address lines into .npz shards.")
    ap.add_argument("--count", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--shard-size", type=int, default=1000)
    ap.add_argument("--out", type=Path, default=CACHE / "synth")
    ap.add_argument("--max-seconds", type=float, default=None, help="stop after this long (whole shards kept)")
    a = ap.parse_args()
    generate(a.count, a.seed, a.out, a.workers, a.shard_size, a.max_seconds)


if __name__ == "__main__":
    main()
