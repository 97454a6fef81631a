"""OCR benchmark: model size, per-line latency on one thread, and accuracy raw vs corrected.

    .venv/bin/python benchmarks/ocr.py [--model PATH] [--synth-limit 500] [--latency-lines 100]

Prints:
  * the model file size and its metadata (charset size, input height);
  * latency per line at batch size 1 on ``--threads`` threads (default 1), split into decode (image file
    -> gray), preprocess, model and CTC beam search, p50/p99, on real-sized photos (the Kalapa images when
    ../shared is present, else the bundled sample);
  * model + beam throughput on the real held-out lines (each line is run alone: see onnx_crnn.py);
  * CER, exact-line rate and the Kalapa score on the held-out synthetic set cached by training
    (training/cache/synth_val, already preprocessed) and on the real Kalapa lines of the held-out writers
    (training.real_data.VAL_WRITERS), each raw (recognizer best) and after ``vaddr.correct()``.
Each part is skipped with a message when its data is absent.
"""

from __future__ import annotations

import argparse
import ast
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from vaddr import metrics  # noqa: E402
from vaddr.ocr_backends import ctc, load_gray, preprocess  # noqa: E402
from vaddr.ocr_backends.onnx_crnn import CrnnOnnx, default_model_path  # noqa: E402

SYNTH_VAL = ROOT / "training" / "cache" / "synth_val"
REAL_DIR = ROOT.parent / "shared" / "data" / "kalapa_real"
SAMPLE = ROOT / "vaddr" / "samples" / "sample.png"


def held_out_writers() -> tuple[str, ...]:
    """training.real_data.VAL_WRITERS; read from the file's source when its training-only imports
    (cv2, tqdm) are not installed."""
    try:
        from training.real_data import VAL_WRITERS

        return tuple(VAL_WRITERS)
    except ImportError:
        tree = ast.parse((ROOT / "training" / "real_data.py").read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            target = getattr(node, "target", None) or (getattr(node, "targets", None) or [None])[0]
            if isinstance(target, ast.Name) and target.id == "VAL_WRITERS":
                return tuple(ast.literal_eval(node.value))
        raise


def pct(values: list[float], q: float) -> float:
    return float(np.percentile(np.asarray(values) * 1000.0, q))


def report_latency(name: str, values: list[float]) -> None:
    print(f"  {name:<12} p50 {pct(values, 50):7.2f} ms   p99 {pct(values, 99):7.2f} ms")


def latency(rec: CrnnOnnx, files: list[Path], beam: int) -> None:
    charset = rec.charset
    parts: dict[str, list[float]] = {"decode": [], "preprocess": [], "model": [], "ctc beam": [], "total": []}
    greedy: list[float] = []
    frames: list[int] = []
    for i, f in enumerate(files):
        t0 = time.perf_counter()
        gray = load_gray(f)
        t1 = time.perf_counter()
        x = preprocess.prepare(gray)
        t2 = time.perf_counter()
        (lp,) = rec.posteriors_prepared([x])
        t3 = time.perf_counter()
        ctc.beam_search(lp, charset, beam_width=beam, top_k=10)
        t4 = time.perf_counter()
        ctc.greedy(lp, charset)
        t5 = time.perf_counter()
        if i < 3:
            continue  # warm-up
        frames.append(lp.shape[0])
        for k, v in zip(parts, (t1 - t0, t2 - t1, t3 - t2, t4 - t3, t4 - t0), strict=True):
            parts[k].append(v)
        greedy.append(t5 - t4)
    print(
        f"latency per line, batch 1, {rec.threads} thread(s), {len(parts['total'])} lines "
        f"(frames T: median {int(np.median(frames))}, max {max(frames)}):"
    )
    for k, v in parts.items():
        report_latency(k, v)
    report_latency("(greedy)", greedy)
    lm = parts["preprocess"], parts["model"], parts["ctc beam"]
    report_latency("prep+model+ctc", [a + b + c for a, b, c in zip(*lm, strict=True)])


def decode_all(rec: CrnnOnnx, prepared: list[np.ndarray], beam: int) -> list[list]:
    out = []
    for start in range(0, len(prepared), 64):
        for lp in rec.posteriors_prepared(prepared[start : start + 64]):
            out.append(ctc.beam_search(lp, rec.charset, beam_width=beam, top_k=10))
    return out


def accuracy(name: str, hyps: list[list], labels: list[str], correct: Callable | None) -> None:
    raw = [h[0].text if h else "" for h in hyps]
    rows = [("raw", raw)]
    if correct is not None:
        rows.append(("corrected", [correct(h).text for h in hyps]))
    for label, preds in rows:
        s = metrics.summarize(preds, labels)
        print(
            f"  {name:<28} {label:<10} n={s['n']:<5} CER {s['cer'] * 100:6.2f}%   "
            f"exact {s['exact'] * 100:6.2f}%   kalapa {s['kalapa']:.4f}"
        )


def synth_set(limit: int) -> tuple[list[np.ndarray], list[str]]:
    prepared, labels = [], []
    for shard in sorted(SYNTH_VAL.glob("shard_*.npz")):
        z = np.load(shard)
        h = int(z["height"])
        pix = z["pixels"]
        pos = 0
        for w, label in zip(z["widths"].tolist(), z["labels"].tolist(), strict=True):
            img = pix[pos : pos + h * w].reshape(h, w)
            pos += h * w
            prepared.append((img.astype(np.float32) / 255.0)[None])
            labels.append(str(label))
            if len(labels) >= limit:
                return prepared, labels
    return prepared, labels


def real_set() -> list[tuple[Path, str]]:
    writers = set(held_out_writers())
    rows = []
    for line in (REAL_DIR / "labels.tsv").read_text(encoding="utf-8").splitlines():
        if "\t" in line:
            rel, label = line.split("\t", 1)
            if Path(rel).parent.name in writers:
                rows.append((REAL_DIR / rel, label))
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", type=Path, default=None, help="ONNX model (default: the bundled one)")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--beam", type=int, default=10)
    ap.add_argument("--latency-lines", type=int, default=100)
    ap.add_argument("--synth-limit", type=int, default=500)
    ap.add_argument("--no-correct", action="store_true", help="skip the corrector (raw numbers only)")
    a = ap.parse_args()

    path = a.model or default_model_path()
    if not path.is_file():
        sys.exit(f"no model at {path}")
    rec = CrnnOnnx(model_path=path, threads=a.threads, beam_width=a.beam)
    meta = rec.metadata
    print(
        f"model {path}: {path.stat().st_size / 1e6:.2f} MB, {len(rec.charset) + 1} classes, height {meta.get('height')}"
    )

    correct = None
    if not a.no_correct:
        from vaddr.corrector import correct

    real = real_set() if (REAL_DIR / "labels.tsv").is_file() else []
    files = [f for f, _ in real[: a.latency_lines + 3]] or ([SAMPLE] * 23 if SAMPLE.is_file() else [])
    if files:
        latency(rec, files, a.beam)
    else:
        print("latency: skipped (no ../shared/data/kalapa_real and no bundled sample)")

    print("accuracy:")
    if any(SYNTH_VAL.glob("shard_*.npz")):
        prepared, labels = synth_set(a.synth_limit)
        t0 = time.perf_counter()
        hyps = decode_all(rec, prepared, a.beam)
        dt = time.perf_counter() - t0
        accuracy("synthetic held-out", hyps, labels, correct)
        print(f"  ({dt / len(labels) * 1000:.1f} ms/line model + beam, each line run alone)")
    else:
        print(f"  synthetic held-out: skipped ({SYNTH_VAL} has no shards; training renders them)")
    if real:
        prepared = [preprocess.prepare(load_gray(f)) for f, _ in real]
        t0 = time.perf_counter()
        hyps = decode_all(rec, prepared, a.beam)
        dt = time.perf_counter() - t0
        n_writers = len({f.parent.name for f, _ in real})
        accuracy(f"real, {n_writers} held-out writers", hyps, [lab for _, lab in real], correct)
        print(f"  throughput: {len(real) / dt:.1f} lines/s model + beam ({dt / len(real) * 1000:.1f} ms/line, alone)")
    else:
        print(f"  real Kalapa lines: skipped ({REAL_DIR} absent)")


if __name__ == "__main__":
    main()
