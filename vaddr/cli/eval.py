"""`vaddr-eval`: measure the pipeline on labelled lines, raw vs greedy+correct vs top-k+rescoring.

Metrics (see `vaddr.metrics`): CER = total edit distance / total label characters; exact = share of lines
read exactly; Kalapa score = mean over lines of 1 if exact else max(0, 1 - 1.5**d / n), d = edit distance,
n = label length (the metric of the Kalapa 2023 handwriting challenge).

Columns:
  raw              the recognizer's best path (greedy CTC), uncorrected
  greedy+correct   `correct()` on that single string
  top-k+rescore    `correct()` on the top-k beam hypotheses with their log-probabilities, plus
                   lexicon-constrained re-decoding of the matched units against the per-frame posteriors
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from vaddr.calibration_report import calibration_summary, format_summary, write_plots
from vaddr.corrector import correct
from vaddr.metrics import summarize
from vaddr.ocr_backends import ImageError, Recognition, get
from vaddr.ocr_backends.ctc import greedy
from vaddr.types import Address, Hypothesis

EPILOG = """examples:
  vaddr-eval ../shared/data/kalapa_real/labels.tsv --writers 125,208,211,222,262,298,61,68,8,98
  vaddr-eval lines.tsv --text            # rows: label<TAB>hypothesis[<TAB>hypothesis...], best first
  vaddr-eval labels.tsv --ablation       # k = 1, 5, 10, 20, with and without lexicon re-decoding
  vaddr-eval labels.tsv --plots out/     # also reliability.png and coverage.png (pip install "vaddr[plots]")

Calibration (of top-k+rescore): ECE (10 bins), the share of lines that can be accepted, most confident first,
at >= 99/98/95 % exact-line precision, and per unit the share accepted at >= 99.5 % unit precision.

LABELS.tsv rows are `image_path<TAB>label`; relative paths are resolved against --images (default: the
folder of LABELS.tsv). Exit status: 0 done, 1 some image could not be read, 2 usage error."""


def build_parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(
        prog="vaddr-eval",
        description="Evaluate recognition + correction on labelled address lines.\n\n"
        + (__doc__ or "").split("\n\n", 1)[1],
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    ap.add_argument("labels", type=Path, help="TSV of image_path<TAB>label (or label<TAB>hyps with --text)")
    ap.add_argument("--images", type=Path, help="folder that relative image paths are resolved against")
    ap.add_argument("--text", action="store_true", help="rows are label<TAB>hypothesis... (no images)")
    ap.add_argument("--writers", help="comma list of writer folders to keep (e.g. the held-out writers)")
    ap.add_argument("--limit", type=int, default=0, help="evaluate only the first N lines")
    ap.add_argument("--backend", default="crnn", help="recognizer name (entry point group vaddr.recognizers)")
    ap.add_argument("--top-k", type=int, default=10, help="hypotheses handed to the corrector (default 10)")
    ap.add_argument("--ablation", action="store_true", help="also report k = 1, 5, 10, 20 with/without lexicon")
    ap.add_argument("--json", action="store_true", help="print the summary as one JSON object")
    ap.add_argument("--errors", type=int, default=0, help="print up to N lines that top-k+rescore gets wrong")
    ap.add_argument(
        "--plots",
        type=Path,
        metavar="DIR",
        help="write reliability.png and coverage.png of the top-k+rescore confidences (needs vaddr[plots])",
    )
    return ap


def _read_rows(path: Path) -> list[list[str]]:
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            rows.append(line.split("\t"))
    return rows


def _from_text(rows: list[list[str]]) -> tuple[list[str], list[Recognition]]:
    labels, recs = [], []
    for row in rows:
        labels.append(row[0])
        hyps = [Hypothesis(text=h, log_prob=-float(i)) for i, h in enumerate(row[1:]) if h]
        recs.append(Recognition(hypotheses=hyps or [Hypothesis(text="", log_prob=0.0)]))
    return labels, recs


def _from_images(args: argparse.Namespace, rows: list[list[str]]) -> tuple[list[str], list[Recognition], list[float]]:
    root = args.images or args.labels.parent
    recognizer = get(args.backend)
    k = 20 if args.ablation else args.top_k
    labels, recs, times = [], [], []
    failed = 0
    for i, row in enumerate(rows):
        path = Path(row[0]) if Path(row[0]).is_absolute() else root / row[0]
        t0 = time.perf_counter()
        try:
            rec = recognizer.recognize([path], top_k=k)[0]
        except ImageError as exc:
            print(f"vaddr-eval: {exc}", file=sys.stderr)
            failed += 1
            continue
        times.append(time.perf_counter() - t0)
        labels.append(row[1])
        recs.append(rec)
        if sys.stderr.isatty() or (i + 1) % 50 == 0:
            print(f"\rrecognised {i + 1}/{len(rows)}", end="", file=sys.stderr)
    print(file=sys.stderr)
    if failed:
        args.failed = failed
    return labels, recs, times


def _greedy_text(rec: Recognition) -> str:
    if rec.log_probs is not None and rec.charset:
        return greedy(rec.log_probs, rec.charset).text
    return rec.best.text


def _timed(fn: Callable[[Any], Any], items: Sequence[Any]) -> tuple[list[Any], float]:
    out, times = [], []
    for item in items:
        t0 = time.perf_counter()
        out.append(fn(item))
        times.append(time.perf_counter() - t0)
    return out, statistics.median(times) * 1000 if times else 0.0


def _fmt(name: str, s: dict[str, float], ms: float | None) -> str:
    lat = f"{ms:8.2f} ms" if ms is not None else " " * 11
    return f"{name:<26} {s['cer']:7.2%} {s['exact']:8.1%} {s['kalapa']:8.4f} {lat}"


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    args.failed = 0
    if not args.labels.exists():
        print(f"vaddr-eval: {args.labels}: no such file", file=sys.stderr)
        return 2
    rows = _read_rows(args.labels)
    if args.writers:
        keep = set(args.writers.split(","))
        rows = [r for r in rows if Path(r[0]).parent.name in keep]
    if args.limit:
        rows = rows[: args.limit]
    if not rows:
        print("vaddr-eval: no lines to evaluate", file=sys.stderr)
        return 2
    rec_times: list[float] = []
    if args.text:
        labels, recs = _from_text(rows)
    else:
        labels, recs, rec_times = _from_images(args, rows)
    k = args.top_k

    def topk_address(rec: Recognition, k: int = k, lexicon: bool = True) -> Address:
        sub = Recognition(hypotheses=rec.hypotheses[:k], log_probs=rec.log_probs, charset=rec.charset)
        return correct(sub, lexicon=lexicon)

    def topk(rec: Recognition, k: int = k, lexicon: bool = True) -> str:
        return topk_address(rec, k, lexicon).text

    raw = [_greedy_text(r) for r in recs]
    fixed, fixed_ms = _timed(lambda t: correct(t).text, raw)
    addresses, rescored_ms = _timed(topk_address, recs)
    rescored = [a.text for a in addresses]
    summary = {
        "lines": len(labels),
        "raw": summarize(raw, labels),
        "greedy+correct": summarize(fixed, labels),
        "top-k+rescore": summarize(rescored, labels),
        "top_k": k,
        "latency_ms_p50": {
            "recognizer": statistics.median(rec_times) * 1000 if rec_times else None,
            "greedy+correct": fixed_ms,
            "top-k+rescore": rescored_ms,
        },
    }
    summary["calibration"] = calibration_summary(addresses, labels)
    if args.ablation:
        summary["ablation"] = {}
        for kk in (1, 5, 10, 20):
            for lex in (False, True):
                preds, ms = _timed(lambda r, kk=kk, lex=lex: topk(r, kk, lex), recs)
                summary["ablation"][f"k={kk} lexicon={'on' if lex else 'off'}"] = {**summarize(preds, labels), "ms": ms}
    if args.json:
        print(json.dumps(summary, ensure_ascii=False))
    else:
        print(
            f"{len(labels)} lines"
            + (f", recognizer p50 {summary['latency_ms_p50']['recognizer']:.1f} ms/line" if rec_times else "")
        )
        print(f"{'':<26} {'CER':>7} {'exact':>8} {'Kalapa':>8} {'correct p50':>11}")
        print(_fmt("raw (greedy)", summary["raw"], None))
        print(_fmt("greedy+correct", summary["greedy+correct"], fixed_ms))
        print(_fmt(f"top-{k}+rescore", summary["top-k+rescore"], rescored_ms))
        for name, s in summary.get("ablation", {}).items():
            print(_fmt(name, s, s["ms"]))
        errs_g = sum(p != y for p, y in zip(fixed, labels, strict=True))
        errs_r = sum(p != y for p, y in zip(rescored, labels, strict=True))
        if errs_g:
            print(
                f"rescoring removes {(errs_g - errs_r) / errs_g:.1%} of the line errors of greedy+correct "
                f"({errs_g} -> {errs_r})"
            )
        print(format_summary(summary["calibration"]))
    if args.plots:
        try:
            for path in write_plots(addresses, labels, args.plots):
                print(f"vaddr-eval: wrote {path}", file=sys.stderr)
        except RuntimeError as e:
            print(f"vaddr-eval: {e}", file=sys.stderr)
            return 2
    shown = 0
    for y, r, p in zip(labels, raw, rescored, strict=True):
        if shown >= args.errors:
            break
        if p != y:
            print(f"label {y!r}\n  raw {r!r}\n  out {p!r}")
            shown += 1
    return 1 if args.failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
