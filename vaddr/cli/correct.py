"""`vaddr-correct`: correct address lines given as arguments, on standard input or in files (one per line)."""

from __future__ import annotations

import argparse
import functools
import os
import sys
from collections.abc import Iterator, Sequence
from typing import Any

from vaddr.cli import _common as common

PROG = "vaddr-correct"

EPILOG = """\
inputs:
  TEXT arguments; `-` (or no argument with a pipe on stdin) reads lines from standard input; @FILE or
  --lines-from FILE reads lines from FILE. Lines are decoded one by one: a line that is not valid UTF-8 gets
  an error record of its own and the others are corrected.

output (one record per input line, in order):
  text  the corrected line (an empty line for a line that failed; control characters escaped)
  json  the Address object of `vaddr.correct` (schema: `vaddr schema`), or {"line", "input", "error"}
  csv   input,text,province,province_code,...,confidence,scheme,note,error with a header row

examples:
  vaddr-correct "thon 1 ea ktur cu kuin dak lak"
  vaddr-correct --json "P 7 Q 3 Tp Hcm"
  cat lines.txt | vaddr-correct --scheme 2025 > fixed.txt
  vaddr-correct @lines.txt --format csv -o fixed.csv"""

CSV_FIELDS = ["line", "input", "text", *common.ADDRESS_FIELDS, "needs_review", "error"]


def add_correct_options(p: argparse.ArgumentParser) -> None:
    """The corrector's options (shared with `vaddr-ocr`)."""
    p.add_argument(
        "--scheme",
        choices=["legacy", "2025"],
        default="legacy",
        help="legacy 3-level units (default) or the 2-level structure since 1 July 2025",
    )
    p.add_argument(
        "--tone",
        choices=["auto", "old", "new"],
        default="auto",
        help="tone-mark placement: old 'Hoà', new 'Hòa', or auto = as written (old if unknown)",
    )
    p.add_argument(
        "--case",
        choices=["title", "upper", "lower", "keep"],
        default="title",
        help="output casing (default title: each word capitalised, as forms are written); keep: the units as the "
        "gazetteer spells them and the rest as written. Numbers, letters attached to digits and initials written in "
        "capitals (12/3A, Q1, TP.HCM) are never changed",
    )
    p.add_argument(
        "--alternatives",
        type=int,
        default=0,
        metavar="N",
        help="with --json, also list up to N runner-up readings (default 0)",
    )
    p.add_argument(
        "--accept-above",
        type=common.probability,
        metavar="P",
        help="mark results needs_review when their confidence is below P (0-1; JSON field needs_review)",
    )


def build_parser(prog: str = PROG) -> argparse.ArgumentParser:
    ap = common.make_parser(
        prog,
        "Correct handwritten/OCR'd Vietnamese address lines against the gazetteer of administrative units: "
        "repair diacritics and typos, keep house numbers and abbreviations as written, and split the line into "
        "province, district, ward and the rest.",
        EPILOG,
    )
    ap.add_argument("text", nargs="*", help="address lines, '-' for standard input, @FILE for a file of lines")
    add_correct_options(ap)
    ap.add_argument(
        "--jobs",
        type=int,
        default=1,
        metavar="N",
        help="worker processes (default 1; 0 = all cores); output is the same, in the same order",
    )
    common.add_input_options(ap, "address lines", flag="--lines-from")
    common.add_common_options(ap)
    return ap


Record = tuple[int, "str | None", bytes]


def _records(args: argparse.Namespace) -> Iterator[Record]:
    """(n, text or None if undecodable, raw bytes) for every input line, in order, streaming."""
    n = 0

    def from_source(name: str) -> Iterator[Record]:
        nonlocal n
        src = common._open_list(name)
        try:
            for _, text, raw in common.read_lines(src):
                n += 1
                yield n, text, raw
        finally:
            if name != "-":
                src.close()

    sources = list(args.text) or ["-"]
    for a in sources:
        if a == "-":
            yield from from_source("-")
        elif a.startswith("@") and len(a) > 1:
            yield from from_source(a[1:])
        else:  # an argument: the shell hands bytes, which may not be UTF-8 either
            n += 1
            raw = os.fsencode(a)
            try:
                yield n, raw.decode("utf-8"), raw
            except UnicodeDecodeError:
                yield n, None, raw
    for name in args.files_from:
        yield from from_source(name)


CHUNK = 256  # lines per worker task with --jobs N: ~0.1-0.5 s of work each


def correct_record(
    record: Record, *, fmt: str = "text", accept_above: float | None = None, **options: Any
) -> tuple[Record, Any]:
    """(record, the line's output in `fmt`: its text, its JSON object or its CSV row), or (record, None) for a
    line that cannot be corrected. Runs in the workers, which also render, so that with --jobs N the parent
    only writes (unpickling whole `Address` objects there took CPU from the workers)."""
    n, text, _ = record
    if text is None or not text.strip():
        return record, None
    from vaddr.corrector import correct
    from vaddr.review import needs_review

    result = correct(text, **options)
    review = None if accept_above is None else needs_review(result.confidence, accept_above)
    if fmt == "json":
        obj = result.model_dump(mode="json")
        if review is not None:
            obj["needs_review"] = review
        return record, obj
    if fmt == "csv":
        return record, {"line": n, "input": text, "text": result.text, "needs_review": review} | common.address_row(
            result
        )
    return record, common.escape_field(result.text)


def _shown(raw: bytes) -> str:
    return raw.decode("utf-8", "backslashreplace")


def main(argv: Sequence[str] | None = None, prog: str = PROG) -> int:
    parser = build_parser(prog)
    args = parser.parse_args(argv)

    def body(status: common.Status) -> int:
        common.setup_logging(prog, args.verbose, args.quiet)
        if args.alternatives < 0:
            raise common.UsageError("--alternatives must be 0 or more")
        if not args.text and not args.files_from and (sys.stdin is None or sys.stdin.isatty()):
            raise common.UsageError("give address lines as arguments, '-' for standard input, or @FILE")
        if args.jobs < 0:
            raise common.UsageError("--jobs must be 0 (all cores) or more")
        from vaddr.parallel import ItemError, map_ordered

        out = common.Output(args.output, args.format, CSV_FIELDS)
        fn = functools.partial(
            correct_record,
            fmt=out.format,
            accept_above=args.accept_above,
            scheme=args.scheme,
            tone=args.tone,
            case=args.case,
            alternatives=args.alternatives,
        )
        # One line at a time with one job, so an interactive pipe gets each answer at once; chunks with more.
        chunk = 1 if args.jobs == 1 else CHUNK
        for done in map_ordered(fn, _records(args), jobs=args.jobs, chunk_size=chunk):
            if isinstance(done, ItemError):  # the corrector raised (it should not): that line fails, others go on
                (n, text, raw), result = done.item, None
                status.failed += 1
                common.error(prog, f"line {n}: {done.error}")
                if out.format == "json":
                    out.json({"line": n, "input": _shown(raw), "error": done.error})
                elif out.format == "csv":
                    out.row({"line": n, "input": _shown(raw), "error": done.error})
                else:
                    out.text("")
                continue
            (n, text, raw), result = done
            if result is None or text is None:
                status.failed += 1
                why = "not valid UTF-8" if text is None else "empty line"
                shown = _shown(raw)
                if text is None:
                    common.error(prog, f"line {n}: {why}: {shown!r}")
                elif not args.quiet:
                    common.error(prog, f"line {n}: {why}")
                if out.format == "json":
                    out.json({"line": n, "input": shown, "error": why})
                elif out.format == "csv":
                    out.row({"line": n, "input": shown, "error": why})
                else:
                    out.text("")
                continue
            if out.format == "json":
                out.json(result)
            elif out.format == "csv":
                out.row(result)
            else:
                out.text(result)
        out.close()
        return status.code

    return common.run(prog, body)


if __name__ == "__main__":
    raise SystemExit(main())
