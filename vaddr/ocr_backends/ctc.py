"""CTC decoding in pure numpy/Python: greedy and prefix beam search.

Why a beam and not just greedy: greedy picks the single best *alignment*, but the probability of a label is
the sum over all its alignments, and the corrector wants several plausible readings with comparable scores.
The prefix beam search tracks, for every candidate label prefix, the probability of all alignments that end
in blank (``pb``) and in a non-blank (``pnb``), merges alignments that collapse to the same prefix, and keeps
the best ``beam_width`` prefixes after each frame. With a wide enough beam and no pruning it is exact (the
tests check it against brute-force enumeration).

Speed: T is 100-250 frames and C about 230 classes, but most frames are almost surely blank and most classes
are hopeless in any given frame. Per frame only the few classes above ``prune_log_prob`` (at most
``max_candidates`` of them) are tried as extensions, and a frame with no such class takes a cheap path that
only updates the existing prefixes.

Conventions: ``log_probs`` is ``[T, C]`` natural-log posteriors (log-softmax), blank = index 0, and
``charset[i - 1]`` is the character of class ``i``.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Sequence

import numpy as np

from vaddr.types import Hypothesis

NEG_INF = float("-inf")

__all__ = ["greedy", "beam_search", "collapse"]


def _lae(a: float, b: float) -> float:
    """log(exp(a) + exp(b)) for Python floats (much faster than np.logaddexp on scalars)."""
    if a < b:
        a, b = b, a
    if b == NEG_INF:
        return a
    return a + math.log1p(math.exp(b - a))


def _check(log_probs: np.ndarray, charset: Sequence[str]) -> np.ndarray:
    lp = np.asarray(log_probs)
    if lp.ndim != 2:
        raise ValueError(f"log_probs must be [T, C], got shape {lp.shape}")
    if lp.shape[1] != len(charset) + 1:
        raise ValueError(f"log_probs has {lp.shape[1]} classes but charset has {len(charset)} (+1 blank)")
    return lp


def collapse(path: Sequence[int], blank: int = 0) -> list[int]:
    """Apply the CTC collapsing rule: merge repeats, then drop blanks."""
    out: list[int] = []
    prev = -1
    for k in path:
        k = int(k)
        if k != prev and k != blank:
            out.append(k)
        prev = k
    return out


def greedy(log_probs: np.ndarray, charset: Sequence[str]) -> Hypothesis:
    """Best-path decoding: argmax per frame, collapsed. ``log_prob`` is that single path's log-probability
    (a lower bound of the label's probability)."""
    lp = _check(log_probs, charset)
    if lp.shape[0] == 0:
        return Hypothesis(text="", log_prob=0.0)
    best = lp.argmax(axis=1)
    score = float(lp[np.arange(lp.shape[0]), best].sum())
    text = "".join(charset[k - 1] for k in collapse(best.tolist()))
    return Hypothesis(text=text, log_prob=min(0.0, score))


def beam_search(
    log_probs: np.ndarray,
    charset: Sequence[str],
    beam_width: int = 10,
    top_k: int = 10,
    prune_log_prob: float = -12.0,
    max_candidates: int = 8,
) -> list[Hypothesis]:
    """CTC prefix beam search. Returns up to ``top_k`` distinct labels, best first, each with the total
    log-probability of all its alignments that survived the beam.

    Candidate pruning (both off = exact search given a wide enough beam):
    ``prune_log_prob``: non-blank classes below this log-probability in a frame are not tried (``-inf``: all).
    ``max_candidates``: at most this many non-blank classes per frame (``0``: all).
    A new prefix that scores below the ``beam_width``-th best prefix already known for the frame is skipped
    without being built; that is exact (it would be cut by the beam anyway), and it is what makes the search
    fast when many classes survive the candidate pruning.
    """
    lp = _check(log_probs, charset)
    T, C = lp.shape
    if T == 0:
        return [Hypothesis(text="", log_prob=0.0)]
    lp = lp.astype(np.float64, copy=False)

    # Candidate classes per frame, chosen vectorised up front and sorted best first.
    k = C - 1 if max_candidates <= 0 else min(max_candidates, C - 1)
    if k < C - 1:
        cand = np.argpartition(-lp[:, 1:], k - 1, axis=1)[:, :k] + 1
    else:
        cand = np.broadcast_to(np.arange(1, C), (T, C - 1))
    cand_lp = np.take_along_axis(lp, cand, axis=1)
    order = np.argsort(-cand_lp, axis=1, kind="stable")
    cand = np.take_along_axis(cand, order, axis=1)
    cand_lp = np.take_along_axis(cand_lp, order, axis=1)
    n_keep = (cand_lp >= prune_log_prob).sum(axis=1).tolist()
    blank_lp = lp[:, 0].tolist()

    # Prefixes are str keys with chr(class id) per symbol: str hashes are cached, tuples' are not.
    # Beams, best first: key -> [log P(ends in blank), log P(ends in non-blank)], and their totals.
    beams: dict[str, list[float]] = {"": [0.0, NEG_INF]}
    totals: list[float] = [0.0]
    for t in range(T):
        row = lp[t]
        b = blank_lp[t]
        # 1. Every beam stays: by a blank, or by repeating its last character (which collapses).
        nxt: dict[str, list[float]] = {
            key: [total + b, pnb + float(row[ord(key[-1])]) if key else NEG_INF]
            for (key, (_pb, pnb)), total in zip(beams.items(), totals, strict=True)
        }
        n = n_keep[t]
        if n:
            cls = cand[t, :n].tolist()
            cls_lp = cand_lp[t, :n].tolist()
            # 2. Extensions that land on a prefix already in the beam merge into it (exactly, never pruned).
            for key, entry in nxt.items():
                if key and (parent := beams.get(key[:-1])) is not None:
                    c = ord(key[-1])
                    src = parent[0] if key[:-1] and ord(key[-2]) == c else _lae(parent[0], parent[1])
                    entry[1] = _lae(entry[1], src + float(row[c]))
            # 3. New prefixes, pruned against a running lower bound of the beam_width-th best score.
            heap = [_lae(pb, pnb) for pb, pnb in nxt.values()]
            if len(heap) >= beam_width:
                heapq.heapify(heap)
                while len(heap) > beam_width:
                    heapq.heappop(heap)
                thr = heap[0]
            else:
                thr = NEG_INF
            for (key, (pb, _pnb)), total in zip(beams.items(), totals, strict=True):
                if total + cls_lp[0] <= thr:
                    break  # beams are sorted: no later beam can contribute a new prefix either
                last = ord(key[-1]) if key else -1
                for c, pc in zip(cls, cls_lp, strict=True):
                    if c == last:
                        ext = pb + pc  # a repeated char only opens a new symbol after a blank
                        if ext <= thr:
                            continue
                    else:
                        ext = total + pc
                        if ext <= thr:
                            break  # candidates are sorted best first
                    new = key + chr(c)
                    if new in nxt:
                        continue  # already merged in step 2
                    nxt[new] = [NEG_INF, ext]
                    if len(heap) < beam_width:
                        heap.append(ext)
                        if len(heap) == beam_width:
                            heapq.heapify(heap)
                            thr = heap[0]
                    else:
                        thr = heapq.heappushpop(heap, ext)
        scored = sorted([(_lae(pb, pnb), key) for key, (pb, pnb) in nxt.items()], reverse=True)
        del scored[beam_width:]
        beams = {key: nxt[key] for _, key in scored}
        totals = [s for s, _ in scored]

    return [
        Hypothesis(text="".join(charset[ord(ch) - 1] for ch in key), log_prob=min(0.0, s))
        for s, key in zip(totals[:top_k], list(beams)[:top_k], strict=True)
        if s != NEG_INF
    ] or [Hypothesis(text="", log_prob=NEG_INF)]
