"""Recognition metrics: CER, exact-line rate and the Kalapa challenge score."""

from __future__ import annotations


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance (insert, delete, substitute = 1)."""
    if len(a) < len(b):
        a, b = b, a
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def kalapa_line_score(pred: str, label: str) -> float:
    """1 if exact, else max(0, 1 - 1.5**d / n) with d the edit distance and n the label length."""
    if pred == label:
        return 1.0
    d = edit_distance(pred, label)
    return max(0.0, 1.0 - 1.5**d / max(1, len(label)))


def summarize(preds: list[str], labels: list[str]) -> dict[str, float]:
    """CER (total edits / total label chars), exact-line rate and mean Kalapa score, in [0, 1]."""
    edits = sum(edit_distance(p, t) for p, t in zip(preds, labels, strict=False))
    chars = sum(len(t) for t in labels)
    n = max(1, len(labels))
    return {
        "cer": edits / max(1, chars),
        "exact": sum(p == t for p, t in zip(preds, labels, strict=False)) / n,
        "kalapa": sum(kalapa_line_score(p, t) for p, t in zip(preds, labels, strict=False)) / n,
        "n": len(labels),
    }
