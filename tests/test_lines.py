"""Multi-line images: split into lines, each read, joined top to bottom (vaddr.ocr_backends.lines).

The splitter is checked on the bundled sample line stacked two and three times, on single lines that
must stay whole (with the neighbour line's descenders at an edge, a small correction above a word),
and on real lines of the held-out writers in ../shared stacked as an address box holding several
lines (skipped without ../shared): each stacked image splits into its lines and the exact-line rate of
the split reading stays within 5 points of reading the same lines from their own images.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from vaddr.ocr_backends import Recognition, ctc, load_gray
from vaddr.ocr_backends.lines import join, line_images, recognize_lines, split_lines
from vaddr.ocr_backends.onnx_crnn import CrnnOnnx
from vaddr.pipeline import read
from vaddr.types import Hypothesis

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "vaddr" / "samples" / "sample.png"
REAL_DIR = ROOT.parent / "shared" / "data" / "kalapa_real"
HELD_OUT = ("125", "208", "211", "222", "262", "298", "61", "68", "8", "98")


def stack(grays: list[np.ndarray]) -> np.ndarray:
    width = max(g.shape[1] for g in grays)
    rows = [np.pad(g, ((0, 0), (0, width - g.shape[1])), constant_values=np.uint8(np.percentile(g, 90))) for g in grays]
    return np.vstack(rows)


@pytest.fixture(scope="module")
def sample() -> np.ndarray:
    return load_gray(SAMPLE)


def test_single_line_stays_whole(sample: np.ndarray) -> None:
    assert split_lines(sample) == [(0, sample.shape[0])]
    assert line_images(sample)[0] is sample


@pytest.mark.parametrize("n", [2, 3])
def test_stacked_sample_splits(sample: np.ndarray, n: int) -> None:
    img = stack([sample] * n)
    ranges = split_lines(img)
    assert len(ranges) == n
    h = sample.shape[0]
    for k, (a, b) in enumerate(ranges):  # each cut lies near the seam between two copies
        assert abs(a - k * h) < 0.35 * h and abs(b - (k + 1) * h) < 0.35 * h


def test_blank_image_is_one_range() -> None:
    assert split_lines(np.full((120, 900), 230, np.uint8)) == [(0, 120)]


def test_descenders_of_the_line_above_do_not_make_a_line(sample: np.ndarray) -> None:
    """Short strokes at the top edge (the previous line's tails) are not a text line."""
    img = np.vstack([np.full((25, sample.shape[1]), 235, np.uint8), sample])
    for x in range(40, sample.shape[1] - 40, 90):
        img[0:14, x : x + 3] = 40
    assert len(split_lines(img)) == 1


def test_join_combines_hypotheses_and_posteriors() -> None:
    charset = ["a", "b", " "]
    lp1 = np.log(np.full((4, 4), 0.25, np.float32))
    lp2 = np.log(np.full((6, 4), 0.25, np.float32))
    r1 = Recognition(hypotheses=[Hypothesis(text="a", log_prob=-1.0), Hypothesis(text="b", log_prob=-2.0)])
    r1 = Recognition(hypotheses=r1.hypotheses, log_probs=lp1, charset=charset)
    r2 = Recognition(
        hypotheses=[Hypothesis(text="bb", log_prob=-0.5), Hypothesis(text="ab", log_prob=-3.0)],
        log_probs=lp2,
        charset=charset,
    )
    j = join([r1, r2], top_k=3)
    assert [h.text for h in j.hypotheses] == ["a bb", "b bb", "a ab"]
    assert j.hypotheses[0].log_prob == pytest.approx(-1.5)
    assert j.log_probs is not None and j.log_probs.shape == (4 + 3 + 6, 4)
    assert ctc.greedy(j.log_probs[4:7], charset).text == " "  # the separator reads as one space


def test_read_joins_the_lines_of_a_stacked_image(sample: np.ndarray) -> None:
    rec = CrnnOnnx()
    one = rec.recognize([sample])[0].best.text
    two = recognize_lines(rec, [stack([sample, sample])])[0]
    assert two.best.text == f"{one} {one}"
    res = read(stack([sample, sample]), correct=False)[0]
    assert res.ok and res.raw == f"{one} {one}"


def _real_groups(n: int) -> list[list[tuple[Path, str]]]:
    by: dict[str, list[tuple[Path, str]]] = {}
    for row in (REAL_DIR / "labels.tsv").read_text(encoding="utf-8").splitlines():
        if "\t" in row:
            rel, label = row.split("\t", 1)
            w = Path(rel).parent.name
            if w in HELD_OUT:
                by.setdefault(w, []).append((REAL_DIR / rel, label))
    return [items[i : i + n] for items in by.values() for i in range(0, 6, n)]


@pytest.mark.skipif(not (REAL_DIR / "labels.tsv").exists(), reason="needs ../shared (real lines)")
@pytest.mark.parametrize("n", [2, 3])
def test_real_stacked_lines_read_like_one_by_one(n: int) -> None:
    rec = CrnnOnnx()
    groups = _real_groups(n)
    split_ok = one_ok = total = found = 0
    for g in groups:
        grays = [load_gray(p) for p, _ in g]
        labels = [lab for _, lab in g]
        pieces = line_images(stack(grays))
        found += len(pieces) == n
        if len(pieces) == n:
            reads = [r.best.text for r in rec.recognize(pieces)]
            split_ok += sum(r == lab for r, lab in zip(reads, labels, strict=True))
        one_ok += sum(r.best.text == lab for r, lab in zip(rec.recognize(grays), labels, strict=True))
        total += n
    assert found >= 0.95 * len(groups)
    assert (one_ok - split_ok) / total <= 0.05, (split_ok, one_ok, total)


def test_join_leaves_out_lines_without_writing() -> None:
    a = Recognition(hypotheses=[Hypothesis(text="Hà Nội", log_prob=-1.0)])
    blank = Recognition(hypotheses=[Hypothesis(text="", log_prob=0.0)], no_text="no ink")
    assert join([a, blank]).best.text == "Hà Nội"
    assert join([blank, blank]).no_text == "no ink"
