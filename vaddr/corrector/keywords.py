"""Repair of misread keywords in the free text, on image evidence only.

Why: after correction, the confident wrong lines are mostly misreads of the free text left of the units,
which no gazetteer checks. The commonest fixable kind is a misread type word at the head of a part: "Thôi
Trung Phú" for "Thôn Trung Phú", "Chu 4" for "Khu 4", "Độu 4" for "Đội 4", "Kà Tĩnh Hải" for "Xã Tĩnh Hải".
A text-only rewrite is wrong: real lines hold legitimate words before numbers and names ("Phú 4", "Hội 7",
"Long 2"). So a word is rewritten only when three things hold:

* it is in keyword position: it opens a part (starts the line or a comma segment, or follows a number) or
  it is followed by a number;
* a keyword of its length (`part_keywords()`: the one-word openers of `data/part_words.tsv`; right before the
  first matched unit when that unit has no written type, also that unit's one-word types, `unit_keywords()`)
  is exactly one letter away from it, marks aside, and the word is not itself a keyword or an abbreviation
  ("Số 9" is never traded for "Tổ 9", "Lộ" is a name, not "Lô");
* the recognizer's posteriors over that word's frames (`posteriors.window_scores`) support the keyword
  nearly as well as what was read: log P(keyword) >= log P(read) - `MARGIN`.

On the 270 lines of the 10 held-out writers this rewrites 4 words, all right (Chu 4, Thôi Trung Phú, Độu 4,
Cam 8: margins 1.0-3.6 nats), and no legitimate word: the closest, "Lê" before "Thị Hồng Gấm" and "Bến Súc",
are 5.6 and 6.3 nats less likely as "Lô" / "Bản" (docs/calibration.md, /work/notes/issue11b.md).

Plain text (no posteriors) never reaches this module: `correct()` calls it only with the frames.
"""

from __future__ import annotations

import dataclasses
from functools import cache

import numpy as np
from rapidfuzz.distance import Levenshtein

from vaddr.corrector import parts, posteriors
from vaddr.corrector.matcher import LevelMatch, Parse, Prepared, prepare
from vaddr.rules import abbreviations
from vaddr.rules.text import fold

Windows = list[tuple[int, int, int, int]]  # per token: char start, char end, first frame, end frame

MARGIN = 4.5  # nats: how much less than the reading the keyword may be supported by the word's frames


@cache
def part_keywords() -> tuple[str, ...]:
    """The one-word openers of a free-text part (Thôn, Ấp, Tổ, Khu, Đường, Số...), from data/part_words.tsv."""
    out: list[str] = []
    for _, word, _ in parts.rows():
        if " " not in word.strip() and word.strip() not in out:
            out.append(word.strip())
    return tuple(out)


@cache
def unit_keywords(level: str) -> tuple[str, ...]:
    """The one-word unit types that can label a unit of `level` ("ward" -> Phường, Xã)."""
    return tuple(t for t in abbreviations.UNIT_TYPES if " " not in t and level in abbreviations.type_levels(t))


@cache
def _known_openers() -> frozenset[str]:
    """Folded spellings that already are a keyword, an abbreviation of one or a unit type ("Tk", "Kp", "Số"):
    such a word was written as a keyword, so it is never traded for another ("Số 9" is not "Tổ 9")."""
    out = {fold(t).lower() for t in abbreviations.UNIT_TYPES if " " not in t}
    for _, word, variants in parts.rows():
        out.update(fold(v.strip()).lower() for v in [word, *variants.split(",")] if v.strip() and " " not in v.strip())
    return frozenset(out)


def _written_keyword(word: str) -> bool:
    """Whether a written word already is a keyword or an abbreviation (then it is never rewritten)."""
    return fold(word).lower() in _known_openers() or abbreviations.is_abbreviation(word)


def _styled(keyword: str, written: str) -> str:
    """The keyword cased as the written word was ("THÔN" for "THÔI", "thôn" for "thôi")."""
    if written.isupper():
        return keyword.upper()
    if written.islower():
        return keyword.lower()
    return keyword[0].upper() + keyword[1:].lower()


def _near(written: str, keywords: tuple[str, ...]) -> list[str]:
    """Keywords of the written word's length exactly one letter from it, marks aside.

    Same length only: the rewrite is a substitution, so every position of the line (the units' spans, the
    frames) stays where it was. A word that differs from a keyword by its marks only ("Lộ", "Xá", "Phong") is
    a name: the table's marks decide (data/part_words.tsv)."""
    key = fold(written).lower()
    return [k for k in keywords if len(k) == len(written) and Levenshtein.distance(fold(k).lower(), key) == 1]


def candidates(
    text: str, windows: Windows, first_unit: int, unit_types: tuple[str, ...]
) -> list[tuple[int, list[str], bool]]:
    """(token index, keywords to try, whether the word is right before the first unit) for each word of
    `text[:first_unit]` in keyword position: opening a part (line or comma segment start, after a number) or
    followed by a number."""
    out = []
    for i, (s, e, _, _) in enumerate(windows):
        if e > first_unit:
            break
        word = text[s:e]
        if not word.isalpha() or _written_keyword(word):
            continue
        before = text[:s].rstrip()
        opens = not before or before.endswith((",", ";")) or before[-1].isdigit()
        nxt = text[e:first_unit].split()
        number_next = bool(nxt) and nxt[0][0].isdigit()
        last = not nxt and bool(unit_types)  # right before a unit written without its type: may be that type
        near = _near(word, (part_keywords() if opens or number_next else ()) + (unit_types if last else ()))
        if near:
            out.append((i, near, last))
    return out


def repair(
    line: Prepared,
    parse: Parse,
    log_probs: np.ndarray,
    charset: list[str],
    windows: Windows,
    margin: float | None = None,
) -> tuple[Prepared, Parse]:
    """The line with its misread free-text keywords rewritten where the frames support them, and the parse
    on the rewritten line (a unit type written right before its unit becomes that unit's type word).
    Returns the inputs themselves when nothing is rewritten. `margin` defaults to `MARGIN`."""
    margin = MARGIN if margin is None else margin
    leftmost: LevelMatch | None = parse.matches[-1] if parse.matches else None
    first_unit = line.pos[parse.start] if leftmost is not None else len(line.text)
    untyped = leftmost is not None and leftmost.type_start == leftmost.start
    types = unit_keywords(leftmost.level.value) if leftmost is not None and untyped else ()
    found = candidates(line.text, windows, first_unit, types)
    if not found:
        return line, parse
    index = {ch: i + 1 for i, ch in enumerate(charset)}
    text = line.text
    edits: list[tuple[int, int, str, bool]] = []
    for i, near, last in found:
        s, e, t0, t1 = windows[i]
        written = text[s:e]
        options = [written, *(_styled(k, written) for k in near)]
        encoded = [posteriors.encode(o, index) for o in options]
        if encoded[0] is None or t1 <= t0:
            continue
        keep = [(o, c) for o, c in zip(options, encoded, strict=True) if c is not None]
        if len(keep) < 2:
            continue
        scores = posteriors.window_scores(log_probs[t0:t1], [c for _, c in keep])
        best = int(np.argmax(scores[1:])) + 1
        if np.isfinite(scores[best]) and scores[best] >= scores[0] - margin:
            word = keep[best][0]
            edits.append((s, e, word, last and word.lower() in {t.lower() for t in types}))
    if not edits:
        return line, parse
    new_text = text
    for s, e, word, _ in edits:
        new_text = new_text[:s] + word + new_text[e:]
    new_line = prepare(new_text)
    if new_line.text != new_text or len(new_line.squeezed) != len(line.squeezed) or new_line.pos != line.pos:
        return line, parse  # the rewrite moved something: leave the line as read
    matches = list(parse.matches)
    s, _, word, as_type = edits[-1]
    if as_type and leftmost is not None:
        type_start = line.pos.index(s)
        matches[-1] = dataclasses.replace(
            leftmost, type_start=type_start, type_word=abbreviations.repair_type_word(word)
        )
    return new_line, Parse(parse.score, tuple(matches))
