"""The calibration part of `vaddr-eval`: how far the confidences can be trusted on labelled lines, and plots.

A unit is right when its code equals the code found by correcting the label itself (the label is the right
text, so its reading is the reference); unit coverage is over the lines whose label names that unit. Plots
need matplotlib (`pip install "vaddr[plots]"`), imported only when plots are asked for.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from vaddr.calibration_metrics import (
    coverage_at_precision,
    coverage_curve,
    expected_calibration_error,
    reliability_bins,
)
from vaddr.types import Address

__all__ = ["calibration_summary", "write_plots", "LINE_TARGETS", "UNIT_TARGET"]

LINE_TARGETS = (0.99, 0.98, 0.95)
UNIT_TARGET = 0.995
LEVELS = ("province", "district", "ward")


def calibration_summary(addresses: Sequence[Address], labels: Sequence[str]) -> dict[str, Any]:
    """ECE, coverage at the line precision targets and unit coverage at 99.5 % unit precision."""
    from vaddr.corrector import correct

    conf = [a.confidence for a in addresses]
    exact = [a.text == y for a, y in zip(addresses, labels, strict=True)]
    out: dict[str, Any] = {
        "lines": len(labels),
        "mean_confidence": sum(conf) / len(conf) if conf else 0.0,
        "exact": sum(exact) / len(exact) if exact else 0.0,
        "ece": expected_calibration_error(conf, exact),
        "coverage": {f"{t:.0%}": coverage_at_precision(conf, exact, t) for t in LINE_TARGETS},
        "units": {},
    }
    gold = [correct(y) for y in labels]
    for lv in LEVELS:
        cs, ok, total = [], [], 0
        for a, g in zip(addresses, gold, strict=True):
            gu = getattr(g, lv)
            if gu is None:
                continue
            total += 1
            u = getattr(a, lv)
            if u is not None and u.confidence is not None:
                cs.append(u.confidence)
                ok.append(u.code == gu.code)
        out["units"][lv] = {
            "lines": total,
            "right": sum(ok) / total if total else None,
            f"coverage@{UNIT_TARGET:.1%}": coverage_at_precision(cs, ok, UNIT_TARGET, total=total) if total else None,
            "ece": expected_calibration_error(cs, ok) if cs else None,
        }
    return out


def format_summary(s: dict[str, Any]) -> str:
    lines = [
        f"calibration ({s['lines']} lines): exact {s['exact']:.1%}, mean confidence {s['mean_confidence']:.3f}, "
        f"ECE {s['ece']:.3f}",
        "  coverage at exact-line precision " + ", ".join(f">= {k}: {v:.1%}" for k, v in s["coverage"].items()),
    ]
    for lv, u in s["units"].items():
        cov = u[f"coverage@{UNIT_TARGET:.1%}"]
        if cov is None:
            continue
        lines.append(
            f"  {lv:<8} right {u['right']:.1%}, coverage at >= {UNIT_TARGET:.1%} precision {cov:.1%} "
            f"({u['lines']} lines)"
        )
    return "\n".join(lines)


def write_plots(addresses: Sequence[Address], labels: Sequence[str], folder: Path) -> list[Path]:
    """reliability.png (accuracy per confidence bin) and coverage.png (precision vs share accepted)."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError as e:
        raise RuntimeError('plots need matplotlib: pip install "vaddr[plots]"') from e
    folder.mkdir(parents=True, exist_ok=True)
    conf = [a.confidence for a in addresses]
    exact = [a.text == y for a, y in zip(addresses, labels, strict=True)]
    bins = reliability_bins(conf, exact)
    fig, ax = plt.subplots(figsize=(5, 5), dpi=120)
    ax.plot([0, 1], [0, 1], color="#999", linestyle="--", linewidth=1, label="perfect calibration")
    ax.bar([b[0] + 0.05 for b in bins], [b[2] for b in bins], width=0.09, alpha=0.6, label="exact share")
    ax.plot([b[1] for b in bins], [b[2] for b in bins], "o-", color="#c9302c", label="mean confidence vs exact")
    for b in bins:
        ax.annotate(str(b[3]), (b[0] + 0.05, b[2]), ha="center", va="bottom", fontsize=7)
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1.05)
    ax.set_xlabel("confidence")
    ax.set_ylabel("share of lines exactly right")
    ax.set_title(f"Reliability ({len(conf)} lines, ECE {expected_calibration_error(conf, exact):.3f})")
    ax.legend(loc="upper left", fontsize=8)
    fig.tight_layout()
    rel = folder / "reliability.png"
    fig.savefig(rel)
    plt.close(fig)
    cov, prec, _ = coverage_curve(conf, exact)
    fig, ax = plt.subplots(figsize=(6, 4.5), dpi=120)
    ax.plot(cov, prec, color="#337ab7")
    for t in LINE_TARGETS:
        ax.axhline(t, color="#999", linestyle=":", linewidth=1)
        ax.annotate(f"{t:.0%}: {coverage_at_precision(conf, exact, t):.1%}", (0.02, t), fontsize=7, va="bottom")
    ax.set_xlabel("share of lines accepted (most confident first)")
    ax.set_ylabel("precision (accepted lines exactly right)")
    ax.set_xlim(0, 1)
    ax.set_ylim(max(0.0, min(prec, default=0.0) - 0.02), 1.005)
    ax.set_title("Coverage vs precision")
    fig.tight_layout()
    cp = folder / "coverage.png"
    fig.savefig(cp)
    plt.close(fig)
    return [rel, cp]
