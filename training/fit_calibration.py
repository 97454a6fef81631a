"""Fit the confidence models of `vaddr.corrector.calibration` and measure them by writer-level cross-validation.

Data: ONLY real lines the recognizer never trained on, i.e. the 10 held-out writers of
`training.real_data.VAL_WRITERS` (270 lines of ../shared/data/kalapa_real). The other 40 writers trained the
bundled recognizer: its posteriors on them are overconfident, so a model fitted there would be too. Each line is
read by the recognizer (top-k + posteriors) and corrected; the features `correct()` computed are recorded
(`calibration.recording()`), and the targets are: line exact, each unit's code equal to the code found when
correcting the label itself, remainder exact, each character equal to the label's aligned character. The text
model (plain-text input) is fitted on the same lines' best-path readings given to `correct()` as text.

Cross-validation by writer, repeated over five splits so that no number rests on one assignment of writers to
folds (5 folds of the sorted writers, leave one writer out, 5 folds of three seeded shuffles); every reported
number is out-of-fold, i.e. measured on writers the model being evaluated was not fitted on, and the mean over
the splits is printed last. `--write` then fits on all 10 writers and writes
vaddr/corrector/data/calibration.json with the CV numbers as provenance.

    .venv/bin/python -m training.fit_calibration            # CV report only
    .venv/bin/python -m training.fit_calibration --write    # CV report, then fit on all and write the models

For a plugin recognizer: `--backend NAME` reads the lines with it (docs/calibration.md); its lines must also be
ones it never trained on (`--writers`).
"""

from __future__ import annotations

import argparse
import json
import pickle
import random
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
from rapidfuzz.distance import Levenshtein

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from vaddr.calibration_metrics import coverage_at_precision, expected_calibration_error  # noqa: E402
from vaddr.corrector import calibration, correct  # noqa: E402
from vaddr.ocr_backends import Recognition  # noqa: E402

REAL_DIR = ROOT.parent / "shared" / "data" / "kalapa_real"
CACHE = ROOT / "training" / "cache"
OUT = ROOT / "vaddr" / "corrector" / "data" / "calibration.json"
FOLDS = 5
L2 = 0.05
LEVELS = calibration.LEVELS


def held_out_writers() -> tuple[str, ...]:
    from benchmarks.ocr import held_out_writers as writers

    return writers()


def recognitions(backend: str, writers: tuple[str, ...], top_k: int) -> list[dict[str, Any]]:
    """Every line of `writers` read by the recognizer (cached in training/cache: the posteriors are big)."""
    cache = CACHE / f"calibration_{backend}_k{top_k}_{'-'.join(sorted(writers))}.pkl"
    if cache.exists():
        return pickle.loads(cache.read_bytes())
    from vaddr.ocr_backends import get

    rec = get(backend)
    rows = []
    for line in (REAL_DIR / "labels.tsv").read_text(encoding="utf-8").splitlines():
        if "\t" not in line:
            continue
        rel, label = line.split("\t", 1)
        writer = Path(rel).parent.name
        if writer in writers:
            rows.append((writer, rel, label))
    out = []
    for i, (writer, rel, label) in enumerate(rows):
        r = rec.recognize([REAL_DIR / rel], top_k=top_k)[0]
        out.append(
            {"writer": writer, "file": rel, "label": label, "hyps": r.hypotheses, "lp": r.log_probs, "cs": r.charset}
        )
        if (i + 1) % 50 == 0:
            print(f"recognised {i + 1}/{len(rows)}", file=sys.stderr)
    CACHE.mkdir(parents=True, exist_ok=True)
    cache.write_bytes(pickle.dumps(out))
    return out


def _targets(address: Any, label: str) -> dict[str, Any]:
    gold = correct(label)
    units = {}
    for lv in LEVELS:
        u, g = getattr(address, lv), getattr(gold, lv)
        if u is not None:
            units[lv] = g is not None and g.code == u.code
    chars = [False] * len(address.text)
    for op in Levenshtein.opcodes(address.text, label):
        if op.tag == "equal":
            chars[op.src_start : op.src_end] = [True] * (op.src_end - op.src_start)
    gold_units = {lv: getattr(gold, lv) is not None for lv in LEVELS}
    return {
        "exact": address.text == label,
        "units": units,
        "gold_units": gold_units,
        "remainder": address.remainder == gold.remainder,
        "chars": chars,
    }


def examples(lines: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Features and targets of every line, read from the image (mode image) and as plain text (mode text).

    Plain text comes three ways, as users type or paste it: the best-path reading as it is, that reading
    stripped of marks and lowercased, and the label stripped of marks and lowercased (typed without accents).
    """
    from vaddr.ocr_backends.ctc import greedy
    from vaddr.rules.text import fold

    out = []
    for r in lines:
        rec = Recognition(hypotheses=r["hyps"], log_probs=r["lp"], charset=r["cs"])
        raw = greedy(r["lp"], r["cs"]).text
        variants = (("image", rec), ("text", raw), ("text-folded", fold(raw)), ("typed-folded", fold(r["label"])))
        for mode, data in variants:
            with calibration.recording() as rec_feats:
                t0 = time.perf_counter()
                a = correct(data)
                ms = (time.perf_counter() - t0) * 1000
            out.append(
                {"writer": r["writer"], "mode": mode, "f": rec_feats[-1], "t": _targets(a, r["label"]), "ms": ms}
            )
    return out


# ---- logistic regression with non-negative signal weights (numpy only) ----


def fit_logistic(x: np.ndarray, y: np.ndarray, names: tuple[str, ...]) -> calibration.Model:
    """L2-regularised logistic regression by Newton's method; weights of signal features (all but
    `calibration.FREE`) are kept >= 0 by dropping the most negative one and refitting (active set)."""
    active = list(range(x.shape[1]))
    while True:
        w, b = _newton(x[:, active], y)
        bad = [(w[j], j) for j, col in enumerate(active) if names[col] not in calibration.FREE and w[j] < 0]
        if not bad:
            break
        active.pop(min(bad)[1])
    full = np.zeros(x.shape[1])
    full[active] = w
    return calibration.Model(names, full, float(b))


def _newton(x: np.ndarray, y: np.ndarray, iters: int = 50) -> tuple[np.ndarray, float]:
    n, d = x.shape
    xb = np.hstack([x, np.ones((n, 1))])
    theta = np.zeros(d + 1)
    reg = np.full(d + 1, L2)
    reg[-1] = 0.0
    for _ in range(iters):
        p = 1.0 / (1.0 + np.exp(-np.clip(xb @ theta, -30, 30)))
        grad = xb.T @ (p - y) + reg * theta
        hess = (xb * (p * (1 - p))[:, None]).T @ xb + np.diag(reg) + 1e-9 * np.eye(d + 1)
        step = np.linalg.solve(hess, grad)
        theta -= step
        if np.abs(step).max() < 1e-8:
            break
    return theta[:-1], float(theta[-1])


def _rows(ex: list[dict[str, Any]], model: str) -> tuple[np.ndarray, np.ndarray]:
    names = {
        "line": calibration.LINE_FEATURES,
        "text": calibration.TEXT_FEATURES,
        "unit": calibration.UNIT_FEATURES,
        "remainder": calibration.REMAINDER_FEATURES,
        "char": calibration.CHAR_FEATURES,
    }[model]
    xs, ys = [], []
    for e in ex:
        f, t = e["f"], e["t"]
        if model in ("line", "text"):
            if (model == "line") == (e["mode"] == "image"):
                xs.append([f["line"][k] for k in names])
                ys.append(t["exact"])
        elif model == "unit":
            for lv, feats in f["units"].items():
                xs.append([feats[k] for k in names])
                ys.append(t["units"][lv])
        elif model == "remainder":
            if not f["remainder"]["empty"]:
                xs.append([f["remainder"][k] for k in names])
                ys.append(t["remainder"])
        else:
            in_unit = set()
            for a, b in f["spans"].values():
                in_unit.update(range(a, b))
            blanks = set(f["blanks"])
            columns = [calibration.CHAR_FEATURES.index(k) for k in names]
            for i, c in enumerate(f["chars"]):  # one row per character, columns in CHAR_FEATURES order
                if i not in in_unit and i not in blanks:
                    xs.append([float(c[j]) for j in columns])
                    ys.append(t["chars"][i])
    return np.asarray(xs, dtype=float).reshape(-1, len(names)), np.asarray(ys, dtype=float)


def fit_all(ex: list[dict[str, Any]]) -> dict[str, calibration.Model]:
    out = {}
    for name, feats in (
        ("line", calibration.LINE_FEATURES),
        ("text", calibration.TEXT_FEATURES),
        ("unit", calibration.UNIT_FEATURES),
        ("remainder", calibration.REMAINDER_FEATURES),
        ("char", calibration.CHAR_FEATURES),
    ):
        x, y = _rows(ex, name)
        out[name] = fit_logistic(x, y, feats)
    return out


def report(ex: list[dict[str, Any]], preds: list[dict[str, Any]], mode: str) -> dict[str, Any]:
    """Calibration numbers of the out-of-fold predictions of one mode."""
    pairs = [(e, p) for e, p in zip(ex, preds, strict=True) if e["mode"] == mode]
    conf = [p["confidence"] for _, p in pairs]
    exact = [e["t"]["exact"] for e, _ in pairs]
    out: dict[str, Any] = {
        "lines": len(pairs),
        "exact": float(np.mean(exact)),
        "mean_confidence": float(np.mean(conf)),
        "ece": expected_calibration_error(conf, exact),
    }
    for target in (0.99, 0.98, 0.95):
        out[f"coverage@{target:.0%}"] = coverage_at_precision(conf, exact, target)
    char_conf: list[float] = []
    char_ok: list[bool] = []
    for e, p in pairs:
        blanks = set(e["f"]["blanks"])
        for i, (c, ok) in enumerate(zip(p["chars"], e["t"]["chars"], strict=True)):
            if i not in blanks:
                char_conf.append(c)
                char_ok.append(ok)
    out["char_ece"] = expected_calibration_error(char_conf, char_ok)
    out["char_right"] = float(np.mean(char_ok)) if char_ok else None
    out["char_mean_confidence"] = float(np.mean(char_conf)) if char_conf else None
    for lv in LEVELS:
        cs, ok = [], []
        total = 0
        for e, p in pairs:
            if not e["t"]["gold_units"][lv]:
                continue
            total += 1
            if lv in p["units"]:
                cs.append(p["units"][lv])
                ok.append(e["t"]["units"][lv])
        out[f"{lv}_coverage@99.5%"] = coverage_at_precision(cs, ok, 0.995, total=total) if total else None
        out[f"{lv}_lines"] = total
        out[f"{lv}_ece"] = expected_calibration_error(cs, ok) if cs else None
        out[f"{lv}_found_right"] = sum(ok) / total if total else None
    return out


MODES = ("image", "text", "text-folded", "typed-folded")


def splits(writers: tuple[str, ...]) -> list[tuple[str, list[set[str]]]]:
    """Writer-level splits, several so that no number rests on one assignment of writers to folds:
    5 folds of the sorted writers (fold i = writers[i::5]), leave one writer out, and 5 folds of 3 seeded
    shuffles."""
    out = [
        ("5 folds, sorted writers", [set(writers[k::FOLDS]) for k in range(FOLDS)]),
        ("leave one writer out", [{w} for w in writers]),
    ]
    for seed in (100, 101, 102):
        ws = list(writers)
        random.Random(seed).shuffle(ws)
        out.append((f"5 folds, writers shuffled (seed {seed})", [set(ws[k::FOLDS]) for k in range(FOLDS)]))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--backend", default="crnn")
    ap.add_argument("--writers", help="comma list of writers the recognizer never trained on (default VAL_WRITERS)")
    ap.add_argument("--top-k", type=int, default=10)
    ap.add_argument("--write", action="store_true", help="fit on all the writers and write the package data file")
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args(argv)
    if not (REAL_DIR / "labels.tsv").exists():
        print(f"fit_calibration: {REAL_DIR} not found", file=sys.stderr)
        return 2
    writers = tuple(sorted(args.writers.split(","))) if args.writers else tuple(sorted(held_out_writers()))
    lines = recognitions(args.backend, writers, args.top_k)
    ex = examples(lines)
    summary: dict[str, Any] = {}
    for name, folds in splits(writers):
        preds: list[dict[str, Any] | None] = [None] * len(ex)
        for test in folds:
            models = fit_all([e for e in ex if e["writer"] not in test])
            for i, e in enumerate(ex):
                if e["writer"] in test:
                    preds[i] = calibration.predict(e["f"], models)
        summary[name] = {mode: report(ex, preds, mode) for mode in MODES}  # type: ignore[arg-type]
    keys = (
        "ece",
        "coverage@99%",
        "coverage@98%",
        "coverage@95%",
        "province_coverage@99.5%",
        "ward_coverage@99.5%",
        "char_ece",
    )
    summary["mean over splits"] = {
        mode: {k: float(np.mean([summary[n][mode][k] for n, _ in splits(writers)])) for k in keys} for mode in MODES
    }
    print(json.dumps(summary, indent=1))
    for name in summary:
        r = summary[name]["image"]
        print(f"{name:<34} " + "  ".join(f"{k} {r[k]:.3f}" for k in keys), file=sys.stderr)
    if args.write:
        models = fit_all(ex)
        doc = {
            "note": "Logistic regressions p = sigmoid(bias + weights . features); see vaddr/corrector/calibration.py.",
            "command": "python -m training.fit_calibration --write"
            + (f" --backend {args.backend}" if args.backend != "crnn" else ""),
            "fitted_on": f"{len(lines)} real lines of writers {','.join(writers)} (never used to train the recognizer)",
            "cross_validation": "writer-level splits (see training/fit_calibration.py splits()), out-of-fold numbers",
            "cv": summary,
            "models": {name: m.to_json() for name, m in models.items()},
        }
        args.out.write_text(json.dumps(doc, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
