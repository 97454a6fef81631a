"""Rescoring against posteriors: CTC scoring is exact, and a ward absent from every string is recovered."""

from __future__ import annotations

import itertools

import numpy as np

from vaddr import correct
from vaddr.corrector import posteriors
from vaddr.ocr_backends.base import Recognition
from vaddr.types import Hypothesis


def _brute_force(log_probs: np.ndarray, labels: list[int]) -> float:
    total = -np.inf
    for path in itertools.product(range(log_probs.shape[1]), repeat=log_probs.shape[0]):
        collapsed, prev = [], None
        for p in path:
            if p != prev and p != 0:
                collapsed.append(p)
            prev = p
        if collapsed == labels:
            total = np.logaddexp(total, sum(log_probs[t, p] for t, p in enumerate(path)))
    return float(total)


def test_window_scores_match_brute_force_enumeration() -> None:
    rng = np.random.default_rng(3)
    for _ in range(25):
        t_len = int(rng.integers(1, 6))
        x = rng.normal(size=(t_len, 4))
        log_probs = x - np.log(np.exp(x).sum(axis=1, keepdims=True))
        candidates = [[1], [1, 2], [2, 2], [3, 1, 3]]
        got = posteriors.window_scores(log_probs, candidates)
        for g, c in zip(got, candidates, strict=True):
            want = _brute_force(log_probs, c)
            assert (np.isinf(g) and np.isinf(want)) or abs(g - want) < 1e-6


def test_alignment_finds_the_frames_of_each_character() -> None:
    charset = list("ab")
    # frames: a a blank b
    probs = np.full((4, 3), 1e-4)
    probs[0, 1] = probs[1, 1] = probs[2, 0] = probs[3, 2] = 1.0
    log_probs = np.log(probs / probs.sum(axis=1, keepdims=True))
    index = {c: i + 1 for i, c in enumerate(charset)}
    assert posteriors.align(log_probs, posteriors.encode("ab", index)) == [(0, 1), (3, 3)]


def _posteriors_for(text: str, doubt: dict[int, dict[str, float]]) -> tuple[np.ndarray, list[str]]:
    """One frame per character with a blank frame after each; `doubt` spreads a frame over rivals."""
    charset = sorted(set(text) | {c for d in doubt.values() for c in d})
    index = {c: i + 1 for i, c in enumerate(charset)}
    rows = []
    for i, ch in enumerate(text):
        row = np.full(len(charset) + 1, 1e-4)
        for c, p in doubt.get(i, {ch: 0.98}).items():
            row[index[c]] = p
        rows.append(row)
        blank = np.full(len(charset) + 1, 1e-4)
        blank[0] = 0.98
        rows.append(blank)
    probs = np.array(rows)
    return np.log(probs / probs.sum(axis=1, keepdims=True)), charset


def test_true_ward_not_in_any_hypothesis_is_recovered_from_posteriors() -> None:
    # The writer wrote "Ea Hu"; the recognizer hesitated between T (0.5) and H (0.45) on one letter, so every
    # string reads "Ea Tu", which the matcher alone takes for the closest valid ward, "Ea Ktur".
    greedy = "Ea Tu Cư Kuin Đắk Lắk"
    log_probs, charset = _posteriors_for(greedy, {3: {"T": 0.5, "H": 0.45}})
    hyps = [Hypothesis(text=greedy, log_prob=-0.7)]
    assert correct(hyps).ward.name == "Ea Ktur"  # strings alone: wrong
    rec = Recognition(hypotheses=hyps, log_probs=log_probs, charset=charset)
    result = correct(rec)
    assert result.ward.name == "Ea Hu"
    assert result.text == "Ea Hu Cư Kuin Đắk Lắk"
    assert correct(rec, lexicon=False).ward.name == "Ea Ktur"
