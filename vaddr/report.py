"""A review page for a batch of read lines: one self-contained HTML file, least confident line first.

Why a page and not a table: a reviewer checks a reading against the photo. Each card shows the line image
(embedded as a data URI, so the file can be mailed or archived alone), the corrected text with every character
whose confidence is below `low` highlighted (darker = less sure), the units with their codes and confidences,
and the recognizer's top readings. Cards are sorted from least to most confident, so the reviewer works down
the page until the lines look right, and lines marked `needs_review` are flagged.
"""

from __future__ import annotations

import base64
import html
import io
from collections.abc import Sequence
from pathlib import Path

from PIL import Image

from vaddr.pipeline import OcrResult

__all__ = ["render_report", "write_report"]

MAX_WIDTH = 1000  # photos are ~1840 px wide: halve them, the page stays light and readable
LOW = 0.9  # characters below this confidence are highlighted

CSS = """
body { font-family: system-ui, sans-serif; margin: 1.5em; background: #f6f6f4; color: #222; }
h1 { font-size: 1.3em; margin: 0 0 .3em; }
.summary { color: #555; margin-bottom: 1em; }
.card { background: #fff; border: 1px solid #ddd; border-radius: 6px; padding: .8em 1em; margin: 0 0 1em; }
.card.review { border-left: 6px solid #d9534f; }
.card.ok { border-left: 6px solid #5cb85c; }
.head { display: flex; justify-content: space-between; font-size: .85em; color: #666; }
.conf { font-weight: bold; }
img { display: block; max-width: 100%; margin: .5em 0; border: 1px solid #eee; }
.text { font-size: 1.45em; margin: .3em 0 .5em; letter-spacing: .02em; }
.text span.low { border-radius: 3px; outline: 1px solid #c9302c; }
table { border-collapse: collapse; font-size: .9em; margin: .2em 0 .5em; }
td, th { padding: .15em .7em .15em 0; text-align: left; }
.alts { font-size: .85em; color: #444; margin: 0; padding-left: 1.2em; }
.error { color: #b00; }
"""


def _data_uri(path: str) -> str | None:
    """The image as a PNG/JPEG data URI, scaled down to MAX_WIDTH (None when it cannot be read)."""
    try:
        with Image.open(path) as opened:
            opened.load()
            im: Image.Image = opened
            if im.width > MAX_WIDTH:
                im = im.resize((MAX_WIDTH, max(1, round(im.height * MAX_WIDTH / im.width))))
            buf = io.BytesIO()
            if im.mode in ("RGBA", "LA", "P"):
                im.save(buf, format="PNG")
                mime = "image/png"
            else:
                im.convert("RGB").save(buf, format="JPEG", quality=85)
                mime = "image/jpeg"
    except (OSError, ValueError):
        return None
    return f"data:{mime};base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def _highlighted(text: str, conf: Sequence[float], low: float) -> str:
    """The text with each character below `low` in a red background whose strength grows with the doubt."""
    out = []
    for i, ch in enumerate(text):
        c = conf[i] if i < len(conf) else 1.0
        e = html.escape(ch)
        if c < low and not ch.isspace():
            alpha = 0.25 + 0.6 * (1.0 - c / low)
            out.append(
                f'<span class="low" title="{c:.3f}" data-conf="{c:.4f}" '
                f'style="background: rgba(217, 83, 79, {alpha:.2f})">{e}</span>'
            )
        else:
            out.append(e)
    return "".join(out)


def _card(r: OcrResult, low: float) -> str:
    name = html.escape(r.file)
    if r.error is not None:
        error = html.escape(r.error)
        return f'<div class="card review"><div class="head"><span>{name}</span></div><p class="error">{error}</p></div>'
    conf = r.confidence
    cls = "review" if r.needs_review or (r.needs_review is None and conf is not None and conf < low) else "ok"
    conf_text = "not corrected" if conf is None else f"confidence {conf:.3f}"
    flag = " &middot; needs review" if r.needs_review else ""
    uri = _data_uri(r.file)
    img = f'<img alt="{name}" src="{uri}">' if uri else '<p class="error">(image not readable)</p>'
    parts = [
        f'<div class="card {cls}" data-confidence="{"" if conf is None else f"{conf:.4f}"}">',
        f'<div class="head"><span>{name}</span><span class="conf">{conf_text}{flag}</span></div>',
        img,
        f'<div class="text">{_highlighted(r.text, r.char_confidence, low)}</div>',
    ]
    a = r.address
    if a is not None:
        rows = []
        for level in ("ward", "district", "province"):
            u = getattr(a, level)
            if u is None:
                continue
            c = "" if u.confidence is None else f"{u.confidence:.3f}"
            inferred = " (inferred)" if u.inferred else ""
            rows.append(
                f"<tr><th>{level}</th><td>{html.escape(u.type)} {html.escape(u.name)}{inferred}</td>"
                f"<td>{html.escape(u.code)}</td><td>{c}</td></tr>"
            )
        if a.remainder:
            c = "" if a.remainder_confidence is None else f"{a.remainder_confidence:.3f}"
            rows.append(f"<tr><th>rest</th><td>{html.escape(a.remainder)}</td><td></td><td>{c}</td></tr>")
        if rows:
            parts.append(
                "<table><tr><th></th><th>unit</th><th>code</th><th>confidence</th></tr>" + "".join(rows) + "</table>"
            )
    alts = [h for h in r.hypotheses[:4]]
    if alts:
        items = "".join(f"<li>{html.escape(h.text)} <small>({h.log_prob:.2f})</small></li>" for h in alts)
        parts.append(f'<div>recognizer\'s top readings:</div><ol class="alts">{items}</ol>')
    parts.append("</div>")
    return "\n".join(parts)


def _key(r: OcrResult) -> tuple[int, float]:
    if r.error is not None:
        return (0, 0.0)  # failures first: they need a human most
    return (1, -1.0 if r.confidence is None else r.confidence)


def render_report(results: Sequence[OcrResult], title: str = "vaddr review", low: float = LOW) -> str:
    """The review page as one HTML string (images embedded), least confident line first."""
    ordered = sorted(results, key=_key)
    n_review = sum(1 for r in results if r.needs_review)
    n_err = sum(1 for r in results if r.error is not None)
    summary = f"{len(results)} lines, {n_err} unreadable"
    if any(r.needs_review is not None for r in results):
        summary += f", {n_review} below the acceptance threshold"
    summary += f". Least confident first; characters below {low:.2f} confidence are highlighted."
    body = "\n".join(_card(r, low) for r in ordered)
    return (
        '<!DOCTYPE html>\n<html lang="vi"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title><style>{CSS}</style></head><body>"
        f'<h1>{html.escape(title)}</h1><p class="summary">{summary}</p>\n{body}\n</body></html>\n'
    )


def write_report(results: Sequence[OcrResult], path: str | Path, low: float = LOW) -> None:
    """Write `render_report(results)` to `path` (UTF-8)."""
    Path(path).write_text(render_report(results, low=low), encoding="utf-8")
