"""Writer-level k-fold cross-validation over the 50 real writers of ``../shared`` (issue 10, item 2).

One held-out set of 10 writers says less than it looks (the bundled pipeline: Kalapa 0.971 on them,
0.944 on 50 writers never seen in development). Every model decision should be judged on the mean over
folds, their spread and the worst writer. The folds: fold 0 is the historic held-out set
(``training.real_data.VAL_WRITERS``), folds 1-4 split the other 40 writers (sorted, shuffled with
``random.Random(FOLD_SEED)``) into groups of 10.

For a decision that does not train on the real lines (the corrector, the preprocessing, the
multi-line splitter) all five folds are honest test folds. For the recognizer they are honest only
when the model did not train on the fold's writers: the bundled models trained on folds 1-4, so for
them only fold 0 is a test fold, and true CV needs one training per fold. ``plan`` prints those five
trainings (``--val-writers`` of ``training.train``; about 5 minutes each on a GPU, hours on 2 CPU
cores); ``report`` reads every real line with a model, keeps the per-writer numbers (cached in
``training/runs/cv/``) and prints per fold and over folds, marking the folds a model trained on.

    .venv/bin/python -m training.cv report [--model PATH] [--trained-on 1,2,3,4]
    .venv/bin/python -m training.cv plan
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import statistics
from collections import defaultdict
from pathlib import Path

from training.common import REAL_DIR, RUNS
from training.real_data import VAL_WRITERS, read_labels

FOLD_SEED = 2023
K = 5
CV_DIR = RUNS / "cv"


def folds(writers: list[str], k: int = K, seed: int = FOLD_SEED) -> list[tuple[str, ...]]:
    """Fold 0 = ``VAL_WRITERS``; the rest of the writers shuffled once and dealt into ``k - 1`` folds."""
    rest = sorted(w for w in set(writers) if w not in VAL_WRITERS)
    random.Random(seed).shuffle(rest)
    size = -(-len(rest) // (k - 1))
    return [tuple(VAL_WRITERS), *(tuple(sorted(rest[i : i + size], key=int)) for i in range(0, len(rest), size))]


def _model_key(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]


def read_all(model: Path, top_k: int = 10) -> list[dict[str, str]]:
    """Every real line read by ``model``: writer, label, raw greedy, corrected (top-k + rescoring)."""
    from vaddr.corrector import correct
    from vaddr.ocr_backends import ctc
    from vaddr.ocr_backends.onnx_crnn import CrnnOnnx

    cache = CV_DIR / f"{_model_key(model)}.json"
    if cache.exists():
        return json.loads(cache.read_text(encoding="utf-8"))
    rec = CrnnOnnx(model_path=model)
    rows = []
    for writer, path, label in read_labels(REAL_DIR):
        r = rec.recognize([path], top_k=top_k)[0]
        assert r.log_probs is not None
        raw = ctc.greedy(r.log_probs, rec.charset).text
        rows.append({"writer": writer, "label": label, "raw": raw, "corrected": correct(r).text})
    CV_DIR.mkdir(parents=True, exist_ok=True)
    cache.write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
    return rows


def per_writer(rows: list[dict[str, str]]) -> dict[str, dict[str, float]]:
    """writer -> raw/corrected Kalapa, exact (corrected) and raw CER."""
    from vaddr.metrics import summarize

    by: dict[str, list[dict[str, str]]] = defaultdict(list)
    for r in rows:
        by[r["writer"]].append(r)
    out = {}
    for w, rs in by.items():
        labels = [r["label"] for r in rs]
        raw, cor = summarize([r["raw"] for r in rs], labels), summarize([r["corrected"] for r in rs], labels)
        out[w] = {
            "raw_kalapa": raw["kalapa"],
            "raw_cer": raw["cer"],
            "kalapa": cor["kalapa"],
            "exact": cor["exact"],
            "lines": len(rs),
        }
    return out


def fold_summary(writers: dict[str, dict[str, float]], fold_list: list[tuple[str, ...]]) -> list[dict[str, float]]:
    """Per fold: line-weighted means of each metric and the fold's worst writer (corrected Kalapa)."""
    out = []
    for f in fold_list:
        ws = [w for w in f if w in writers]
        n = sum(writers[w]["lines"] for w in ws)
        mean = {m: sum(writers[w][m] * writers[w]["lines"] for w in ws) / n for m in ("raw_kalapa", "kalapa", "exact")}
        worst = min(ws, key=lambda w: writers[w]["kalapa"])
        out.append({**mean, "worst_writer": worst, "worst_kalapa": writers[worst]["kalapa"], "lines": n})
    return out


def report(model: Path, trained_on: set[int]) -> dict:
    rows = read_all(model)
    writers = per_writer(rows)
    fl = folds(list(writers))
    fs = fold_summary(writers, fl)
    print(f"model {model} ({_model_key(model)}), {len(rows)} lines, {len(writers)} writers")
    print(f"{'fold':<6}{'raw Kalapa':>11}{'Kalapa':>8}{'exact':>8}  worst writer (Kalapa)  trained on it")
    for i, s in enumerate(fs):
        mark = "yes" if i in trained_on else "no (test fold)"
        print(
            f"{i:<6}{s['raw_kalapa']:>11.4f}{s['kalapa']:>8.4f}{s['exact']:>8.1%}  "
            f"{s['worst_writer']:>5} ({s['worst_kalapa']:.3f})        {mark}"
        )
    test = [s for i, s in enumerate(fs) if i not in trained_on]
    summary = {}
    for name, sel in (("all folds", fs), ("test folds only", test)):
        if not sel:
            continue
        for m in ("kalapa", "exact", "raw_kalapa"):
            vals = [s[m] for s in sel]
            spread = statistics.pstdev(vals) if len(vals) > 1 else 0.0
            summary[f"{name}/{m}"] = (statistics.mean(vals), spread, min(vals), max(vals))
            print(
                f"{name:<16} {m:<10} mean {statistics.mean(vals):.4f}  sd {spread:.4f}  "
                f"min {min(vals):.4f}  max {max(vals):.4f}"
            )
    tw = [w for i, f in enumerate(fl) if i not in trained_on for w in f]
    worst = sorted(tw, key=lambda w: writers[w]["kalapa"])[:5]
    print("worst test writers (corrected Kalapa / exact / raw CER):")
    for w in worst:
        d = writers[w]
        print(f"  {w:>5}  {d['kalapa']:.3f}  {d['exact']:.1%}  {d['raw_cer']:.2%}")
    return {"folds": fs, "writers": writers, "summary": summary}


def plan() -> None:
    """The trainings a true recognizer CV needs: one per fold, that fold held out."""
    fl = folds([w for w, _, _ in read_labels(REAL_DIR)])
    for i, f in enumerate(fl):
        print(
            f"# fold {i}: held out {','.join(f)}\n"
            f"python -m training.train --run cv{i} --init training/checkpoint.pt --val-writers {','.join(f)} "
            "--synth training/cache/synth_ft --synth-val training/cache/synth_val_ft --real training/cache/real.npz "
            "--steps 3000 --lr 5e-4 --pct-start 0.1 --real-start 0.4 --real-end 0.4 --batch 32 --seed 21"
        )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("report", help="per-writer and per-fold numbers of one model")
    from vaddr.ocr_backends.onnx_crnn import default_model_path

    r.add_argument("--model", type=Path, default=default_model_path())
    r.add_argument("--trained-on", default="1,2,3,4", help="folds whose writers the model trained on")
    r.add_argument("--json", type=Path, default=None, help="also write the numbers here")
    sub.add_parser("plan", help="print the per-fold training commands")
    a = ap.parse_args()
    if a.cmd == "plan":
        plan()
        return
    res = report(a.model, {int(x) for x in a.trained_on.split(",") if x})
    if a.json:
        a.json.write_text(json.dumps(res, indent=1, ensure_ascii=False), encoding="utf-8")


if __name__ == "__main__":
    main()
