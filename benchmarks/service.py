"""Load test of `vaddr serve`: requests/s and latency percentiles for /correct (batches of 100) and /ocr.

Starts a real `python -m vaddr serve` on a free 127.0.0.1 port (loopback only), waits for /health, then for each
endpoint sends requests from ``--clients`` threads until ``--requests`` are done or ``--seconds`` have passed
(whichever first: the run is bounded in count and time), and prints requests/s, lines or images/s, p50, p99
and max latency, and the error count. The server is stopped at the end.

Lines: ``../shared/data/kalapa_labels_dev.tsv`` with every diacritic removed (real addresses, as an OCR'd
line without marks) when present; otherwise lines built from the gazetteer (ward district province, marks
removed), with a fixed seed. Each batch is a different slice, and lines reused after the first pass lose a
space, so the corrector's caches do not flatter it.
Images for /ocr: the bundled sample line, as one multipart upload per request.

    python benchmarks/service.py [--requests 60] [--seconds 60] [--clients 2] [--batch 100]

Needs the serve extra and httpx: pip install -e ".[test]".
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import threading
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from vaddr._serve_process import running_server  # noqa: E402

LABELS = ROOT.parent / "shared" / "data" / "kalapa_labels_dev.tsv"
SAMPLE = ROOT / "vaddr" / "samples" / "sample.png"


def address_lines(n: int, seed: int = 7) -> list[str]:
    from vaddr.rules.text import strip_marks

    if LABELS.is_file():
        rows = [r.split("\t", 1)[1].strip() for r in LABELS.read_text(encoding="utf-8").splitlines() if "\t" in r]
        lines = [strip_marks(r) for r in rows if r]
    else:
        from vaddr import gazetteer

        g = gazetteer.legacy()
        rng = random.Random(seed)
        wards = [u for u in g.units(3) if u.current]
        lines = []
        for w in rng.sample(wards, min(n, len(wards))):
            d = g.get(w.parent or "")
            p = g.get(d.parent or "")
            lines.append(strip_marks(f"{rng.randint(1, 200)} {w.name} {d.name} {p.name}"))
    rng = random.Random(seed)
    rng.shuffle(lines)
    out = list(lines[:n])
    while len(out) < n:  # later passes: each copy loses one space, so the corrector's caches do not hit
        for line in lines[: n - len(out)]:
            spaces = [i for i, c in enumerate(line) if c == " "]
            i = rng.choice(spaces) if spaces else 0
            out.append(line[:i] + line[i + 1 :] if spaces else line)
    return out


def load(url: str, make_request, requests: int, seconds: float, clients: int) -> dict[str, float]:
    latencies: list[float] = []
    errors = 0
    issued = 0
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def worker() -> None:
        nonlocal issued, errors
        with httpx.Client(base_url=url, timeout=120) as client:
            while True:
                with lock:
                    if issued >= requests or time.monotonic() > deadline:
                        return
                    i = issued
                    issued += 1
                t0 = time.perf_counter()
                r = make_request(client, i)
                dt = time.perf_counter() - t0
                with lock:
                    latencies.append(dt)
                    errors += r.status_code != 200

    t0 = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    lat = sorted(latencies)
    p99 = lat[min(len(lat) - 1, int(0.99 * len(lat)))] if lat else float("nan")
    return {
        "requests": len(lat),
        "errors": errors,
        "seconds": wall,
        "rps": len(lat) / wall if wall else 0.0,
        "p50_ms": statistics.median(lat) * 1000 if lat else float("nan"),
        "p99_ms": p99 * 1000,
        "max_ms": lat[-1] * 1000 if lat else float("nan"),
    }


def report(name: str, per_request: int, unit: str, s: dict[str, float]) -> None:
    print(
        f"{name:<24} {s['requests']:>5.0f} req in {s['seconds']:6.1f} s  {s['rps']:7.2f} req/s "
        f"({s['rps'] * per_request:8.1f} {unit}/s)  p50 {s['p50_ms']:8.1f} ms  p99 {s['p99_ms']:8.1f} ms  "
        f"max {s['max_ms']:8.1f} ms  errors {s['errors']:.0f}"
    )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--requests", type=int, default=60, help="requests per endpoint (at most)")
    ap.add_argument("--seconds", type=float, default=60.0, help="time per endpoint (at most)")
    ap.add_argument("--clients", type=int, default=2, help="concurrent client threads")
    ap.add_argument("--batch", type=int, default=100, help="lines per /correct request")
    ap.add_argument("--threads", type=int, default=1, help="server inference threads")
    args = ap.parse_args()
    lines = address_lines(args.requests * args.batch + args.batch)
    image = SAMPLE.read_bytes()
    print(f"load average before: {os.getloadavg()[0]:.2f} (cpus {os.cpu_count()}), clients {args.clients}")
    with running_server(["--threads", str(args.threads)]) as url:
        with httpx.Client(base_url=url, timeout=120) as c:  # warm: model loaded, tables built
            c.post("/correct", json={"texts": lines[: args.batch]})
            c.post("/ocr", files={"file": ("line.png", image, "image/png")})

        def correct_batch(client: httpx.Client, i: int) -> httpx.Response:
            chunk = lines[(i + 1) * args.batch : (i + 2) * args.batch]
            return client.post("/correct", json={"texts": chunk})

        def correct_one(client: httpx.Client, i: int) -> httpx.Response:
            return client.post("/correct", json={"text": lines[i]})

        def ocr(client: httpx.Client, i: int) -> httpx.Response:
            return client.post("/ocr", files={"file": ("line.png", image, "image/png")})

        report(
            f"/correct batch of {args.batch}",
            args.batch,
            "lines",
            load(url, correct_batch, args.requests, args.seconds, args.clients),
        )
        report(
            "/correct single line", 1, "lines", load(url, correct_one, args.requests * 5, args.seconds, args.clients)
        )
        report("/ocr one image", 1, "images", load(url, ocr, args.requests, args.seconds, args.clients))
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
