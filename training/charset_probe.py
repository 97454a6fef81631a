"""Probe lines for the charset test: every charset character, written in held-out handwriting fonts.

``tests/test_charset.py`` asserts that the bundled model emits each character of its charset on
rendered lines that contain it (issue 10: the first bundled model never emitted ``0``). The lines are
rendered here, once, with the font families of ``training.fonts.HELDOUT_PINNED`` (never used for
training data), without the harsher synthetic degradations, and committed as a small fixture
(``tests/data/charset_probe.npz``: prepared model inputs, 32 grey levels) so that CI needs neither
the fonts nor the renderer. Each character is placed in ``--per-char`` lines, each in a different
held-out family; a line is a sampled address line with up to four target characters put in naturally
(digits as a house number, punctuation where people write it, a letter as a gazetteer word that
holds it, or replacing a letter of a word when no such word exists: f, j, w, z and a few capitals).

    .venv/bin/python -m training.charset_probe            # writes tests/data/charset_probe.npz
"""

from __future__ import annotations

import argparse
import random
import unicodedata
from functools import cache
from pathlib import Path

import numpy as np

from training import render
from training.charset import CHARSET
from training.common import ROOT, preprocess
from training.fonts import HELDOUT_PINNED
from training.text_sampler import sample_line

PROBE = ROOT / "tests" / "data" / "charset_probe.npz"
SEED = 20261130


@cache
def _words_with() -> dict[str, list[str]]:
    """character -> gazetteer words that contain it (Title Case, and in capitals for the capitals)."""
    from training.text_sampler import name_pool, old_style  # noqa: PLC0415

    index: dict[str, set[str]] = {}
    for name in name_pool():
        for w in name.split():
            for form in {w, old_style(w), w.upper()}:
                if form.isalpha():
                    for c in set(form):
                        index.setdefault(c, set()).add(form)
    return {c: sorted(ws) for c, ws in index.items()}


def _put(ch: str, words: list[str], rng: random.Random) -> list[str]:
    """``words`` with ``ch`` written into it where a writer would put it: a gazetteer word that holds
    it when there is one (the model reads words, not isolated letters), else a letter replaced."""
    natural = _words_with().get(ch)
    if natural:
        i = rng.randrange(len(words) + 1)
        return [*words[:i], rng.choice(natural), *words[i:]]
    if ch.isdigit():
        num = rng.choice("123456789") + ch + rng.choice(("", "0", "/" + ch))
        return [num, *words]
    if ch == "/":
        return [f"{rng.randint(1, 99)}/{rng.randint(1, 9)}", *words]
    if ch == "-":
        i = rng.randrange(1, len(words)) if len(words) > 1 else 1
        return [*words[:i], "-", *words[i:]]
    if ch == ",":
        i = rng.randrange(len(words))
        return [*words[:i], words[i] + ",", *words[i + 1 :]]
    if ch == ".":
        return ["Tp.", *words]
    if ch in "()":
        return [*words, "(Cũ)"]
    if ch == "'":
        return ["Ea", "H'leo", *words]
    lengths = [i for i, w in enumerate(words) if len(w) > 2 and w.isalpha()]
    i = rng.choice(lengths) if lengths else 0
    w = words[i]
    j = 0 if ch.isupper() else rng.randrange(1, max(2, len(w)))
    words = list(words)
    words[i] = w[:j] + ch + w[j + 1 :]
    return words


def probe_lines(per_char: int = 3, per_line: int = 4, seed: int = SEED) -> list[tuple[str, str]]:
    """(text, held-out family) pairs covering every charset character ``per_char`` times."""
    rng = random.Random(seed)
    families = sorted(HELDOUT_PINNED)
    targets = [c for c in CHARSET if c != " "]
    out: list[tuple[str, str]] = []
    for k in range(per_char):
        order = targets[:]
        rng.shuffle(order)
        for s in range(0, len(order), per_line):
            words = sample_line(rng).split()[:3]
            chars = order[s : s + per_line]
            for ch in chars:
                for _ in range(20):  # a later letter may overwrite an earlier one: retry until all stay
                    new = _put(ch, words, rng)
                    if all(c in " ".join(new) for c in chars[: chars.index(ch) + 1]):
                        words = new
                        break
                else:  # no free word left: a short word of its own
                    words = [*words, ch + "ăng" if ch.isupper() else "Th" + ch + "n"]
            fam = families[(s // per_line + k) % len(families)]
            out.append((unicodedata.normalize("NFC", " ".join(words)), fam))
    return out


def build(out: Path = PROBE, per_char: int = 3, seed: int = SEED) -> Path:
    """Render the probe lines (plain degradations only) and save the prepared inputs."""
    saved = {k: getattr(render, k) for k in dir(render) if k.startswith("P_")}
    for k in saved:
        setattr(render, k, 0.0)  # the degradations of issue 10 off: a probe is a fair reading test
    try:
        images, labels, fams = [], [], []
        for i, (text, fam) in enumerate(probe_lines(per_char, seed=seed)):
            rng = random.Random(seed * 1000 + i)
            x = preprocess.prepare(render.render(text, rng, family=fam))[0]
            images.append((np.round(x * 255).astype(np.uint8) >> 3) << 3)
            labels.append(text)
            fams.append(fam)
    finally:
        for k, v in saved.items():
            setattr(render, k, v)
    out.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(
        out,
        pixels=np.concatenate([x.ravel() for x in images]),
        widths=np.array([x.shape[1] for x in images], np.int32),
        labels=np.array(labels),
        families=np.array(fams),
        height=preprocess.HEIGHT,
        command=np.array(f"python -m training.charset_probe --per-char {per_char} --seed {seed}"),
    )
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--per-char", type=int, default=3)
    ap.add_argument("--seed", type=int, default=SEED)
    ap.add_argument("--out", type=Path, default=PROBE)
    a = ap.parse_args()
    p = build(a.out, a.per_char, a.seed)
    print(p, p.stat().st_size, "bytes")


if __name__ == "__main__":
    main()
