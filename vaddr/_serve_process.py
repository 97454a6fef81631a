"""Start `vaddr serve` as a real process on a free loopback port (for the service tests and its benchmark).

Why a process and not an in-process test client: what is tested is then what users run (uvicorn, the HTTP
parser, the body limit, the port), and a crash or hang of the server cannot take the test runner with it.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

__all__ = ["free_port", "running_server"]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def running_server(
    args: Sequence[str] = (), timeout: float = 120.0, env: dict[str, str] | None = None
) -> Iterator[str]:
    """Yield the base URL of a `python -m vaddr serve` on 127.0.0.1 once /health answers; stop it after."""
    port = free_port()
    root = Path(__file__).resolve().parent.parent
    full_env = dict(os.environ if env is None else env)
    full_env["PYTHONPATH"] = os.pathsep.join(p for p in (str(root), full_env.get("PYTHONPATH", "")) if p)
    cmd = [sys.executable, "-m", "vaddr", "serve", "--host", "127.0.0.1", "--port", str(port), "-q", *args]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=full_env)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            if proc.poll() is not None:
                out = proc.stdout.read().decode(errors="replace") if proc.stdout else ""
                raise RuntimeError(f"vaddr serve exited with {proc.returncode}: {out}")
            try:
                with urllib.request.urlopen(url + "/health", timeout=2) as r:
                    if json.load(r).get("status") == "ok":
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise TimeoutError(f"vaddr serve did not answer on {url} within {timeout:.0f} s")
            time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
