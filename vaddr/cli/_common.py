"""What every vaddr command shares: options, inputs, outputs, logging, errors and exit codes.

Why one module: the three commands (and `python -m vaddr`) must behave the same way for the same flag, and
the failure modes of a command-line tool (a closed pipe, Ctrl-C, a full disk, invalid UTF-8 on stdin, a file
name with a newline) are handled once, here, instead of three slightly different times.

Conventions (each documented in every ``--help``):

* ``--format text|json|csv`` (``--json`` = ``--format json``), ``-o/--output FILE``, ``-q/--quiet``,
  ``-v/--verbose``, ``--version``;
* inputs: arguments, ``-`` = read them from standard input (one per line), ``@FILE`` or ``--files-from FILE`` =
  read them from FILE; folders are walked recursively and each skipped entry is reported with its reason;
* exit status: 0 ok, 1 some input failed or the output could not be written, 2 usage or setup error,
  130 interrupted; errors are one line ``PROG: message`` on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import csv
import json
import logging
import os
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import IO, Any, NoReturn, cast

__all__ = [
    "ENVIRONMENT",
    "EXIT_FAILED",
    "EXIT_INTERRUPTED",
    "EXIT_OK",
    "EXIT_STATUS",
    "EXIT_USAGE",
    "Output",
    "OutputError",
    "Progress",
    "UsageError",
    "add_common_options",
    "add_input_options",
    "escape_field",
    "gather",
    "make_parser",
    "read_lines",
    "run",
    "setup_logging",
]

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130

EXIT_STATUS = """\
exit status:
  0    every input was processed
  1    some input failed (each is reported on stderr and still gets its output record),
       or the output could not be written (full disk, closed standard output)
  2    usage or setup error: bad option or value, unreadable file list or TSV, unknown or broken backend
  130  interrupted (Ctrl-C)
  A closed pipe (e.g. `| head -1`) ends the command quietly with the status so far."""

ENVIRONMENT = """\
environment:
  VADDR_CRNN_MODEL  ONNX model file used by the crnn backend instead of the bundled one
  VADDR_THREADS     default for --threads: inference threads per process (default 1)
  VADDR_LOG_LEVEL   log level when neither -v nor -q is given: DEBUG, INFO, WARNING (default), ERROR"""

#: Environment variable giving the default of --threads.
THREADS_ENV = "VADDR_THREADS"
LOG_ENV = "VADDR_LOG_LEVEL"


class UsageError(Exception):
    """A bad option value or a missing input file: exit 2 with this one-line message."""


class OutputError(Exception):
    """The output could not be written (full disk, closed standard output): exit 1 with this message."""


def version() -> str:
    from vaddr import __version__

    return __version__


class Parser(argparse.ArgumentParser):
    """argparse, with usage errors as one line (``PROG: message (see PROG --help)``) and exit 2."""

    def error(self, message: str) -> NoReturn:
        error(self.prog, f"{message} (see {self.prog} --help)")
        raise SystemExit(EXIT_USAGE)


def make_parser(prog: str, description: str, epilog: str) -> Parser:
    """A parser whose --help ends with the command's examples, the exit codes and the environment variables."""
    return Parser(
        prog=prog,
        description=description,
        epilog=f"{epilog.rstrip()}\n\n{EXIT_STATUS}\n\n{ENVIRONMENT}",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )


def add_common_options(p: argparse.ArgumentParser, formats: Sequence[str] = ("text", "json", "csv")) -> None:
    """--format/--json, --output, --quiet, --verbose, --version."""
    g = p.add_argument_group("output and messages")
    g.add_argument(
        "--format",
        choices=formats,
        default="text",
        help=f"output format: {', '.join(formats)} (default text; json = one object per input, JSON Lines)",
    )
    g.add_argument("--json", dest="format", action="store_const", const="json", help="same as --format json")
    g.add_argument("-o", "--output", metavar="FILE", help="write the results to FILE (default: standard output)")
    g.add_argument(
        "-q", "--quiet", action="store_true", help="no progress, skip notes or log messages (errors still shown)"
    )
    g.add_argument("-v", "--verbose", action="count", default=0, help="log what the library does (-vv: debug)")
    g.add_argument("--version", action="version", version=f"%(prog)s {version()}")


def add_input_options(p: argparse.ArgumentParser, what: str, flag: str = "--files-from") -> None:
    """--files-from (and the ``-`` / ``@FILE`` conventions described in the help)."""
    p.add_argument(
        flag,
        dest="files_from",
        metavar="FILE",
        action="append",
        default=[],
        help=f"read more {what} from FILE, one per line ('-' = standard input); same as the argument @FILE",
    )


def probability(text: str) -> float:
    """argparse type for a probability option (e.g. --accept-above): a number from 0 to 1."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"{text} is not between 0 and 1")
    return value


def default_threads() -> int:
    """$VADDR_THREADS, or 1."""
    raw = os.environ.get(THREADS_ENV, "").strip()
    if not raw:
        return 1
    try:
        return int(raw)
    except ValueError:
        raise UsageError(f"${THREADS_ENV}={raw!r} is not an integer") from None


# --- inputs ----------------------------------------------------------------------------------------------------


def _stdin_bytes() -> IO[bytes] | None:
    return getattr(sys.stdin, "buffer", None) if sys.stdin is not None else None


def read_lines(source: IO[bytes] | IO[str]) -> Iterator[tuple[int, str | None, bytes]]:
    """(line number, text or None if not valid UTF-8, raw bytes) per line, streaming.

    Why bytes: one invalid byte must cost its own line, not the rest of the input (text-mode stdin raises
    UnicodeDecodeError for the whole stream at that point).
    """
    for n, item in enumerate(source, 1):
        if isinstance(item, str):  # a text stream (e.g. io.StringIO in tests): already decoded
            if n == 1:
                item = item.removeprefix("\ufeff")
            yield n, item.rstrip("\r\n"), item.encode("utf-8", "surrogateescape")
            continue
        raw = cast(bytes, item).rstrip(b"\n").rstrip(b"\r")
        if n == 1:  # a byte-order mark (Windows / Excel exports) starts the file, not its first line
            raw = raw.removeprefix(b"\xef\xbb\xbf")
        try:
            yield n, raw.decode("utf-8"), raw
        except UnicodeDecodeError:
            yield n, None, raw


def _open_list(name: str) -> IO[bytes] | IO[str]:
    if name == "-":
        src = _stdin_bytes() or sys.stdin
        if src is None:
            raise UsageError("standard input is closed")
        return src
    try:
        return open(name, "rb")  # noqa: SIM115 (closed by the caller's iteration end)
    except OSError as e:
        raise UsageError(f"cannot read file list {name}: {e.strerror or e}") from None


def _list_items(name: str) -> Iterator[str]:
    """Entries of a file list; paths keep undecodable bytes (surrogateescape) so the real file is opened."""
    src = _open_list(name)
    try:
        for _, text, raw in read_lines(src):
            item = text if text is not None else os.fsdecode(raw)
            if item.strip():
                yield item
    finally:
        if name != "-":
            src.close()


def gather(args: Iterable[str], files_from: Sequence[str] = ()) -> Iterator[str]:
    """The inputs named by the arguments: ``-`` reads them from standard input, ``@FILE`` from FILE (one per
    line; tesseract's convention), then those of each ``--files-from`` FILE. A real file whose name starts
    with ``@`` is taken as itself; write ``./@name`` to be sure."""
    for a in args:
        if a == "-":
            yield from _list_items("-")
        elif a.startswith("@") and len(a) > 1 and not os.path.exists(a):
            yield from _list_items(a[1:])
        else:
            yield a
    for name in files_from:
        yield from _list_items(name)


def address_row(address: Any) -> dict[str, Any]:
    """The CSV columns of an `Address` (one flat row; the nested JSON has everything)."""
    row: dict[str, Any] = {}
    for level in ("province", "district", "ward"):
        unit = getattr(address, level, None) if address is not None else None
        row[level] = "" if unit is None else f"{unit.type} {unit.name}"
        row[f"{level}_code"] = "" if unit is None else unit.code
    if address is not None:
        row.update(remainder=address.remainder, confidence=address.confidence, scheme=address.scheme, note=address.note)
    return row


ADDRESS_FIELDS = [
    "province",
    "province_code",
    "district",
    "district_code",
    "ward",
    "ward_code",
    "remainder",
    "confidence",
    "scheme",
    "note",
]


# --- outputs ---------------------------------------------------------------------------------------------------

_ESCAPES = {"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"}
_BIDI = frozenset(range(0x202A, 0x202F)) | frozenset(range(0x2066, 0x206A)) | {0x200E, 0x200F, 0x061C}


def _escape_char(c: str) -> str:
    if c in _ESCAPES:
        return _ESCAPES[c]
    o = ord(c)
    if o < 0x20 or o == 0x7F or 0x80 <= o < 0xA0:
        return f"\\x{o:02x}"
    if 0xDC80 <= o <= 0xDCFF:  # an undecodable byte of a file name (surrogateescape)
        return f"\\x{o - 0xDC00:02x}"
    if 0xD800 <= o <= 0xDFFF or o in _BIDI:
        return f"\\u{o:04x}"
    return c


def escape_field(text: str) -> str:
    """One field of plain (tab-separated) output on one line: tab, newline, CR, backslash, control characters,
    bidi overrides and undecodable bytes become backslash escapes, so ``FILE<TAB>TEXT`` always splits right and
    no input can move the terminal's cursor or reorder what is shown."""
    if text.isprintable() and "\\" not in text:
        return text
    return "".join(_escape_char(c) for c in text)


def json_safe(text: str) -> str:
    """A string JSON can carry as UTF-8: undecodable bytes of a file name become ``\\xNN``."""
    if not any(0xD800 <= ord(c) <= 0xDFFF for c in text):
        return text
    return "".join(_escape_char(c) if 0xD800 <= ord(c) <= 0xDFFF else c for c in text)


class Output:
    """Where results go: standard output or ``--output FILE``, as text lines, JSON Lines or CSV.

    Every write error is turned into `OutputError` (or `BrokenPipeError`, which `run` ends quietly on), so a
    full disk or a closed stdout is one line on stderr and exit 1, not a traceback.
    """

    def __init__(self, path: str | None, fmt: str, csv_fields: Sequence[str] = ()) -> None:
        self.format = fmt
        self.path = path
        self._own = False
        if path in (None, "-"):
            if sys.stdout is None:
                raise OutputError("cannot write results: standard output is closed")
            self.stream: IO[str] = sys.stdout
            reconfigure = getattr(self.stream, "reconfigure", None)
            if reconfigure is not None:
                try:
                    reconfigure(errors="backslashreplace")
                except (ValueError, OSError):
                    pass
        else:
            try:
                self.stream = open(path, "w", encoding="utf-8", errors="backslashreplace", newline="")  # noqa: SIM115
            except OSError as e:
                raise UsageError(f"cannot write {path}: {e.strerror or e}") from None
            self._own = True
        self._csv = csv.DictWriter(self.stream, list(csv_fields), lineterminator="\n", extrasaction="ignore")
        self._header = False

    def _write(self, data: str) -> None:
        try:
            self.stream.write(data)
            if not self._own:
                self.stream.flush()  # results stream out as they are made (a pipe reader sees each at once)
        except BrokenPipeError:
            raise
        except (OSError, ValueError) as e:  # ValueError: write to a closed file
            raise OutputError(f"cannot write results: {getattr(e, 'strerror', None) or e}") from None

    def text(self, line: str) -> None:
        self._write(line + "\n")

    def json(self, obj: Any) -> None:
        self._write(json.dumps(obj, ensure_ascii=False) + "\n")

    def row(self, row: dict[str, Any]) -> None:
        try:
            if not self._header:
                self._csv.writeheader()
                self._header = True
            self._csv.writerow(row)
            if not self._own:
                self.stream.flush()
        except BrokenPipeError:
            raise
        except (OSError, ValueError) as e:
            raise OutputError(f"cannot write results: {getattr(e, 'strerror', None) or e}") from None

    def close(self) -> None:
        try:
            if self._own:
                self.stream.close()
            else:
                self.stream.flush()
        except BrokenPipeError:
            raise
        except (OSError, ValueError) as e:
            raise OutputError(f"cannot write results: {getattr(e, 'strerror', None) or e}") from None


class Progress:
    """A one-line progress indicator on stderr: redrawn in place on a terminal, a line per 10% otherwise.

    ``enabled``: True/False, or None = automatic (on for a terminal or more than 5 inputs).
    Per-input errors are not its business: they are printed whatever this says.
    """

    def __init__(self, prog: str, total: int | None, stream: IO[str] | None, enabled: bool | None = None) -> None:
        self.prog = prog
        self.total = total  # None: not known in advance (inputs streamed from a list or stdin)
        self.stream = stream
        self.tty = bool(stream is not None and stream.isatty())
        auto = self.tty if total is None else self.tty or total > 5
        self.enabled = stream is not None and total != 0 and (auto if enabled is None else enabled)
        self.start = time.monotonic()
        self.last_decile = -1
        self.drawn = False

    def clear_line(self) -> None:
        """Before an error message on a terminal: end the progress line being redrawn."""
        if self.enabled and self.tty and self.drawn and self.stream is not None:
            self.stream.write("\n")
            self.drawn = False

    def finish(self, done: int, failed: int) -> None:
        """After the last input of an unknown total: the final count on its own line."""
        if self.enabled and self.total is None and self.stream is not None:
            self.stream.write(("\r" if self.tty else "") + f"{self.prog}: {done} images, {failed} failed\n")
            self.stream.flush()

    def update(self, done: int, failed: int) -> None:
        if not self.enabled or self.stream is None:
            return
        rate = done / max(1e-9, time.monotonic() - self.start)
        if self.total is None:  # unknown total: a count, redrawn on a terminal, every 100 otherwise
            msg = f"{self.prog}: {done} images, {failed} failed, {rate:.1f}/s"
            if self.tty:
                self.stream.write("\r" + msg)
                self.drawn = True
            elif done % 100 == 0:
                self.stream.write(msg + "\n")
            self.stream.flush()
            return
        msg = f"{self.prog}: {done}/{self.total} images, {failed} failed, {rate:.1f}/s"
        if self.tty:
            self.stream.write("\r" + msg + ("\n" if done == self.total else ""))
            self.drawn = done != self.total
        else:
            decile = done * 10 // self.total
            if decile == self.last_decile and done != self.total:
                return
            self.last_decile = decile
            self.stream.write(msg + "\n")
        self.stream.flush()


# --- logging and the top-level error handling ---------------------------------------------------------------

_handler: logging.Handler | None = None


def setup_logging(prog: str, verbose: int = 0, quiet: bool = False) -> None:
    """Library log records (logger "vaddr") to stderr as ``PROG: LEVEL: message``: WARNING by default (or
    $VADDR_LOG_LEVEL), INFO with -v, DEBUG with -vv, ERROR with -q."""
    global _handler
    logger = logging.getLogger("vaddr")
    if _handler is not None:
        logger.removeHandler(_handler)
    if verbose:
        level = logging.INFO if verbose == 1 else logging.DEBUG
    elif quiet:
        level = logging.ERROR
    else:
        name = os.environ.get(LOG_ENV, "WARNING").strip().upper()
        level = logging.getLevelName(name) if isinstance(logging.getLevelName(name), int) else logging.WARNING
    _handler = logging.StreamHandler(sys.stderr)
    _handler.setFormatter(logging.Formatter(f"{prog}: %(levelname)s: %(message)s"))
    logger.addHandler(_handler)
    logger.setLevel(level)


def error(prog: str, message: str) -> None:
    """One line on stderr (never raises: stderr may be closed too)."""
    try:
        if sys.stderr is not None:
            sys.stderr.write(f"{prog}: {message}\n")
            sys.stderr.flush()
    except (OSError, ValueError):
        pass


def _silence_stdout() -> None:
    """After a broken pipe or a write error: point fd 1 at /dev/null so the interpreter's final flush of what
    is still buffered cannot fail again ("Exception ignored ... BrokenPipeError", exit 120)."""
    stream = sys.stdout
    if stream is None:
        return
    try:
        fd = stream.fileno()
    except (OSError, ValueError, AttributeError):
        return  # not a real file (e.g. captured by a test): nothing to protect
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, fd)
        os.close(devnull)
    except OSError:
        pass


class Status:
    """The exit status so far, so that a broken pipe can end with it."""

    def __init__(self) -> None:
        self.failed = 0

    @property
    def code(self) -> int:
        return EXIT_FAILED if self.failed else EXIT_OK


def run(prog: str, body: Callable[[Status], int]) -> int:
    """Run a command body, mapping every way it can end to an exit code and at most one line on stderr."""
    status = Status()
    try:
        return body(status)
    except UsageError as e:
        error(prog, str(e))
        return EXIT_USAGE
    except KeyboardInterrupt:
        error(prog, "interrupted")
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # the reader went away (`| head -1`): stop quietly with the status so far
        _silence_stdout()
        return status.code
    except OutputError as e:
        _silence_stdout()
        error(prog, str(e))
        return EXIT_FAILED
