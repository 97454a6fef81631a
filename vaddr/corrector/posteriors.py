"""CTC arithmetic on a recognizer's per-frame posteriors, for lexicon-constrained rescoring.

The top-k strings of a beam search are a thin slice of what the image supports: a ward name garbled in all
of them may still be the most likely *valid* name once each candidate is scored against the frames directly.
These functions do that scoring. They need only the posteriors (`[T, C]` log-probabilities, blank = 0) and the
charset, which any recognizer can hand over, so the corrector never imports a recognizer.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

BLANK = 0


def encode(text: str, index: dict[str, int]) -> list[int] | None:
    """Class ids of `text`, or None when a character is outside the recognizer's charset."""
    out = []
    for ch in text:
        i = index.get(ch)
        if i is None:
            return None
        out.append(i)
    return out


def _extended(labels: Sequence[int]) -> tuple[np.ndarray, np.ndarray]:
    """CTC state sequence (blank, l1, blank, l2, ..., blank) and where a skip over a blank is allowed."""
    ext = np.zeros(2 * len(labels) + 1, dtype=np.int64)
    ext[1::2] = labels
    skip = np.zeros(len(ext), dtype=bool)
    for s in range(3, len(ext), 2):
        skip[s] = ext[s] != ext[s - 2]
    return ext, skip


def align(log_probs: np.ndarray, labels: Sequence[int]) -> list[tuple[int, int]] | None:
    """Viterbi forced alignment: for each label character, the first and last frame that emit it.

    Used to find the frames that carry one part of the line (a ward name, say), so that candidates for that
    part can be scored on those frames alone.
    """
    t_len = log_probs.shape[0]
    if not labels or t_len < len(labels):
        return None
    ext, skip = _extended(labels)
    n = len(ext)
    emit = log_probs[:, ext]
    score = np.full(n, -np.inf)
    score[0] = emit[0, 0]
    score[1] = emit[0, 1]
    back = np.zeros((t_len, n), dtype=np.int8)  # 0: stay, 1: from s-1, 2: from s-2
    for t in range(1, t_len):
        stay = score
        prev1 = np.concatenate(([-np.inf], score[:-1]))
        prev2 = np.where(skip, np.concatenate(([-np.inf, -np.inf], score[:-2])), -np.inf)
        stacked = np.stack([stay, prev1, prev2])
        choice = stacked.argmax(axis=0)
        score = stacked[choice, np.arange(n)] + emit[t]
        back[t] = choice
    s = n - 1 if score[n - 1] >= score[n - 2] else n - 2
    if not np.isfinite(score[s]):
        return None
    spans: list[list[int]] = [[-1, -1] for _ in labels]
    for t in range(t_len - 1, -1, -1):
        if s % 2 == 1:
            k = s // 2
            spans[k][0] = t
            if spans[k][1] < 0:
                spans[k][1] = t
        s -= int(back[t, s])
    return [(a, b) for a, b in spans]


def window_scores(log_probs: np.ndarray, candidates: Sequence[Sequence[int]]) -> np.ndarray:
    """log P(candidate | frames) for each candidate, the frames emitting exactly that text (CTC forward).

    Batched over candidates in probability space with per-frame rescaling, which is several times faster than
    log-space recursion and just as exact for windows of a few dozen frames.
    """
    k = len(candidates)
    out = np.full(k, -np.inf)
    if k == 0 or log_probs.shape[0] == 0:
        return out
    longest = max(len(c) for c in candidates)
    n = 2 * longest + 1
    ext = np.zeros((k, n), dtype=np.int64)
    skip = np.zeros((k, n), dtype=bool)
    final = np.zeros(k, dtype=np.int64)
    for i, c in enumerate(candidates):
        e, sk = _extended(c)
        ext[i, : len(e)] = e
        skip[i, : len(e)] = sk
        final[i] = len(e) - 1
    probs = np.exp(log_probs - log_probs.max(axis=1, keepdims=True))
    frame_scale = log_probs.max(axis=1)
    alpha = np.zeros((k, n))
    alpha[:, 0] = probs[0, ext[:, 0]]
    alpha[:, 1] = probs[0, ext[:, 1]]
    log_scale = np.full(k, frame_scale[0])
    valid = np.arange(n)[None, :] <= final[:, None]
    for t in range(1, log_probs.shape[0]):
        shifted1 = np.zeros_like(alpha)
        shifted1[:, 1:] = alpha[:, :-1]
        shifted2 = np.zeros_like(alpha)
        shifted2[:, 2:] = alpha[:, :-2]
        alpha = (alpha + shifted1 + shifted2 * skip) * probs[t][ext] * valid
        top = alpha.max(axis=1)
        top[top <= 0] = 1.0
        alpha /= top[:, None]
        log_scale += np.log(top) + frame_scale[t]
    rows = np.arange(k)
    end = alpha[rows, final] + np.where(final > 0, alpha[rows, np.maximum(final - 1, 0)], 0.0)
    with np.errstate(divide="ignore"):
        log_end: np.ndarray = np.log(end) + log_scale
    return log_end


def greedy_spans(log_probs: np.ndarray, charset: Sequence[str]) -> tuple[str, list[tuple[int, int]]]:
    """The best-path reading and, per character, the first and last frame that emit it (O(T), no search)."""
    best = log_probs.argmax(axis=1)
    text: list[str] = []
    spans: list[tuple[int, int]] = []
    prev = BLANK
    for t, k in enumerate(best.tolist()):
        if k != BLANK and k == prev:
            spans[-1] = (spans[-1][0], t)
        elif k != BLANK:
            text.append(charset[k - 1])
            spans.append((t, t))
        prev = k
    return "".join(text), spans


def char_spans(text: str, log_probs: np.ndarray, charset: Sequence[str]) -> list[tuple[int, int]] | None:
    """Frames of each character of `text`: from the best path when it reads `text`, else forced alignment."""
    greedy_text, spans = greedy_spans(log_probs, charset)
    if greedy_text == text:
        return spans
    labels = encode(text, {ch: i + 1 for i, ch in enumerate(charset)})
    return align(log_probs, labels) if labels else None


def token_windows(text: str, spans: list[tuple[int, int]], t_len: int) -> list[tuple[int, int, int, int]]:
    """Per whitespace token of `text`: (char start, char end, first frame, end frame) of the frames between
    the emissions of the characters around it, i.e. everything the token could have been read from."""
    out = []
    i = 0
    n = len(text)
    while i < n:
        if text[i].isspace():
            i += 1
            continue
        j = i
        while j < n and not text[j].isspace():
            j += 1
        t0 = spans[i - 1][1] + 1 if i > 0 else 0
        t1 = spans[j][0] if j < n else t_len
        out.append((i, j, t0, max(t0, t1)))
        i = j
    return out
