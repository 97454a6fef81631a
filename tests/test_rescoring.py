"""Rescoring against posteriors: CTC scoring is exact, and a ward absent from every string is recovered."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np

from vaddr import correct
from vaddr.corrector import posteriors
from vaddr.ocr_backends.base import Recognition
from vaddr.types import Hypothesis

ROOT = Path(__file__).resolve().parent.parent


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


def _posteriors_for(frames: list[dict[str, float]]) -> tuple[np.ndarray, list[str]]:
    """Posteriors from per-frame distributions ({char: prob}; "" is the CTC blank), floored at 1e-4."""
    charset = sorted({c for f in frames for c in f if c})
    index = {c: i + 1 for i, c in enumerate(charset)}
    probs = np.full((len(frames), len(charset) + 1), 1e-4)
    for t, frame in enumerate(frames):
        for c, p in frame.items():
            probs[t, index[c] if c else 0] = p
    return np.log(probs / probs.sum(axis=1, keepdims=True)), charset


def _clear(text: str) -> list[dict[str, float]]:
    """Confident frames for `text`, a blank frame after each character."""
    out: list[dict[str, float]] = []
    for ch in text:
        out += [{ch: 0.98}, {"": 0.98}]
    return out


def test_true_ward_not_in_any_hypothesis_is_recovered_from_posteriors() -> None:
    # The writer wrote "Ea Ktur". The recognizer hesitated: H (0.5) or K (0.45), and a faint "t" (0.4) under a
    # blank (0.55), so every string reads "Ea Hur", which the matcher alone takes for another ward.
    frames = _clear("Ea ") + [{"H": 0.5, "K": 0.45}, {"": 0.55, "t": 0.4}] + _clear("ur Cư Kuin Đắk Lắk")
    log_probs, charset = _posteriors_for(frames)
    greedy = "Ea Hur Cư Kuin Đắk Lắk"
    hyps = [Hypothesis(text=greedy, log_prob=-1.4)]
    assert correct(hyps).ward.name != "Ea Ktur"  # strings alone: wrong
    rec = Recognition(hypotheses=hyps, log_probs=log_probs, charset=charset)
    result = correct(rec)
    assert result.ward.name == "Ea Ktur"
    assert result.text == "Ea Ktur Cư Kuin Đắk Lắk"
    assert correct(rec, lexicon=False).ward.name != "Ea Ktur"


def test_a_redecoded_province_still_holds_the_district_below_it() -> None:
    # The strings read "Hồng Nội" (H 0.5 / Đ 0.45, ộ 0.5 / a 0.45); the matcher takes it for Hà Nội, the province of
    # Hoàng Mai. Scored alone against these frames, Đồng Nai would win the re-decoding; but the line names Mai Động
    # in Hoàng Mai, a district of Hà Nội only, so the province may not move away from it.
    frames = _clear("Mai Động Hoàng Mai ") + [{"H": 0.5, "Đ": 0.45}, {"": 0.98}] + _clear("ồng N")
    frames += [{"ộ": 0.5, "a": 0.45}, {"": 0.98}] + _clear("i")
    log_probs, charset = _posteriors_for(frames)
    hyps = [Hypothesis(text="Mai Động Hoàng Mai Hồng Nội", log_prob=-1.4)]
    result = correct(Recognition(hypotheses=hyps, log_probs=log_probs, charset=charset))
    assert (result.province.name, result.district.name, result.ward.name) == ("Hà Nội", "Hoàng Mai", "Mai Động")
    assert result.text == "Mai Động Hoàng Mai Hà Nội"


def test_unknown_words_skip_matched_units_abbreviations_and_single_letters() -> None:
    from vaddr.corrector import matcher, words

    def unknown(text: str) -> int:
        line = matcher.prepare(text)
        return words.unknown_words(line, matcher.parse(line)[0])

    assert unknown("Kp 3 Lô B Tt Nhà Bè Nhà Bè Tp Hcm") == 0  # Kp, Tt, Tp, Hcm are abbreviations; B a block letter
    assert unknown("Kpx 3 Lô B Tt Nhà Bè Nhà Bè Tp Hcm") == 1
    assert unknown("Ấp An Phú Hoi An Chợ Mới An Giang") == 0  # "Hoi" lies inside the matched ward Hội An


def test_output_case_does_not_change_the_units_read_from_the_image() -> None:
    # the frames are scored against names cased as written: case="upper" once picked another ward (EA HU)
    from vaddr.pipeline import recognizer

    rec = recognizer("crnn", 1).recognize([str(ROOT / "vaddr" / "samples" / "sample.png")])[0]
    codes = {
        c: [(u.code if u else None) for u in (a.province, a.district, a.ward)]
        for c in ("title", "upper", "lower")
        for a in [correct(rec, case=c)]
    }
    assert codes["upper"] == codes["title"] == codes["lower"]
    assert correct(rec, case="upper").text == correct(rec, case="title").text.upper()
