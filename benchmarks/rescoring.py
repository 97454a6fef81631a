"""Cost of structure-aware rescoring: what top-k + lexicon re-decoding adds over correcting one string.

Runs the bundled recognizer once over line images (not timed), then times, per line on one core:
`correct(greedy string)` and `correct(top-k hypotheses + posteriors)` for k = 1, 5, 10, 20, with and without
lexicon-constrained re-decoding, and prints p50/p99 of the time added. Target: <= 5 ms p50 at k = 10.

    python benchmarks/rescoring.py [--labels ../shared/data/kalapa_real/labels.tsv] [--limit 200]

Without ../shared it falls back to the bundled sample image repeated (timing only).
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")

from vaddr import correct  # noqa: E402
from vaddr.ocr_backends import Recognition, get  # noqa: E402
from vaddr.ocr_backends.ctc import greedy  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = ROOT.parent / "shared" / "data" / "kalapa_real" / "labels.tsv"


def _images(labels: Path, limit: int) -> list[Path]:
    if not labels.exists():
        return [ROOT / "vaddr" / "samples" / "sample.png"] * min(limit, 50)
    rows = [r.split("\t")[0] for r in labels.read_text(encoding="utf-8").splitlines() if "\t" in r]
    return [labels.parent / r for r in rows[:limit]]


def _pct(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(len(xs) * q))]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--labels", type=Path, default=DEFAULT)
    ap.add_argument("--limit", type=int, default=200)
    args = ap.parse_args(argv)
    rec = get("crnn", threads=1)
    recs: list[Recognition] = []
    for path in _images(args.labels, args.limit):
        recs.append(rec.recognize([path], top_k=20)[0])
    correct("warm up")
    base = []
    for r in recs:
        text = greedy(r.log_probs, r.charset).text
        t0 = time.perf_counter()
        correct(text)
        base.append(time.perf_counter() - t0)
    print(f"{len(recs)} lines; correct(greedy string): p50 {statistics.median(base) * 1000:.2f} ms")
    for k in (1, 5, 10, 20):
        for lexicon in (False, True):
            added = []
            for r, b in zip(recs, base, strict=True):
                sub = Recognition(hypotheses=r.hypotheses[:k], log_probs=r.log_probs, charset=r.charset)
                t0 = time.perf_counter()
                correct(sub, lexicon=lexicon)
                added.append(time.perf_counter() - t0 - b)
            print(
                f"k={k:<3} lexicon={'on ' if lexicon else 'off'}  added p50 {statistics.median(added) * 1000:6.2f} ms"
                f"   p99 {_pct(added, 0.99) * 1000:6.2f} ms"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
