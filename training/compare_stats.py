"""Side-by-side statistics of synthetic lines and the real dev labels (aggregates only).

Used to tune the probabilities of ``training.text_sampler``; the sampler never sees the real lines.

    .venv/bin/python -m training.compare_stats --n 20000
"""

from __future__ import annotations

import argparse
import random
import re
from collections import Counter

import numpy as np

from training.common import SHARED
from training.text_sampler import sample_line

FEATURES: dict[str, str] = {
    "has digit": r"\d",
    "hamlet/number prefix": r"^(Thôn|Xóm|Ấp|Tổ|Khu|Kp|Tdp|Khóm|Bản|Đội|Kv|Số|\d)",
    "house number a/b": r"\d+[a-z]?/\d",
    "Tp": r"\bTp\b",
    "Thành Phố": r"Thành Phố",
    "Xã": r"\bXã\b",
    "Huyện": r"\bHuyện\b",
    "Thị Trấn/Tt": r"\b(Tt|Thị Trấn)\b",
    "Phường/P": r"\b(Phường|P)\b",
    "Quận/Q": r"\b(Quận|Q)\b",
    "Thị Xã/Tx": r"\b(Thị Xã|Tx)\b",
    "old-style oà/uỷ": r"(o[àáảãạ]|o[èéẻẽẹ]|u[ỳýỷỹỵ])\b",
    "new-style òa/ủy": r"([òóỏõọ]a|[òóỏõọ]e|[ùúủũụ]y)\b",
    "Hồ Chí Minh/Hcm": r"Hồ Chí Minh|Hcm",
}


def describe(lines: list[str]) -> dict[str, float]:
    lens = np.array([len(s) for s in lines])
    out = {
        "lines": len(lines),
        "len min": lens.min(),
        "len p10": np.percentile(lens, 10),
        "len mean": lens.mean(),
        "len p90": np.percentile(lens, 90),
        "len max": lens.max(),
        "words mean": np.mean([len(s.split()) for s in lines]),
    }
    for name, pat in FEATURES.items():
        out[name] = np.mean([bool(re.search(pat, s)) for s in lines])
    return out


def char_classes(lines: list[str]) -> dict[str, float]:
    c = Counter(ch for s in lines for ch in s)
    total = sum(c.values())
    groups = {"space": " ", "digit": "0123456789", "upper": "", "punct": "/-,.()'"}
    out = {g: sum(c[ch] for ch in chars) / total for g, chars in groups.items() if chars}
    out["upper"] = sum(v for ch, v in c.items() if ch.isupper()) / total
    out["toned/marked"] = sum(v for ch, v in c.items() if ch.isalpha() and not ch.isascii()) / total
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=20000)
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    synth = [sample_line(rng) for _ in range(a.n)]
    path = SHARED / "kalapa_labels_dev.tsv"
    real = [ln.rstrip("\n").split("\t", 1)[1] for ln in open(path, encoding="utf-8")] if path.exists() else []
    ds, dr = describe(synth), describe(real) if real else {}
    cs, cr = char_classes(synth), char_classes(real) if real else {}
    print(f"{'statistic':24s} {'synthetic':>10s} {'real dev':>10s}")
    for k in ds:
        print(f"{k:24s} {ds[k]:10.3f} {dr.get(k, float('nan')):10.3f}")
    print("character shares")
    for k in cs:
        print(f"{k:24s} {cs[k]:10.3f} {cr.get(k, float('nan')):10.3f}")
    top_s = Counter(w for s in synth for w in s.split()).most_common(15)
    top_r = Counter(w for s in real for w in s.split()).most_common(15)
    print("top words synthetic:", " ".join(w for w, _ in top_s))
    print("top words real:     ", " ".join(w for w, _ in top_r))


if __name__ == "__main__":
    main()
