"""Handwriting / OCR confusion costs and a weighted edit distance, from ``data/confusions.tsv``.

Why: plain Levenshtein treats "Hoa" -> "Hoà" (a missing tone, the most frequent error in handwritten
Vietnamese) like "Hoa" -> "Hoz". Re-ranking gazetteer candidates needs edits that say how *likely* the reading
is: mark differences on the same letter are cheap (0.1-0.3), look-alike letters (1/l, rn/m, u/v, n/h) cost
about half, anything else a full edit. Inserting/deleting a letter costs 1, a space 0.5 (handwriting runs
words together), a stray combining mark 0.2. Letter case is free (the corrector title-cases the output
anyway).

The DP runs on short names (< 30 chars) for a handful of candidates, so it is plain Python kept lean: costs
are cached per character pair and the row loop exits as soon as every cell exceeds ``max_cost``.
"""

from __future__ import annotations

import unicodedata
from importlib import resources

from .text import fold, strip_tones

__all__ = ["sub_cost", "indel_cost", "weighted_distance", "MARK_COSTS"]


def _load() -> tuple[dict[str, float], dict[str, float], dict[str, dict[str, float]], dict[str, float]]:
    marks: dict[str, float] = {}
    pairs: dict[str, float] = {}
    multi: dict[str, dict[str, float]] = {}
    indel: dict[str, float] = {}
    text = resources.files(__package__).joinpath("data/confusions.tsv").read_text(encoding="utf-8")
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        kind, a, b, cost_s = line.split("\t")
        cost = float(cost_s)
        if kind == "mark":
            marks[a] = cost
        elif kind == "pair":
            pairs[a + b] = pairs[b + a] = cost
        elif kind == "multi":
            multi.setdefault(a, {})[b] = cost
            multi.setdefault(b, {})[a] = cost
        elif kind == "indel":
            indel[a] = cost
        else:
            raise ValueError(f"confusions.tsv: unknown kind {kind!r}")
    return marks, pairs, multi, indel


#: cost of a difference in marks only: "tone" (a/à), "shape" (a/â, d/đ), "both" (a/ầ)
MARK_COSTS, _PAIRS, _MULTI, _INDEL = _load()
_TONE_COST = MARK_COSTS["tone"]
_SHAPE_COST = MARK_COSTS["shape"]
_BOTH_COST = MARK_COSTS["both"]
_SPACE_COST = _INDEL["SPACE"]
_MARK_COST = _INDEL["MARK"]
# 2-letter sequences that take part in a multi-letter confusion, by their last letter (fast pre-check)
_MULTI_LAST = frozenset(k[-1] for k in _MULTI if len(k) == 2)


class _SubCache(dict):
    """sub_cost memo keyed by the 2-char string a+b."""

    def __missing__(self, key: str) -> float:
        value = _compute_sub(key[0], key[1])
        self[key] = value
        return value


def _compute_sub(a: str, b: str) -> float:
    if a == b:
        return 0.0
    la, lb = a.lower(), b.lower()
    if la == lb:
        return 0.0
    fa, fb = fold(la), fold(lb)
    if fa == fb:
        ta, tb = strip_tones(la), strip_tones(lb)
        shape = ta != tb
        tone = _tone_of(la) != _tone_of(lb)
        if shape and tone:
            return _BOTH_COST
        return _SHAPE_COST if shape else _TONE_COST
    return _PAIRS.get(fa + fb, 1.0)


def _tone_of(c: str) -> str:
    return "".join(m for m in unicodedata.normalize("NFD", c) if m in "\u0300\u0301\u0303\u0309\u0323")


_SUB = _SubCache()


def sub_cost(a: str, b: str) -> float:
    """Cost of reading character ``b`` where ``a`` was meant (symmetric, single characters).

    0 for equal letters or a case difference; ``MARK_COSTS`` for the same letter with other marks (tone 0.1,
    shape 0.2, both 0.3; d/đ is a shape difference); the table's cost for look-alikes (0.5-0.7); else 1.
    """
    return _SUB[a + b]


def indel_cost(c: str) -> float:
    """Cost of inserting or deleting ``c``: 0.5 for whitespace, 0.2 for a stray combining mark, else 1."""
    if c.isspace():
        return _SPACE_COST
    if "\u0300" <= c <= "\u036f":
        return _MARK_COST
    return 1.0


def weighted_distance(a: str, b: str, max_cost: float | None = None) -> float:
    """Weighted Levenshtein distance between two short strings using :func:`sub_cost` / :func:`indel_cost`.

    Also allows a two-letter <-> one-letter confusion (``rn``/``m``, ``cl``/``d``, ``ii``/``u``) at its table
    cost. Symmetric; 0 iff the strings are equal up to case. With ``max_cost``, stops as soon as the distance
    must exceed it and returns a lower bound that is ``> max_cost`` (so ``d <= max_cost`` is exact).
    """
    if a == b:
        return 0.0
    sub = _SUB
    n, m = len(a), len(b)
    if n == 0 or m == 0:
        return sum(indel_cost(c) for c in (a or b))
    ins_b = [indel_cost(c) for c in b]
    del_a = [indel_cost(c) for c in a]
    fa = fold(a)
    fb = fold(b)
    multi = _MULTI
    # multi-letter candidates: positions whose 2-gram (ending there) is in the table
    a2 = [k >= 1 and fa[k] in _MULTI_LAST and (fa[k - 1 : k + 1] in multi) for k in range(n)]
    b2 = [k >= 1 and fb[k] in _MULTI_LAST and (fb[k - 1 : k + 1] in multi) for k in range(m)]
    prev = [0.0] * (m + 1)
    for j in range(m):
        prev[j + 1] = prev[j] + ins_b[j]
    if not any(a2) and not any(b2):
        return _plain(a, b, prev, del_a, ins_b, max_cost)
    prev2 = prev
    for i in range(n):
        ca = a[i]
        da = del_a[i]
        cur = [prev[0] + da] + [0.0] * m
        left = cur[0]
        for j in range(m):
            best = prev[j] + sub[ca + b[j]]
            x = prev[j + 1] + da
            if x < best:
                best = x
            x = left + ins_b[j]
            if x < best:
                best = x
            if a2[i]:
                c = multi[fa[i - 1 : i + 1]].get(fb[j])
                if c is not None and prev2[j] + c < best:
                    best = prev2[j] + c
            if b2[j]:
                c = multi[fb[j - 1 : j + 1]].get(fa[i])
                if c is not None and prev[j - 1] + c < best:
                    best = prev[j - 1] + c
            cur[j + 1] = left = best
        # the next row may jump from `prev` (two-letter confusion), so only exit when it cannot
        if max_cost is not None and not (i + 1 < n and a2[i + 1]):
            low = min(cur)
            if low > max_cost:
                return low
        prev2, prev = prev, cur
    return prev[m]


def _plain(a: str, b: str, prev: list[float], del_a: list[float], ins_b: list[float], max_cost: float | None) -> float:
    """The DP without two-letter confusions (the common case), same semantics as weighted_distance."""
    sub = _SUB
    m = len(b)
    for i in range(len(a)):
        ca = a[i]
        da = del_a[i]
        left = prev[0] + da
        cur = [left]
        for j in range(m):
            best = prev[j] + sub[ca + b[j]]
            x = prev[j + 1] + da
            if x < best:
                best = x
            x = left + ins_b[j]
            if x < best:
                best = x
            cur.append(best)
            left = best
        if max_cost is not None:
            low = min(cur)
            if low > max_cost:
                return low
        prev = cur
    return prev[m]
