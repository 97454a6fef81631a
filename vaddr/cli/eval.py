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
import functools
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from vaddr.calibration_report import calibration_summary, format_summary, write_plots
from vaddr.cli import _common as common
from vaddr.corrector import correct
from vaddr.metrics import summarize
from vaddr.ocr_backends import ImageError, Recognition
from vaddr.ocr_backends.ctc import greedy
from vaddr.types import Address, Hypothesis

PROG = "vaddr-eval"

EPILOG = """examples:
  vaddr-eval ../shared/data/kalapa_real/labels.tsv --writers 125,208,211,222,262,298,61,68,8,98
  vaddr-eval lines.tsv --text            # rows: label<TAB>hypothesis[<TAB>hypothesis...], best first
  vaddr-eval labels.tsv --ablation       # k = 1, 5, 10, 20, with and without lexicon re-decoding
  vaddr-eval labels.tsv --plots out/     # also reliability.png and coverage.png (pip install "vaddr[plots]")

Calibration (of top-k+rescore): ECE (10 bins), the share of lines that can be accepted, most confident first,
at >= 99/98/95 % exact-line precision, and per unit the share accepted at >= 99.5 % unit precision.

LABELS.tsv rows are `image_path<TAB>label` (UTF-8); relative paths are resolved against --images (default:
the folder of LABELS.tsv). A malformed TSV (a row without a label, invalid UTF-8) is a usage error naming
the file and line. An image that cannot be read is reported and left out of the metrics (exit 1).

output: text (a table), json (one object), csv (one row per column of the table)."""

CSV_FIELDS = ["name", "cer", "exact", "kalapa", "ms"]


def build_parser(prog: str = PROG) -> argparse.ArgumentParser:
    from vaddr.cli.ocr import add_reading_options

    ap = common.make_parser(
        prog,
        "Evaluate recognition + correction on labelled address lines.\n\n" + (__doc__ or "").split("\n\n", 1)[1],
        EPILOG,
    )
    ap.add_argument("labels", type=Path, help="TSV of image_path<TAB>label (or label<TAB>hyps with --text)")
    ap.add_argument("--images", type=Path, help="folder that relative image paths are resolved against")
    ap.add_argument("--text", action="store_true", help="rows are label<TAB>hypothesis... (no images)")
    ap.add_argument("--writers", help="comma list of writer folders to keep (e.g. the held-out writers)")
    ap.add_argument("--limit", type=int, default=0, help="evaluate only the first N lines")
    add_reading_options(ap)
    ap.add_argument("--ablation", action="store_true", help="also report k = 1, 5, 10, 20 with/without lexicon")
    ap.add_argument("--errors", type=int, default=0, help="print up to N lines that top-k+rescore gets wrong")
    ap.add_argument(
        "--plots",
        type=Path,
        metavar="DIR",
        help="write reliability.png and coverage.png of the top-k+rescore confidences (needs vaddr[plots])",
    )
    ap.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None, help="progress on stderr")
    common.add_common_options(ap)
    return ap


def _read_rows(path: Path, text_mode: bool) -> list[list[str]]:
    """The TSV's rows, or a `UsageError` naming the file and line of the first problem."""
    try:
        data = path.read_bytes()
    except IsADirectoryError:
        raise common.UsageError(f"{path}: is a folder, not a TSV file") from None
    except OSError as e:
        raise common.UsageError(f"{path}: {e.strerror or e}") from None
    rows = []
    for n, raw in enumerate(data.splitlines(), 1):
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError as e:
            raise common.UsageError(f"{path}:{n}: not valid UTF-8 (byte {e.start + 1})") from None
        if not line.strip():
            continue
        row = line.split("\t")
        if len(row) < 2 and not text_mode:
            raise common.UsageError(f"{path}:{n}: expected image_path<TAB>label, got {row[0][:60]!r}")
        if "\x00" in line:
            raise common.UsageError(f"{path}:{n}: NUL byte in a TSV row")
        rows.append(row)
    return rows


def _from_text(rows: list[list[str]]) -> tuple[list[str], list[Recognition]]:
    labels, recs = [], []
    for row in rows:
        labels.append(row[0])
        hyps = [Hypothesis(text=h, log_prob=-float(i)) for i, h in enumerate(row[1:]) if h]
        recs.append(Recognition(hypotheses=hyps or [Hypothesis(text="", log_prob=0.0)]))
    return labels, recs


def _from_images(
    args: argparse.Namespace, rows: list[list[str]], status: common.Status
) -> tuple[list[str], list[Recognition], list[float]]:
    """Recognise each labelled image once with a `vaddr.reader.Reader` (the object `vaddr-ocr` uses)."""
    from vaddr.cli.ocr import make_reader

    root = args.images or args.labels.parent
    # the ablation needs 20 hypotheses whatever --top-k says (the table column still uses --top-k)
    reader = make_reader(argparse.Namespace(**{**vars(args), "top_k": max(args.top_k, 20 if args.ablation else 1)}))
    labels, recs, times = [], [], []
    progress = common.Progress(args.prog, len(rows), None if args.quiet else sys.stderr, args.progress)
    for i, row in enumerate(rows):
        path = Path(row[0]) if Path(row[0]).is_absolute() else root / row[0]
        t0 = time.perf_counter()
        try:
            rec = reader.recognize([path])[0]
        except ImageError as exc:
            progress.clear_line()
            common.error(args.prog, common.escape_field(str(exc)))
            status.failed += 1
            continue
        except Exception as exc:  # a plugin that breaks its contract: one line naming it, the run goes on
            progress.clear_line()
            common.error(args.prog, common.escape_field(f"{path}: recognizer failed: {exc}"))
            status.failed += 1
            continue
        times.append(time.perf_counter() - t0)
        labels.append(row[1])
        recs.append(rec)
        progress.update(i + 1, status.failed)
    return labels, recs, times


def _greedy_text(rec: Recognition) -> str:
    if rec.log_probs is not None and rec.charset:
        return greedy(rec.log_probs, rec.charset).text
    return rec.best.text


def _timed(fn: Callable[[Any], Any], items: Sequence[Any]) -> tuple[list[Any], float]:
    out: list[Any] = []
    times: list[float] = []
    for item in items:
        t0 = time.perf_counter()
        out.append(fn(item))
        times.append(time.perf_counter() - t0)
    return out, statistics.median(times) * 1000 if times else 0.0


def _fmt(name: str, s: dict[str, float], ms: float | None) -> str:
    lat = f"{ms:8.2f} ms" if ms is not None else " " * 11
    return f"{name:<26} {s['cer']:7.2%} {s['exact']:8.1%} {s['kalapa']:8.4f} {lat}"


def main(argv: Sequence[str] | None = None, prog: str = PROG) -> int:
    args = build_parser(prog).parse_args(argv)
    args.prog = prog
    return common.run(prog, lambda status: _evaluate(args, status))


def _evaluate(args: argparse.Namespace, status: common.Status) -> int:
    common.setup_logging(args.prog, args.verbose, args.quiet)
    from vaddr.reader import MAX_TOP_K

    if not 1 <= args.top_k <= MAX_TOP_K:
        raise common.UsageError(f"invalid value for --top-k: {args.top_k}: expected an integer from 1 to {MAX_TOP_K}")
    if args.limit < 0 or args.errors < 0:
        raise common.UsageError("--limit and --errors must be 0 or more")
    if not args.labels.exists():
        raise common.UsageError(f"{args.labels}: no such file")
    rows = _read_rows(args.labels, args.text)
    if args.writers:
        keep = set(args.writers.split(","))
        rows = [r for r in rows if Path(r[0]).parent.name in keep]
    if args.limit:
        rows = rows[: args.limit]
    if not rows:
        raise common.UsageError(f"{args.labels}: no lines to evaluate")
    out = common.Output(args.output, args.format, CSV_FIELDS)
    rec_times: list[float] = []
    if args.text:
        labels, recs = _from_text(rows)
    else:
        labels, recs, rec_times = _from_images(args, rows, status)
        if not labels:
            common.error(args.prog, "no image could be read")
            return common.EXIT_FAILED
    k = args.top_k

    def topk_address(rec: Recognition, k: int = k, lexicon: bool = True) -> Address:
        sub = Recognition(hypotheses=rec.hypotheses[:k], log_probs=rec.log_probs, charset=rec.charset)
        return correct(sub, lexicon=lexicon)

    def topk(rec: Recognition, k: int = k, lexicon: bool = True) -> str:
        return topk_address(rec, k, lexicon).text

    raw = [_greedy_text(r) for r in recs]

    def corrected(text: str) -> str:
        return correct(text).text

    fixed, fixed_ms = _timed(corrected, raw)
    addresses, rescored_ms = _timed(topk_address, recs)
    rescored = [a.text for a in addresses]
    summary: dict[str, Any] = {
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
                preds, ms = _timed(functools.partial(topk, k=kk, lexicon=lex), recs)
                summary["ablation"][f"k={kk} lexicon={'on' if lex else 'off'}"] = {**summarize(preds, labels), "ms": ms}
    if out.format == "json":
        out.json(summary)
    elif out.format == "csv":
        out.row({"name": "raw (greedy)", **summary["raw"], "ms": ""})
        out.row({"name": "greedy+correct", **summary["greedy+correct"], "ms": fixed_ms})
        out.row({"name": f"top-{k}+rescore", **summary["top-k+rescore"], "ms": rescored_ms})
        for name, s in summary.get("ablation", {}).items():
            out.row({"name": name, **s})
    else:
        out.text(
            f"{len(labels)} lines"
            + (f", recognizer p50 {summary['latency_ms_p50']['recognizer']:.1f} ms/line" if rec_times else "")
        )
        out.text(f"{'':<26} {'CER':>7} {'exact':>8} {'Kalapa':>8} {'correct p50':>11}")
        out.text(_fmt("raw (greedy)", summary["raw"], None))
        out.text(_fmt("greedy+correct", summary["greedy+correct"], fixed_ms))
        out.text(_fmt(f"top-{k}+rescore", summary["top-k+rescore"], rescored_ms))
        for name, s in summary.get("ablation", {}).items():
            out.text(_fmt(name, s, s["ms"]))
        errs_g = sum(p != y for p, y in zip(fixed, labels, strict=True))
        errs_r = sum(p != y for p, y in zip(rescored, labels, strict=True))
        if errs_g:
            out.text(
                f"rescoring removes {(errs_g - errs_r) / errs_g:.1%} of the line errors of greedy+correct "
                f"({errs_g} -> {errs_r})"
            )
        out.text(format_summary(summary["calibration"]))
        shown = 0
        for y, r, p in zip(labels, raw, rescored, strict=True):
            if shown >= args.errors:
                break
            if p != y:
                out.text(common.escape_field(f"label {y!r}") + "\n  " + common.escape_field(f"raw {r!r}"))
                out.text("  " + common.escape_field(f"out {p!r}"))
                shown += 1
    if args.plots:
        try:
            for path in write_plots(addresses, labels, args.plots):
                common.error(args.prog, f"wrote {path}")
        except RuntimeError as e:
            raise common.UsageError(str(e)) from None
    out.close()
    return status.code


if __name__ == "__main__":
    raise SystemExit(main())
