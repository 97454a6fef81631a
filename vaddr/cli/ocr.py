"""`vaddr-ocr`: read photos of handwritten Vietnamese address lines.

Batch-friendly by design: every input gets exactly one output line, in input order (a failed image gets an
error line, never a gap), the run continues past bad files and the exit status says whether any failed.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Sequence
from typing import IO, Any

from vaddr import review
from vaddr.pipeline import OcrResult, expand_inputs, iter_read
from vaddr.report import write_report

EPILOG = """\
output:
  default: the corrected line per image (prefixed by "FILE<TAB>" when several images are read).
  --json:  one JSON object per image (JSON lines), in input order:
           {"file", "text", "raw", "hypotheses": [{"text", "log_prob"}...] best first,
            "province", "district", "ward": {name, type, code, text, score} or null,
            "remainder", "confidence", "scheme", "remainder_confidence", "char_confidence",
            "needs_review" (with --accept-above)}; unit objects also carry "confidence"
           and {"file", "error"} for an image that could not be read;
           "status": "no_text" and "note" (why) for an image with no line of writing (no address).

exit status: 0 all images read, 1 some image failed (the others are still printed), 2 usage error.

examples:
  vaddr-ocr line.jpg
  vaddr-ocr scans/ --json > out.jsonl
  vaddr-ocr a.jpg b.jpg --raw --top-k 5 --json
  vaddr-ocr scans/ --json --accept-above 0.95 --report review.html
"""


def build_parser() -> argparse.ArgumentParser:
    from vaddr.ocr_backends import available

    p = argparse.ArgumentParser(
        prog="vaddr-ocr",
        description="Read photos of handwritten Vietnamese address lines (one line per image) and print the "
        "address, spelled right and split into province / district / ward.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("inputs", nargs="+", metavar="IMAGE|DIR", help="line images, or directories of them")
    p.add_argument("--json", action="store_true", help="print one JSON object per image (JSON lines)")
    p.add_argument("--top-k", type=int, default=10, metavar="K", help="recognizer hypotheses to keep (default 10)")
    p.add_argument(
        "--backend",
        default="crnn",
        metavar="NAME",
        help=f"recognizer to use (installed: {', '.join(available())}; default crnn)",
    )
    p.add_argument("--raw", action="store_true", help="skip the corrector: print what the recognizer read")
    p.add_argument(
        "--scheme",
        choices=("legacy", "2025"),
        default="legacy",
        help="legacy: 3 levels (province/district/ward, before 2025-07-01); 2025: 2 levels (province/ward)",
    )
    p.add_argument("--threads", type=int, default=1, metavar="N", help="inference threads (default 1)")
    p.add_argument(
        "--jobs",
        type=int,
        default=1,
        metavar="N",
        help="worker processes, each loading the model once (default 1; 0 = all cores); same output, same order",
    )
    p.add_argument("--report", metavar="HTML", help="also write a self-contained review page, least confident first")
    p.add_argument(
        "--accept-above",
        type=float,
        metavar="P",
        help="mark each result needs_review when its confidence is below P (JSON field needs_review)",
    )
    return p


UNIT_FIELDS = {"name", "type", "code", "text", "score", "confidence"}


def result_json(r: OcrResult) -> dict[str, Any]:
    """The --json object for one result."""
    if r.error is not None:
        return {"file": r.file, "error": r.error}
    out: dict[str, Any] = {
        "file": r.file,
        "text": r.text,
        "raw": r.raw,
        "hypotheses": [h.model_dump(mode="json") for h in r.hypotheses],
    }
    if r.status == "no_text":  # no line of writing found: no address fields
        out["status"], out["note"] = r.status, r.note
    a = r.address
    if a is not None:
        for level in ("province", "district", "ward"):
            u = getattr(a, level)
            out[level] = None if u is None else u.model_dump(mode="json", include=UNIT_FIELDS)
        out["remainder"] = a.remainder
        out["confidence"] = a.confidence
        out["scheme"] = a.scheme
        out["remainder_confidence"] = a.remainder_confidence
        out["char_confidence"] = a.char_confidence
    if r.needs_review is not None:
        out["needs_review"] = r.needs_review
    return out


class Progress:
    """A one-line progress indicator on stderr: redrawn in place on a terminal, a line per 10% otherwise."""

    def __init__(self, total: int, stream: IO[str]) -> None:
        self.total = total
        self.stream = stream
        self.tty = stream.isatty()
        self.enabled = self.tty or total > 5
        self.start = time.monotonic()
        self.last_decile = -1

    def update(self, done: int, failed: int) -> None:
        if not self.enabled:
            return
        rate = done / max(1e-9, time.monotonic() - self.start)
        msg = f"vaddr-ocr: {done}/{self.total} images, {failed} failed, {rate:.1f}/s"
        if self.tty:
            self.stream.write("\r" + msg + ("\n" if done == self.total else ""))
        else:
            decile = done * 10 // self.total
            if decile == self.last_decile and done != self.total:
                return
            self.last_decile = decile
            self.stream.write(msg + "\n")
        self.stream.flush()


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    from vaddr.validation import MAX_TOP_K

    if not 1 <= args.top_k <= MAX_TOP_K:
        parser.error(f"--top-k must be from 1 to {MAX_TOP_K}")
    if args.threads < 1:
        parser.error("--threads must be at least 1")
    if args.jobs < 0:
        parser.error("--jobs must be 0 (all cores) or more")
    if args.accept_above is not None and not 0.0 <= args.accept_above <= 1.0:
        parser.error("--accept-above must be between 0 and 1")
    from vaddr.ocr_backends import UnknownBackendError, get

    files = expand_inputs(args.inputs)
    if not files:
        parser.error("no image files found in " + ", ".join(args.inputs))
    try:
        recognizer = get(args.backend, threads=args.threads)
    except UnknownBackendError as e:
        parser.error(str(e))

    out, err = sys.stdout, sys.stderr
    progress = Progress(len(files), err)
    several = len(files) > 1
    failed = 0
    try:
        if args.jobs == 1:
            results = iter_read(files, recognizer, args.top_k, correct=not args.raw, scheme=args.scheme)
        else:
            from vaddr.batch import iter_read_batch

            results = iter_read_batch(
                files,
                backend=args.backend,
                top_k=args.top_k,
                correct=not args.raw,
                scheme=args.scheme,
                threads=args.threads,
                jobs=args.jobs,
            )
        kept: list[OcrResult] = []
        for done, r in enumerate(results, 1):
            r = review.mark(r, args.accept_above)
            if args.report:
                kept.append(r)
            if r.error is not None:
                failed += 1
                if progress.tty:
                    err.write("\n")
                err.write(f"vaddr-ocr: {r.error}\n")
            if args.json:
                out.write(json.dumps(result_json(r), ensure_ascii=False) + "\n")
            elif several:
                out.write(f"{r.file}\t{r.text}\n")
            elif r.error is None:
                out.write(r.text + "\n")
            out.flush()
            progress.update(done, failed)
        if args.report:
            write_report(kept, args.report)
    except KeyboardInterrupt:
        err.write("\nvaddr-ocr: interrupted\n")
        return 130
    except BrokenPipeError:  # `vaddr-ocr ... | head`: stop quietly
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1 if failed else 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
