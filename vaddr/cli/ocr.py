"""`vaddr-ocr`: read photos of handwritten Vietnamese address lines.

Batch-friendly by design: every input gets exactly one output record, in input order (a failed image gets an
error record, never a gap), the run continues past bad files and the exit status says whether any failed.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from vaddr import review
from vaddr.cli import _common as common
from vaddr.cli.correct import add_correct_options
from vaddr.types import OcrResult

PROG = "vaddr-ocr"

EPILOG = """\
inputs:
  IMAGE files and DIRs (walked recursively; every entry left out is reported on stderr with the reason, and
  a folder without any image is an input that failed); `-` reads image paths from standard input and @FILE
  or --files-from FILE from FILE, one per line (as tesseract does); those are streamed as they come.

output (one record per image, in input order):
  text  the corrected line, prefixed by "FILE<TAB>" when several images are read or the inputs come
        from a list or stdin (tabs, newlines and control characters in names and text are
        backslash-escaped); a failed image has an empty text (alone, it prints nothing)
  json  the OcrResult object, one per line: {"file", "text", "raw", "hypotheses": [{"text", "log_prob"}],
        "address": the Address object of `vaddr-correct --json` or null, "error": null or why it failed,
        "status": "ok", "no_text" (no line of writing: no address; "note" says why) or "error",
        "confidence", "char_confidence", "needs_review" (with --accept-above)} (JSON Schema: `vaddr schema`)
  csv   file,status,text,raw,province,province_code,...,confidence,scheme,note,needs_review,error with a header row

examples:
  vaddr-ocr line.jpg
  vaddr-ocr scans/ --json -o out.jsonl
  find scans -name '*.png' | vaddr-ocr - --format csv > out.csv
  vaddr-ocr a.jpg b.jpg --raw --top-k 5 --json
  vaddr-ocr scans/ --json --accept-above 0.95 --report review.html"""

CSV_FIELDS = ["file", "status", "text", "raw", *common.ADDRESS_FIELDS, "needs_review", "error"]


def add_reading_options(p: argparse.ArgumentParser) -> None:
    """Recognizer options (shared with `vaddr-eval`)."""
    from vaddr.ocr_backends import available

    p.add_argument("--top-k", type=int, default=10, metavar="K", help="recognizer hypotheses to keep (default 10)")
    p.add_argument(
        "--backend",
        default="crnn",
        metavar="NAME",
        help=f"recognizer to use (installed: {', '.join(available())}; default crnn)",
    )
    p.add_argument(
        "--threads",
        type=int,
        default=None,
        metavar="N",
        help="inference threads (default $VADDR_THREADS or 1)",
    )


def build_parser(prog: str = PROG) -> argparse.ArgumentParser:
    p = common.make_parser(
        prog,
        "Read photos of handwritten Vietnamese address lines (one line per image) and print the address, "
        "spelled right and split into province / district / ward.",
        EPILOG,
    )
    p.add_argument("inputs", nargs="*", metavar="IMAGE|DIR|-|@FILE", help="line images, folders of them, lists")
    add_reading_options(p)
    p.add_argument(
        "--jobs",
        type=int,
        default=1,
        metavar="N",
        help="worker processes, each loading the model once (default 1; 0 = all cores); same output, same order",
    )
    p.add_argument("--raw", action="store_true", help="skip the corrector: print what the recognizer read")
    add_correct_options(p)  # includes --accept-above
    p.add_argument("--report", metavar="HTML", help="also write a self-contained review page, least confident first")
    common.add_input_options(p, "image paths")
    p.add_argument(
        "--progress",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="progress on stderr (default: on a terminal or for more than 5 images); errors are always shown",
    )
    common.add_common_options(p)
    return p


def result_json(r: OcrResult) -> dict[str, Any]:
    """The --json object for one result: the `OcrResult` dump (its ``address`` is `vaddr.correct`'s)."""
    obj = r.model_dump(mode="json")
    obj["file"] = common.json_safe(r.file)
    if obj.get("error"):
        obj["error"] = common.json_safe(obj["error"])
    return obj


def write_result(out: common.Output, r: OcrResult, several: bool) -> None:
    """One result in the chosen format."""
    if out.format == "json":
        out.json(result_json(r))
    elif out.format == "csv":
        row: dict[str, Any] = {"file": common.json_safe(r.file), "text": r.text, "raw": r.raw, "error": r.error or ""}
        row["needs_review"] = r.needs_review
        row["status"] = r.status
        address = common.address_row(r.address)
        if r.status == "no_text":
            address["note"] = r.note
        out.row({**row, **address})
    elif several:
        out.text(f"{common.escape_field(r.file)}\t{common.escape_field(r.text)}")
    elif r.error is None:
        out.text(common.escape_field(r.text))


def make_reader(args: argparse.Namespace) -> Any:
    """The `Reader` for these options; a bad value or backend is a usage error (exit 2)."""
    from vaddr.ocr_backends import BackendError, UnknownBackendError
    from vaddr.reader import Reader

    threads = args.threads if args.threads is not None else common.default_threads()
    try:
        return Reader(
            args.backend,
            top_k=args.top_k,
            correct=not getattr(args, "raw", False),
            scheme=getattr(args, "scheme", "legacy"),
            tone=getattr(args, "tone", "auto"),
            case=getattr(args, "case", "title"),
            alternatives=getattr(args, "alternatives", 0),
            threads=threads,
        )
    except ValueError as e:  # invalid option value: name it as the command-line flag
        msg = str(e)
        for name in ("top_k", "threads", "alternatives", "scheme", "tone", "case"):
            msg = msg.replace(f"invalid {name}=", f"invalid value for --{name.replace('_', '-')}: ")
        raise common.UsageError(msg) from None
    except (UnknownBackendError, BackendError) as e:
        raise common.UsageError(str(e)) from None


def read_results(args: argparse.Namespace, reader: Any, files: Iterable[Path]) -> Iterator[OcrResult]:
    """The results for ``files``, in input order, one per file: the one place to change how they are made
    (e.g. a parallel map over worker processes) without touching the output loop."""
    if args.jobs == 1:
        return iter(reader.iter_read(files))
    from vaddr.batch import iter_read_batch

    return iter_read_batch(
        files,
        backend=args.backend,
        top_k=reader.top_k,
        correct=reader.correct,
        scheme=reader.scheme,
        threads=reader.threads,
        jobs=args.jobs,
        tone=reader.tone,
        case=reader.case,
        alternatives=reader.alternatives,
        lexicon=reader.lexicon,
    )


def main(argv: Sequence[str] | None = None, prog: str = PROG) -> int:
    parser = build_parser(prog)
    args = parser.parse_args(argv)

    def body(status: common.Status) -> int:
        from vaddr.inputs import iter_expand

        common.setup_logging(prog, args.verbose, args.quiet)
        if not args.inputs and not args.files_from:
            raise common.UsageError("give line images, folders, '-' (paths on stdin) or @FILE")
        # Paths read from stdin or a list stream through as they come (`find ... | vaddr-ocr -` starts at
        # once); arguments alone are expanded first, so progress knows the total.
        streaming = bool(args.files_from) or any(a == "-" or a.startswith("@") for a in args.inputs)
        empty: set[str] = set()

        def note(path: Path, why: str) -> None:
            if not args.quiet:
                common.error(prog, f"skipped {common.escape_field(str(path))}: {why}")

        def files() -> Iterator[Path]:
            for entry in iter_expand(common.gather(args.inputs, args.files_from)):
                if entry.kind == "skipped":
                    note(entry.path, entry.reason)
                    continue
                if entry.kind == "empty":  # an image-less folder is an input that failed, not nothing
                    empty.add(str(entry.path))
                yield entry.path

        if streaming:
            source: Iterable[Path] = files()
            total = None
        else:
            source = list(files())
            if len(empty) == len(source):
                raise common.UsageError("no image files found in " + ", ".join(map(common.escape_field, args.inputs)))
            total = len(source)
        if args.jobs < 0:
            raise common.UsageError("--jobs must be 0 (all cores) or more")
        if args.report:  # a page that cannot be written is a setup error: say so before the work, like -o
            folder = Path(args.report).resolve().parent
            if Path(args.report).is_dir():
                raise common.UsageError(f"cannot write --report {args.report}: it is a folder")
            if not folder.is_dir() or not os.access(folder, os.W_OK):
                raise common.UsageError(f"cannot write --report {args.report}: {folder} is no writable folder")
        reader = make_reader(args)
        out = common.Output(args.output, args.format, CSV_FIELDS)
        kept: list[OcrResult] = []  # for --report
        progress = common.Progress(prog, total, None if args.quiet else sys.stderr, args.progress)
        several = streaming or (total or 0) > 1
        done = 0
        for r in read_results(args, reader, source):
            done += 1
            if r.file in empty:
                r = OcrResult(file=r.file, error=f"{r.file}: no image files in this folder")
            r = review.mark(r, args.accept_above)
            if args.report:
                kept.append(r)
            if r.error is not None:
                status.failed += 1
                progress.clear_line()
                common.error(prog, common.escape_field(r.error))
            write_result(out, r, several)
            progress.update(done, status.failed)
        if streaming and done == 0:
            raise common.UsageError("no image files found in the listed inputs")
        progress.finish(done, status.failed)
        if args.report:
            from vaddr.report import write_report

            try:
                write_report(kept, args.report)
            except OSError as e:
                raise common.OutputError(f"cannot write {args.report}: {e.strerror or e}") from None
        out.close()
        return status.code

    return common.run(prog, body)


if __name__ == "__main__":
    raise SystemExit(main())
