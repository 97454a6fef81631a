"""`vaddr serve`: run the HTTP service (`vaddr.service`) with uvicorn."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from vaddr.cli import _common as common

PROG = "vaddr serve"

EPILOG = """\
endpoints: GET /health, POST /correct, POST /convert, POST /ocr; interactive docs at /docs, the OpenAPI
schema at /openapi.json. Listens on 127.0.0.1 unless --host says otherwise (it has no authentication: put it
behind your own gateway before exposing it).

examples:
  vaddr serve --port 8080
  curl -s localhost:8080/correct -H 'content-type: application/json' -d '{"text": "p 7 q 3 tp hcm"}'
  curl -s localhost:8080/ocr -F file=@line.png"""


def build_parser(prog: str = PROG) -> argparse.ArgumentParser:
    p = common.make_parser(prog, "Serve address correction and line OCR over HTTP (FastAPI + uvicorn).", EPILOG)
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8000, help="port (default 8000; 0 = any free port)")
    p.add_argument("--backend", default="crnn", metavar="NAME", help="recognizer for /ocr (default crnn)")
    p.add_argument("--threads", type=int, default=None, metavar="N", help="inference threads ($VADDR_THREADS or 1)")
    p.add_argument("--max-body-mb", type=float, default=16.0, help="largest request body in MB (default 16)")
    p.add_argument("--max-lines", type=int, default=1000, help="most lines per /correct batch (default 1000)")
    p.add_argument("--max-images", type=int, default=64, help="most images per /ocr request (default 64)")
    p.add_argument("-q", "--quiet", action="store_true", help="no access log")
    p.add_argument("-v", "--verbose", action="count", default=0, help="log what the library does (-vv: debug)")
    p.add_argument("--version", action="version", version=f"%(prog)s {common.version()}")
    return p


def main(argv: Sequence[str] | None = None, prog: str = PROG) -> int:
    args = build_parser(prog).parse_args(argv)

    def body(status: common.Status) -> int:
        common.setup_logging(prog, args.verbose, args.quiet)
        try:
            import uvicorn

            from vaddr.service import Limits, create_app
        except ImportError as e:
            raise common.UsageError(f"the service needs the serve extra: pip install 'vaddr[serve]' ({e})") from None
        threads = args.threads if args.threads is not None else common.default_threads()
        if not 0 <= args.port <= 65535 or threads < 1 or args.max_body_mb <= 0:
            raise common.UsageError("--port must be 0-65535, --threads >= 1, --max-body-mb > 0")
        from vaddr.ocr_backends import BackendError, UnknownBackendError, get

        try:
            get(args.backend, threads=threads)  # fail now, not on the first /ocr request
        except (UnknownBackendError, BackendError) as e:
            raise common.UsageError(str(e)) from None
        limits = Limits(
            max_body_bytes=int(args.max_body_mb * 1024 * 1024), max_lines=args.max_lines, max_images=args.max_images
        )
        app = create_app(args.backend, threads, limits)
        uvicorn.run(app, host=args.host, port=args.port, log_level="warning" if args.quiet else "info")
        return status.code

    return common.run(prog, body)


if __name__ == "__main__":
    raise SystemExit(main())
