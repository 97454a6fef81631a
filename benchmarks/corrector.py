"""Corrector benchmark: real address lines, degraded the way OCR degrades them, corrected by `vaddr.correct`.

Reads `../shared/data/kalapa_labels_dev.tsv` in place (1,350 real handwritten lines) and, with a fixed seed,
makes degraded copies:

* ``stripped``: every diacritic removed (the acceptance mode);
* ``ocr``: some words lose their marks, 1-3 character edits, some spaces dropped, sometimes lower case.

It prints exact-text recovery, character error rate before/after, province/district/ward accuracy, throughput on
one core and p99 latency, and runs the peer `vietnamadminunits.parse_address(mode='LEGACY')` (exact keyword
matching, installed with `pip install vietnamadminunits==1.0.4`) on the same inputs, side by side.

Gold units are those `correct()` resolves on the clean label; lines whose clean label does not resolve all three
levels are counted and left out of the p/d/w accuracy (the coverage report lists them).

    python benchmarks/corrector.py [--labels PATH] [--limit N] [--seed 7]
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")

from rapidfuzz.distance import Levenshtein  # noqa: E402

from vaddr import correct  # noqa: E402
from vaddr.corrector import clear_caches  # noqa: E402
from vaddr.rules.text import strip_marks  # noqa: E402

DEFAULT_LABELS = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "kalapa_labels_dev.tsv"
LETTERS = "abcdeghiklmnopqrstuvxyđăâêôơư"


def read_labels(path: Path) -> list[str]:
    lines = []
    for row in path.read_text(encoding="utf-8").splitlines():
        if "\t" in row:
            lines.append(row.split("\t", 1)[1].strip())
    return lines


def degrade_ocr(text: str, rng: random.Random) -> str:
    """Marks lost on some words, 1-3 character edits, some spaces dropped, sometimes lower case."""
    words = [strip_marks(w) if rng.random() < 0.5 else w for w in text.split()]
    out = ""
    for i, w in enumerate(words):
        out += w if i == 0 else ("" if rng.random() < 0.15 else " ") + w
    chars = list(out)
    for _ in range(rng.randint(1, 3)):
        if not chars:
            break
        i = rng.randrange(len(chars))
        op = rng.random()
        if op < 0.5:
            chars[i] = rng.choice(LETTERS)
        elif op < 0.75:
            del chars[i]
        else:
            chars.insert(i, rng.choice(LETTERS))
    out = "".join(chars)
    return out.lower() if rng.random() < 0.3 else out


def units_of(text: str) -> tuple[str | None, str | None, str | None]:
    a = correct(text)
    return (
        a.province.code if a.province else None,
        a.district.code if a.district else None,
        a.ward.code if a.ward else None,
    )


def peer_units(parse_address, text: str) -> tuple[str | None, str | None, str | None]:
    try:
        r = parse_address(text, mode="LEGACY")
    except Exception:  # the peer raises on lines it cannot parse
        return (None, None, None)
    return (r.province_code or None, r.district_code or None, r.ward_code or None)


def kalapa(pred: str, label: str) -> float:
    if pred == label:
        return 1.0
    return max(0.0, 1.0 - 1.5 ** Levenshtein.distance(pred, label) / max(1, len(label)))


def run_mode(name: str, labels: list[str], inputs: list[str], gold: list, peer) -> None:
    clear_caches()  # each mode starts cold: no help from lines seen in an earlier mode
    outs: list[str] = []
    times: list[float] = []
    units: list[tuple] = []
    pauses: list[float] = []  # cyclic garbage collections during the timed calls

    def on_gc(phase: str, info: dict) -> None:
        if phase == "start":
            on_gc.t0 = time.perf_counter()  # type: ignore[attr-defined]
        else:
            pauses.append(time.perf_counter() - on_gc.t0)  # type: ignore[attr-defined]

    gc.callbacks.append(on_gc)
    for x in inputs:
        t = time.perf_counter()
        a = correct(x)
        times.append(time.perf_counter() - t)
        outs.append(a.text)
        units.append(
            (
                a.province.code if a.province else None,
                a.district.code if a.district else None,
                a.ward.code if a.ward else None,
            )
        )
    gc.callbacks.remove(on_gc)
    n_chars = sum(len(y) for y in labels)
    cer_before = sum(Levenshtein.distance(x, y) for x, y in zip(inputs, labels, strict=True)) / n_chars
    cer_after = sum(Levenshtein.distance(o, y) for o, y in zip(outs, labels, strict=True)) / n_chars
    exact = sum(o == y for o, y in zip(outs, labels, strict=True)) / len(labels)
    score = statistics.fmean(kalapa(o, y) for o, y in zip(outs, labels, strict=True))
    evaluable = [i for i, g in enumerate(gold) if all(g)]
    acc = [sum(units[i][k] == gold[i][k] for i in evaluable) / len(evaluable) for k in range(3)]
    times_ms = sorted(t * 1000 for t in times)
    p50 = times_ms[len(times_ms) // 2]
    p99 = times_ms[min(len(times_ms) - 1, int(len(times_ms) * 0.99))]
    rate = len(inputs) / sum(times)
    print(f"\n== mode: {name} ({len(inputs)} lines, {len(evaluable)} with gold p/d/w) ==")
    print(
        f"vaddr.correct       exact-text {exact:6.1%}   CER before {cer_before:6.2%} -> after {cer_after:6.2%}"
        f"  (ratio {cer_after / cer_before if cer_before else 0:.3f})   Kalapa score {score:.4f}"
    )
    print(
        f"vaddr.correct       province {acc[0]:6.1%}  district {acc[1]:6.1%}  ward {acc[2]:6.1%}"
        f"   {rate:7.0f} addr/s   p50 {p50:.2f} ms   p99 {p99:.2f} ms"
    )
    print(
        f"vaddr.correct       max {times_ms[-1]:.1f} ms; garbage collection {sum(pauses) * 1000:.0f} ms in"
        f" {len(pauses)} pauses (longest {max(pauses, default=0) * 1000:.1f} ms)"
    )
    if peer is None:
        print("vietnamadminunits   not installed (pip install vietnamadminunits==1.0.4) - peer skipped")
        return
    t0 = time.perf_counter()
    peer_out = [peer_units(peer, x) for x in inputs]
    peer_rate = len(inputs) / (time.perf_counter() - t0)
    pacc = [sum(peer_out[i][k] == gold[i][k] for i in evaluable) / len(evaluable) for k in range(3)]
    print(
        f"vietnamadminunits   province {pacc[0]:6.1%}  district {pacc[1]:6.1%}  ward {pacc[2]:6.1%}"
        f"   {peer_rate:7.0f} addr/s"
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--labels", type=Path, default=DEFAULT_LABELS)
    ap.add_argument("--limit", type=int, default=0, help="use only the first N lines")
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args(argv)
    if not args.labels.exists():
        print(f"labels not found: {args.labels} (needs ../shared/data)", file=sys.stderr)
        return 0
    labels = read_labels(args.labels)
    if args.limit:
        labels = labels[: args.limit]
    try:
        from vietnamadminunits import parse_address as peer
    except ImportError:
        peer = None

    correct("warm up the gazetteer and indexes")
    correct("Quận 2 Hồ Chí Minh")  # ... and the successor table of units that no longer exist
    gold = [units_of(y) for y in labels]
    unresolved = [(y, g) for y, g in zip(labels, gold, strict=True) if not all(g)]
    print(
        f"{len(labels)} real lines; clean label resolves all 3 levels for {len(labels) - len(unresolved)}"
        f"; unresolved {len(unresolved)}"
    )
    rng = random.Random(args.seed)
    modes = {
        "stripped": [strip_marks(y) for y in labels],
        "ocr": [degrade_ocr(y, rng) for y in labels],
        "clean": list(labels),
    }
    for name, inputs in modes.items():
        run_mode(name, labels, inputs, gold, peer)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
