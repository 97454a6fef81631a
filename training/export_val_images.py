"""Write held-out synthetic line *photos* with a labels.tsv, so `vaddr-eval` can run the whole pipeline on them.

Same generator as the training data (`render.render` on `text_sampler.sample_line`), but seeds from a range
the training and validation caches never use (default 300,000,000+), so these lines are unseen.

    python -m training.export_val_images [--count 500] [--out training/cache/synth_eval]
    vaddr-eval training/cache/synth_eval/labels.tsv
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

from PIL import Image

from training.common import CACHE
from training.render import render
from training.text_sampler import sample_line

SEED_BASE = 300_000_000


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--count", type=int, default=500)
    ap.add_argument("--out", type=Path, default=CACHE / "synth_eval")
    args = ap.parse_args(argv)
    (args.out / "images").mkdir(parents=True, exist_ok=True)
    rows = []
    for i in range(args.count):
        rng = random.Random(SEED_BASE + i)
        text = sample_line(rng)
        photo = render(text, rng)
        name = f"images/{i}.png"
        Image.fromarray(photo).save(args.out / name)
        rows.append(f"{name}\t{text}")
    (args.out / "labels.tsv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    print(f"wrote {args.count} lines to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
