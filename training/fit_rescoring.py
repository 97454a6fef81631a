"""Fit the weights of the corrector's joint score on held-out synthetic lines.

The corrector picks, among the recognizer's top-k readings and their parses, the one maximising
``structure * structure_score + log_prob * recognizer_log_prob - unknown_word * words_not_in_the_lexicon``.
Structure is fixed at 1; the two other weights are chosen by grid search to maximise the Kalapa score on the
second shard of the synthetic validation cache (lines that training never learns from; the real held-out
writers stay untouched for reporting).

    python -m training.fit_rescoring [--top-k 10] [--write]

`--write` stores the winner and its provenance in vaddr/corrector/data/weights.json, which
`vaddr.corrector.params` reads for its defaults. Each grid point is a `Params` passed to `correct()`: no module
state is changed.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from pathlib import Path

import numpy as np

from training import shards
from vaddr.corrector import correct
from vaddr.corrector.params import DEFAULT, WEIGHTS_FILE, Weights
from vaddr.metrics import summarize
from vaddr.ocr_backends import Recognition
from vaddr.ocr_backends.ctc import beam_search
from vaddr.ocr_backends.onnx_crnn import CrnnOnnx

ROOT = Path(__file__).resolve().parents[1]
SHARD = ROOT / "training" / "cache" / "synth_val" / "shard_200001000.npz"
LOG_PROB_GRID = (0.25, 0.5, 1.0, 2.0, 4.0)
UNKNOWN_GRID = (0.0, 0.5, 1.0, 2.0, 4.0)
WEIGHTS_PATH = ROOT / "vaddr" / "corrector" / WEIGHTS_FILE


def recognitions(images: list[np.ndarray], top_k: int) -> list[Recognition]:
    model = CrnnOnnx(threads=2)
    prepared = [(im.astype(np.float32) / 255.0)[None] for im in images]
    out = []
    for lp in model.posteriors_prepared(prepared):
        hyps = beam_search(lp, model.charset, beam_width=max(10, top_k), top_k=top_k)
        out.append(Recognition(hypotheses=hyps, log_probs=lp, charset=model.charset))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--top-k", type=int, default=10)
    ap.add_argument("--limit", type=int, default=1000)
    ap.add_argument("--write", action="store_true")
    args = ap.parse_args(argv)
    if not SHARD.exists():
        print(f"missing {SHARD}: render the synthetic validation set first (see docs/model.md)", file=sys.stderr)
        return 1
    images, labels = shards.read(SHARD, args.limit)
    recs = recognitions(images, args.top_k)
    results = {}
    for lp in LOG_PROB_GRID:
        for unk in UNKNOWN_GRID:
            params = dataclasses.replace(DEFAULT, weights=Weights(structure=1.0, log_prob=lp, unknown_word=unk))
            preds = [correct(r, params=params).text for r in recs]
            results[(lp, unk)] = summarize(preds, labels)
            r = results[(lp, unk)]
            print(
                f"log_prob {lp:4.2f} unknown_word {unk:4.2f}: kalapa {r['kalapa']:.4f}  exact {r['exact']:.1%}"
                f"  cer {r['cer']:.2%}",
                flush=True,
            )
    best = max(results, key=lambda k: (results[k]["kalapa"], -abs(k[0] - 1.0), -k[1]))
    print(f"best: log_prob {best[0]}, unknown_word {best[1]} (structure 1.0) on {len(labels)} lines, top-{args.top_k}")
    if args.write:
        record = {
            "weights": {"structure": 1.0, "log_prob": best[0], "unknown_word": best[1]},
            "command": f"python -m training.fit_rescoring --write --top-k {args.top_k} --limit {args.limit}",
            "data": f"{SHARD.relative_to(ROOT)}: {len(labels)} held-out synthetic lines (second shard of the"
            f" synthetic validation cache), top-{args.top_k} beam-search hypotheses of the bundled CRNN",
            "objective": "Kalapa score of correct(); structure fixed at 1; grid log_prob in "
            f"{LOG_PROB_GRID} x unknown_word in {UNKNOWN_GRID}; ties to log_prob nearest 1, then the smaller "
            "unknown_word",
            "kalapa": round(results[best]["kalapa"], 4),
        }
        WEIGHTS_PATH.write_text(json.dumps(record, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"wrote {WEIGHTS_PATH}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
