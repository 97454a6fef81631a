"""Scaling benchmark: lines/s and images/s with 1, 2, ... worker processes, in one run.

    .venv/bin/python benchmarks/scaling.py [--workers 1,2] [--lines 12000] [--images 300] [--repeat 1]

For each number of workers N it times the two commands end to end, as a user runs them (process start, model
and gazetteer loading included): ``vaddr-correct --jobs N`` on a file of address lines and ``vaddr-ocr --jobs
N --json`` on a folder of line images, checks that the output is byte-identical to N=1, and prints
throughput and speed-up over N=1. Then the same work through the library (`jobs=N`, `map_ordered`) with the
CPU time measured inside the workers: CPU seconds, items per CPU-second (flat across N = no parallel
overhead), the peak memory (RSS) of a worker, and the cost per million lines / images in CPU-hours: N cores
held for the command's wall time (core-h/M, what a cloud bill charges, start-up included) and the CPU time
used (CPU-h/M).

Lines are (nearly) all different by default (11,989 of the first 12,000 of `address_lines`): the corrector memoises its
fuzzy searches, so with repeated lines one process reuses what two processes must each compute, and the
speed-up would measure the repeats, not the parallelism.

On a shared machine the wall-clock speed-up says little: Linux's autogroup scheduler gives each session an
equal share of the CPUs however many processes it runs, so with other busy sessions a second worker adds no
CPU. The load average is printed before and after; items per CPU-second shows the parallel overhead.
Inputs: the real Kalapa lines and images from ../shared when present, else lines built from the gazetteer
and images drawn from the bundled sample.

More cores: pass ``--workers 1,2,4,8`` on a bigger machine; the work is split in independent chunks, so the
throughput grows with N until the parent (reading input, writing output) becomes the bottleneck. For more
than one machine use vaddr.integrations.ray (or the Spark UDF): the same per-worker numbers apply per node.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from batch_data import address_lines, line_images  # noqa: E402

from vaddr.parallel import map_ordered  # noqa: E402


def time_command(cmd: list[str], stdin: Path | None) -> tuple[float, bytes]:
    """Wall seconds and stdout of one run."""
    t0 = time.perf_counter()
    with open(stdin or os.devnull, "rb") as fin:
        proc = subprocess.run(cmd, stdin=fin, capture_output=True, check=False)
    wall = time.perf_counter() - t0
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}): {proc.stderr.decode()[-2000:]}")
    return wall, proc.stdout


def _probe_correct(lines: list[str]) -> list[tuple[int, int, float]]:
    """The real work on one chunk, plus (pid, peak RSS KiB, CPU seconds of this chunk per item) per item."""
    from vaddr.batch import correct_value

    t0 = time.process_time()
    for line in lines:
        correct_value(line)
    cpu = time.process_time() - t0
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return [(os.getpid(), rss, cpu / len(lines))] * len(lines)


def _probe_read(images: list[Path]) -> list[tuple[int, int, float]]:
    from vaddr.pipeline import read, recognizer

    t0 = time.process_time()
    read(images, recognizer("crnn", 1))
    cpu = time.process_time() - t0
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return [(os.getpid(), rss, cpu / len(images))] * len(images)


def library_run(fn, items: list, jobs: int, chunk: int) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds (work in the workers, + this process with jobs > 1) and the largest worker's
    peak RSS (MiB) of one library-level run (`vaddr.parallel.map_ordered`, as `jobs=` uses it)."""
    peaks: dict[int, int] = {}
    cpu = 0.0
    main0 = time.process_time()
    t0 = time.perf_counter()
    for pid, rss, item_cpu in map_ordered(fn, items, jobs=jobs, chunk_size=chunk, batched=True):
        peaks[pid] = max(peaks.get(pid, 0), rss)
        cpu += item_cpu
    wall = time.perf_counter() - t0
    if jobs > 1:
        cpu += time.process_time() - main0
    return wall, cpu, max(peaks.values()) / 1024


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--workers", default="1,2", help="comma-separated worker counts (default 1,2)")
    ap.add_argument("--lines", type=int, default=12000)
    ap.add_argument("--images", type=int, default=300)
    ap.add_argument("--repeat", type=int, default=1, help="runs per setting; the fastest is kept")
    ap.add_argument("--skip", choices=["lines", "images"], action="append", default=[])
    args = ap.parse_args()
    workers = [int(w) for w in args.workers.split(",")]
    bindir = Path(sys.executable).parent
    print(f"machine: {os.cpu_count()} cores; load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    with tempfile.TemporaryDirectory() as tmp:
        tmpd = Path(tmp)
        lines = address_lines(args.lines)
        (tmpd / "lines.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
        imgdir = tmpd / "images"
        imgdir.mkdir()
        images = line_images(tmpd / "drawn", args.images)
        for i, src in enumerate(images):
            (imgdir / f"{i:05d}{src.suffix}").write_bytes(src.read_bytes())
        suites = []
        if "lines" not in args.skip:
            suites.append(("lines", "vaddr-correct", [str(bindir / "vaddr-correct")], tmpd / "lines.txt", len(lines)))
        if "images" not in args.skip:
            cmd = [str(bindir / "vaddr-ocr"), str(imgdir), "--json"]
            suites.append(("images", "vaddr-ocr", cmd, None, len(images)))
        for unit, name, cmd, stdin, n in suites:
            distinct = f" ({len(set(lines))} distinct)" if unit == "lines" else ""
            print(f"\n{name}: {n} {unit}{distinct}")
            print(
                f"{'workers':>7} {'wall s':>8} {unit + '/s':>10} {'speed-up':>8} {'identical':>9} | "
                f"{'lib wall':>8} {'CPU s':>7} {unit + '/CPU-s':>13} {'worker MiB':>10} {'core-h/M':>8} {'CPU-h/M':>8}"
            )
            base_rate, base_out = None, None
            for k in workers:
                best = None
                for _ in range(args.repeat):
                    wall, out = time_command([*cmd, "--jobs", str(k)], stdin)
                    if best is None or wall < best[0]:
                        best = (wall, out)
                wall, out = best
                rate = n / wall
                base_rate = base_rate or rate
                base_out = base_out if base_out is not None else out
                if unit == "lines":
                    lwall, cpu, rss = library_run(_probe_correct, lines, k, 256)
                else:
                    lwall, cpu, rss = library_run(_probe_read, images, k, 32)
                core_h = k * wall / n * 1e6 / 3600
                cpu_h = cpu / n * 1e6 / 3600
                print(
                    f"{k:>7} {wall:>8.2f} {rate:>10.1f} {rate / base_rate:>7.2f}x {str(out == base_out):>9} | "
                    f"{lwall:>8.2f} {cpu:>7.1f} {n / cpu:>13.1f} {rss:>10.0f} {core_h:>8.2f} {cpu_h:>8.2f}"
                )
    print(f"\nload average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
