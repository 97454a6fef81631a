"""`vaddr` / `python -m vaddr`: one entry point with the subcommands ocr, correct, eval, serve and schema.

Each subcommand is the same program as its stand-alone command (`vaddr ocr` = `vaddr-ocr`), so options,
formats and exit codes are identical; `vaddr SUBCOMMAND --help` shows them.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence

from vaddr.cli import _common as common

PROG = "vaddr"

USAGE = f"""\
usage: vaddr [--version] [--help] SUBCOMMAND [ARGS...]

Read handwritten Vietnamese address lines and return the address, spelled right and split into its parts.

subcommands:
  ocr       read line images (same as vaddr-ocr)
  correct   correct address text lines (same as vaddr-correct)
  eval      measure recognition + correction on labelled lines (same as vaddr-eval)
  serve     run the HTTP service (needs `pip install "vaddr[serve]"`)
  schema    print the JSON Schema of the JSON output (Address, OcrResult, ...)

`vaddr SUBCOMMAND --help` lists each subcommand's options.

{common.EXIT_STATUS}

{common.ENVIRONMENT}"""


def _schema(argv: Sequence[str], prog: str) -> int:
    p = common.make_parser(prog, "Print the JSON Schema of vaddr's JSON output (generated from its models).", "")
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE (default: standard output)")
    args = p.parse_args(argv)

    def body(status: common.Status) -> int:
        from vaddr.schema import schema_json

        out = common.Output(args.output, "text")
        out.text(schema_json())
        out.close()
        return status.code

    return common.run(prog, body)


def _serve(argv: Sequence[str], prog: str) -> int:
    from vaddr.cli.serve import main as serve_main

    return serve_main(argv, prog)


def _commands() -> dict[str, Callable[[Sequence[str], str], int]]:
    from vaddr.cli import correct, eval, ocr

    return {"ocr": ocr.main, "correct": correct.main, "eval": eval.main, "serve": _serve, "schema": _schema}


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args:
        print(USAGE, file=sys.stderr)
        return common.EXIT_USAGE
    if args[0] in ("-h", "--help"):
        print(USAGE)
        return common.EXIT_OK
    if args[0] == "--version":
        print(f"vaddr {common.version()}")
        return common.EXIT_OK
    commands = _commands()
    if args[0] not in commands:
        common.error(PROG, f"unknown subcommand {args[0]!r}; choose from {', '.join(commands)} (see vaddr --help)")
        return common.EXIT_USAGE
    return commands[args[0]](args[1:], f"{PROG} {args[0]}")


if __name__ == "__main__":
    raise SystemExit(main())
