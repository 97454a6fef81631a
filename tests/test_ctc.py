"""CTC decoding checked against brute force: every alignment of tiny posteriors enumerated."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from vaddr.ocr_backends import ctc

CHARS = ["a", "b", "c"]


def log_softmax(x: np.ndarray) -> np.ndarray:
    x = x - x.max(axis=1, keepdims=True)
    return x - np.log(np.exp(x).sum(axis=1, keepdims=True))


def brute_force(lp: np.ndarray, charset: list[str]) -> dict[str, float]:
    """log P(label) = logsumexp over all C**T alignments that collapse to it."""
    T, C = lp.shape
    acc: dict[str, list[float]] = {}
    for path in itertools.product(range(C), repeat=T):
        label = "".join(charset[k - 1] for k in ctc.collapse(path))
        acc.setdefault(label, []).append(float(sum(lp[t, k] for t, k in enumerate(path))))
    return {label: float(np.logaddexp.reduce(v)) for label, v in acc.items()}


@pytest.mark.parametrize("seed", range(40))
def test_beam_matches_brute_force(seed: int) -> None:
    rng = np.random.default_rng(seed)
    T = int(rng.integers(1, 6))
    C = int(rng.integers(2, 5))
    charset = CHARS[: C - 1]
    lp = log_softmax(rng.normal(scale=2.0, size=(T, C)))
    truth = brute_force(lp, charset)
    top_k = 5
    # Beam wide enough to hold every prefix, no pruning: the search must be exact.
    exact = dict(prune_log_prob=-math.inf, max_candidates=0)
    got = ctc.beam_search(lp, charset, beam_width=C**T + 1, top_k=top_k, **exact)
    expected = sorted(truth.items(), key=lambda kv: -kv[1])[:top_k]
    assert [h.text for h in got] == [label for label, _ in expected]
    np.testing.assert_allclose([h.log_prob for h in got], [s for _, s in expected], rtol=0, atol=1e-9)
    # All probability mass is accounted for.
    full = ctc.beam_search(lp, charset, beam_width=C**T + 1, top_k=10**6, **exact)
    assert math.isclose(float(np.logaddexp.reduce([h.log_prob for h in full])), 0.0, abs_tol=1e-9)


def naive_beam(lp: np.ndarray, beam_width: int) -> list[tuple[tuple[int, ...], float]]:
    """Textbook prefix beam search: every class tried in every frame, beam cut after each frame."""
    beams = {(): (0.0, -math.inf)}
    for row in lp:
        nxt: dict[tuple[int, ...], list[float]] = {}
        for prefix, (pb, pnb) in beams.items():
            total = np.logaddexp(pb, pnb)
            e = nxt.setdefault(prefix, [-math.inf, -math.inf])
            e[0] = np.logaddexp(e[0], total + row[0])
            if prefix:
                e[1] = np.logaddexp(e[1], pnb + row[prefix[-1]])
            for c in range(1, len(row)):
                f = nxt.setdefault(prefix + (c,), [-math.inf, -math.inf])
                f[1] = np.logaddexp(f[1], (pb if prefix and prefix[-1] == c else total) + row[c])
        ranked = sorted(nxt.items(), key=lambda kv: -np.logaddexp(*kv[1]))[:beam_width]
        beams = {k: tuple(v) for k, v in ranked}
    return [(k, float(np.logaddexp(*v))) for k, v in beams.items()]


@pytest.mark.parametrize("seed", range(15))
def test_threshold_pruning_equals_naive_beam(seed: int) -> None:
    """Skipping new prefixes below the running beam threshold changes nothing against the textbook beam."""
    rng = np.random.default_rng(1000 + seed)
    charset = ["a", "b", "c", "d", "e"]
    lp = log_softmax(rng.normal(scale=2.5, size=(int(rng.integers(5, 25)), 6)))
    lp[:, 0] += 0.5
    lp = log_softmax(lp)
    width = int(rng.integers(1, 6))
    ref = naive_beam(lp, width)
    exact = dict(prune_log_prob=-math.inf, max_candidates=0)
    got = ctc.beam_search(lp, charset, beam_width=width, top_k=width, **exact)
    assert [h.text for h in got] == ["".join(charset[c - 1] for c in k) for k, _ in ref]
    np.testing.assert_allclose([h.log_prob for h in got], [s for _, s in ref], atol=1e-9)


@pytest.mark.parametrize("seed", range(10))
def test_default_pruning_keeps_the_top_labels(seed: int) -> None:
    """With the default pruning (and peaky-enough posteriors) the top labels and scores stay exact."""
    rng = np.random.default_rng(100 + seed)
    lp = log_softmax(rng.normal(scale=2.0, size=(4, 4)))
    truth = sorted(brute_force(lp, CHARS).items(), key=lambda kv: -kv[1])[:3]
    got = ctc.beam_search(lp, CHARS, beam_width=64, top_k=3)
    assert [h.text for h in got] == [label for label, _ in truth]
    np.testing.assert_allclose([h.log_prob for h in got], [s for _, s in truth], atol=1e-4)


def test_narrow_beam_returns_fewer_but_ordered() -> None:
    rng = np.random.default_rng(7)
    lp = log_softmax(rng.normal(size=(5, 4)))
    got = ctc.beam_search(lp, CHARS, beam_width=2, top_k=10)
    assert 1 <= len(got) <= 2
    assert [h.log_prob for h in got] == sorted((h.log_prob for h in got), reverse=True)
    assert len({h.text for h in got}) == len(got)


@pytest.mark.parametrize("seed", range(20))
def test_greedy_is_collapsed_argmax(seed: int) -> None:
    rng = np.random.default_rng(seed)
    lp = log_softmax(rng.normal(scale=3.0, size=(int(rng.integers(1, 30)), 4)))
    best = lp.argmax(axis=1)
    hyp = ctc.greedy(lp, CHARS)
    assert hyp.text == "".join(CHARS[k - 1] for k in ctc.collapse(best.tolist()))
    assert math.isclose(hyp.log_prob, float(lp[np.arange(len(lp)), best].sum()), abs_tol=1e-9)


def test_collapse_rule() -> None:
    assert ctc.collapse([0, 1, 1, 0, 1, 2, 2, 0]) == [1, 1, 2]
    assert ctc.collapse([]) == []
    assert ctc.collapse([0, 0]) == []


def test_all_blank_gives_empty_text() -> None:
    lp = np.log(np.tile([[0.999999, 1e-6 / 3, 1e-6 / 3, 1e-6 / 3]], (6, 1)))
    assert ctc.greedy(lp, CHARS).text == ""
    hyps = ctc.beam_search(lp, CHARS)
    assert hyps[0].text == ""
    assert hyps[0].log_prob == pytest.approx(6 * math.log(0.999999), abs=1e-6)


def test_single_frame() -> None:
    lp = np.log(np.array([[0.1, 0.6, 0.2, 0.1]]))
    hyps = ctc.beam_search(lp, CHARS, top_k=4, prune_log_prob=-math.inf)
    assert [h.text for h in hyps] == ["a", "b", "", "c"] or [h.text for h in hyps] == ["a", "b", "c", ""]
    assert hyps[0].log_prob == pytest.approx(math.log(0.6))
    assert ctc.greedy(lp, CHARS).text == "a"


def test_empty_time_axis() -> None:
    lp = np.zeros((0, 4))
    assert ctc.greedy(lp, CHARS).text == ""
    assert ctc.beam_search(lp, CHARS)[0].text == ""


def test_shape_errors() -> None:
    with pytest.raises(ValueError, match="classes"):
        ctc.beam_search(np.zeros((3, 5)), CHARS)
    with pytest.raises(ValueError, match=r"\[T, C\]"):
        ctc.greedy(np.zeros(4), CHARS)


def test_repeated_letters_need_a_blank() -> None:
    """'aa' is only reachable through a blank between the two a's."""
    p = np.array([[0.01, 0.97, 0.01, 0.01], [0.97, 0.01, 0.01, 0.01], [0.01, 0.97, 0.01, 0.01]])
    assert ctc.beam_search(np.log(p), CHARS)[0].text == "aa"
    p2 = np.array([[0.01, 0.97, 0.01, 0.01], [0.01, 0.97, 0.01, 0.01]])
    assert ctc.beam_search(np.log(p2), CHARS)[0].text == "a"


def realistic_posteriors(rng: np.random.Generator, T: int = 200, C: int = 230) -> np.ndarray:
    """Peaky CTC-like posteriors: mostly blank, a char every ~4 frames, some confusion."""
    logits = rng.normal(scale=1.0, size=(T, C))
    logits[:, 0] += 9.0
    for t in range(0, T, 4):
        c = int(rng.integers(1, C))
        logits[t, c] += 12.0
        logits[t, int(rng.integers(1, C))] += 10.0
    return log_softmax(logits).astype(np.float32)


def test_realistic_line_gives_top_k_distinct_best_first() -> None:
    """A 200-frame, 230-class line with beam 10 (the shape of a real line). Its speed is a benchmark's
    business, not a test's (`benchmarks/ocr.py` prints the beam's p50/p99): a timed assert fails on a busy
    machine."""
    rng = np.random.default_rng(0)
    charset = [chr(0x4E00 + i) for i in range(229)]
    for lp in [realistic_posteriors(rng) for _ in range(10)]:
        hyps = ctc.beam_search(lp, charset, beam_width=10, top_k=10)
        assert len(hyps) == 10
        assert len({h.text for h in hyps}) == 10
        assert [h.log_prob for h in hyps] == sorted((h.log_prob for h in hyps), reverse=True)
