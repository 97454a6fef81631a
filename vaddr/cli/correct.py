"""`vaddr-correct`: correct address lines given as arguments or on standard input (one per line)."""

from __future__ import annotations

import argparse
import functools
import json
import sys
from collections.abc import Iterator

from vaddr.corrector import correct
from vaddr.parallel import ItemError, map_ordered
from vaddr.review import needs_review

CHUNK = 256  # lines per worker task with --jobs N: ~0.1-0.5 s of work each

EPILOG = """examples:
  vaddr-correct "thon 1 ea ktur cu kuin dak lak"
  vaddr-correct --json "P 7 Q 3 Tp Hcm"
  cat lines.txt | vaddr-correct --scheme 2025 > fixed.txt

exit status: 0 all lines corrected, 1 some line was empty or failed, 2 usage error."""


def build_parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(
        prog="vaddr-correct",
        description="Correct handwritten/OCR'd Vietnamese address lines against the gazetteer of administrative "
        "units: repair diacritics and typos, keep house numbers and abbreviations as written, and split the "
        "line into province, district, ward and the rest.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    ap.add_argument("text", nargs="*", help="address lines; read from standard input (one per line) when absent")
    ap.add_argument("--json", action="store_true", help="one JSON object per line (JSON Lines) with all parts")
    ap.add_argument(
        "--scheme",
        choices=["legacy", "2025"],
        default="legacy",
        help="legacy 3-level units (default) or the 2-level structure since 1 July 2025",
    )
    ap.add_argument(
        "--tone",
        choices=["auto", "old", "new"],
        default="auto",
        help="tone-mark placement: old 'Hoà', new 'Hòa', or auto = as written (old if unknown)",
    )
    ap.add_argument("--case", choices=["title", "upper", "lower", "keep"], default="title", help="output casing")
    ap.add_argument(
        "--alternatives",
        type=int,
        default=0,
        metavar="N",
        help="with --json, also list up to N runner-up readings (default 0)",
    )
    ap.add_argument(
        "--jobs",
        type=int,
        default=1,
        metavar="N",
        help="worker processes (default 1; 0 = all cores); output is the same, in the same order",
    )
    ap.add_argument(
        "--accept-above",
        type=float,
        metavar="P",
        help="with --json, add needs_review: true when the line's confidence is below P",
    )
    return ap


def render(
    line: str,
    *,
    as_json: bool,
    scheme: str,
    tone: str,
    case: str,
    alternatives: int,
    accept_above: float | None = None,
) -> tuple[str, bool]:
    """The output line for one input line and whether it failed; run in the workers with --jobs."""
    if not line.strip():
        return (json.dumps({"input": line, "error": "empty line"}, ensure_ascii=False) if as_json else ""), True
    result = correct(line, scheme=scheme, tone=tone, case=case, alternatives=max(0, alternatives))  # type: ignore[arg-type]
    if not as_json:
        return result.text, False
    out = result.model_dump()
    if accept_above is not None:
        out["needs_review"] = needs_review(result.confidence, accept_above)
    return json.dumps(out, ensure_ascii=False), False


def _lines(args: argparse.Namespace) -> Iterator[str]:
    if args.text:
        yield from args.text
    else:
        for line in sys.stdin:
            yield line.rstrip("\n")


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if not args.text and sys.stdin.isatty():
        build_parser().print_usage(sys.stderr)
        print("vaddr-correct: give address lines as arguments or on standard input", file=sys.stderr)
        return 2
    if args.jobs < 0:
        build_parser().error("--jobs must be 0 (all cores) or more")
    fn = functools.partial(
        render,
        as_json=args.json,
        scheme=args.scheme,
        tone=args.tone,
        case=args.case,
        alternatives=args.alternatives,
        accept_above=args.accept_above,
    )
    # One line at a time with one job, so an interactive pipe gets each answer at once; chunks with more.
    chunk = 1 if args.jobs == 1 else CHUNK
    failed = 0
    for out in map_ordered(fn, _lines(args), jobs=args.jobs, chunk_size=chunk):
        if isinstance(out, ItemError):
            text, bad = (json.dumps({"input": out.item, "error": out.error}) if args.json else ""), True
            print(f"vaddr-correct: {out.error}", file=sys.stderr)
        else:
            text, bad = out
            if bad and not args.json:
                print("vaddr-correct: empty line", file=sys.stderr)
        failed += bad
        print(text)
        sys.stdout.flush()
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
