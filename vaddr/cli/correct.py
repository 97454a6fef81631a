"""`vaddr-correct`: correct address lines given as arguments or on standard input (one per line)."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator

from vaddr.corrector import correct
from vaddr.review import needs_review

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
        "--accept-above",
        type=float,
        metavar="P",
        help="with --json, add needs_review: true when the line's confidence is below P",
    )
    return ap


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
    failed = 0
    for line in _lines(args):
        if not line.strip():
            failed += 1
            if args.json:
                print(json.dumps({"input": line, "error": "empty line"}, ensure_ascii=False))
            else:
                print("")
                print("vaddr-correct: empty line", file=sys.stderr)
            continue
        result = correct(
            line, scheme=args.scheme, tone=args.tone, case=args.case, alternatives=max(0, args.alternatives)
        )
        if args.json:
            out = result.model_dump()
            if args.accept_above is not None:
                out["needs_review"] = needs_review(result.confidence, args.accept_above)
            print(json.dumps(out, ensure_ascii=False))
        else:
            print(result.text)
        sys.stdout.flush()
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
