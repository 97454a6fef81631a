"""Multi-line benchmark: two- and three-line images stacked from real lines, read split vs one by one.

    .venv/bin/python benchmarks/multiline.py [--writers all|heldout] [--model PATH]

Consecutive lines of one writer in ``../shared/data/kalapa_real`` are stacked vertically (padded on
the right with the paper grey) into images of 2 and 3 lines, as an address box holding several lines.
Each stacked image is split by ``vaddr.ocr_backends.lines`` and read; the lines it yields are compared
with the labels of the stacked lines. Printed: how often the split finds exactly the stacked number of
lines, and the exact-line rate (raw greedy reading, no corrector) of the split reading vs reading the
same lines from their own images one by one (issue 10's target: within 5 points), plus the whole
address (joined lines) raw and corrected. Skipped with a message when ../shared is absent.
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from vaddr.corrector import correct  # noqa: E402
from vaddr.ocr_backends import ctc, load_gray  # noqa: E402
from vaddr.ocr_backends.lines import join, line_images  # noqa: E402
from vaddr.ocr_backends.onnx_crnn import CrnnOnnx, default_model_path  # noqa: E402

REAL_DIR = ROOT.parent / "shared" / "data" / "kalapa_real"
HELD_OUT = ("125", "208", "211", "222", "262", "298", "61", "68", "8", "98")  # training.real_data.VAL_WRITERS


def real_lines(writers: str) -> dict[str, list[tuple[Path, str]]]:
    """writer -> [(image, label)] in file order."""
    out: dict[str, list[tuple[Path, str]]] = defaultdict(list)
    for row in (REAL_DIR / "labels.tsv").read_text(encoding="utf-8").splitlines():
        if "\t" in row:
            rel, label = row.split("\t", 1)
            w = Path(rel).parent.name
            if writers == "all" or w in HELD_OUT:
                out[w].append((REAL_DIR / rel, label))
    return out


def stack(grays: list[np.ndarray]) -> np.ndarray:
    """Lines one under the other, each padded on the right with its own paper grey (90th percentile)."""
    width = max(g.shape[1] for g in grays)
    rows = []
    for g in grays:
        paper = np.uint8(np.percentile(g, 90))
        rows.append(np.pad(g, ((0, 0), (0, width - g.shape[1])), constant_values=paper))
    return np.vstack(rows)


def groups(lines: dict[str, list[tuple[Path, str]]], n: int) -> list[list[tuple[Path, str]]]:
    """Non-overlapping runs of ``n`` consecutive lines per writer (a single-line image that already
    holds two lines, like writer 46's first, is skipped)."""
    out = []
    for items in lines.values():
        for i in range(0, len(items) - n + 1, n):
            out.append(items[i : i + n])
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--writers", choices=("all", "heldout"), default="heldout")
    ap.add_argument("--model", type=Path, default=default_model_path())
    ap.add_argument("--limit", type=int, default=0, help="stacked images per line count (0: all)")
    a = ap.parse_args()
    if not (REAL_DIR / "labels.tsv").exists():
        print(f"skipped: {REAL_DIR} not found")
        return
    rec = CrnnOnnx(model_path=a.model)
    charset = rec.charset
    lines = real_lines(a.writers)
    single: dict[Path, str] = {}

    def read_one(gray: np.ndarray) -> str:
        (lp,) = rec.posteriors([gray])
        return ctc.greedy(lp, charset).text

    print(f"model {a.model.name}; writers: {a.writers}")
    for n in (2, 3):
        gs = groups(lines, n)
        if a.limit:
            gs = gs[: a.limit]
        found = ok_split = ok_single = total = whole_raw = whole_cor = 0
        for g in gs:
            grays = [load_gray(p) for p, _ in g]
            labels = [lab for _, lab in g]
            for (p, _), gray in zip(g, grays, strict=True):
                if p not in single:
                    single[p] = read_one(gray)
            pieces = line_images(stack(grays))
            found += len(pieces) == n
            parts = rec.recognize(pieces, top_k=10)
            reads = [ctc.greedy(r.log_probs, charset).text for r in parts]  # type: ignore[arg-type]
            if len(reads) == n:
                ok_split += sum(r == lab for r, lab in zip(reads, labels, strict=True))
            ok_single += sum(single[p] == lab for p, lab in g)
            total += n
            joined = join(parts)
            whole_raw += " ".join(reads) == " ".join(labels)
            whole_cor += correct(joined).text == " ".join(labels)
        m = len(gs)
        print(
            f"{n}-line images: {m}; split into {n} lines: {found / m:.1%}; exact lines split-read "
            f"{ok_split / total:.1%} vs one by one {ok_single / total:.1%} "
            f"(difference {100 * (ok_split - ok_single) / total:+.1f} points); whole address exact raw "
            f"{whole_raw / m:.1%}, corrected {whole_cor / m:.1%}"
        )


if __name__ == "__main__":
    main()
