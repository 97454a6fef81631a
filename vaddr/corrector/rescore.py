"""Lexicon-constrained re-decoding of the matched units against the recognizer's posteriors.

The top-k strings of a beam search are a thin slice of what the image supports. After the best parse is
chosen, each unit it matched with some doubt (the written span is not already a gazetteer spelling) is decoded
again: the frames that carry that span are scored, with the CTC forward algorithm (`posteriors.window_scores`),
against every plausible unit of the same parent (the wards of the matched district, say). The unit the image
supports best wins, even when no top-k string spelled it. Free text is left as read: decoding its words
against a syllable lexicon the same way was tried and lost accuracy on held-out lines (docs/rescoring.md).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from functools import lru_cache

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from vaddr.corrector import posteriors, render
from vaddr.corrector.index import Entry, Group, match_index
from vaddr.corrector.matcher import LevelMatch, Parse, Prepared
from vaddr.corrector.params import DEFAULT, Params
from vaddr.rules.text import squeeze
from vaddr.types import Level

Windows = list[tuple[int, int, int, int]]  # per token: char start, char end, first frame, end frame


def frame_windows(text: str, log_probs: np.ndarray, charset: list[str]) -> Windows | None:
    """The frame window of every token of `text` (best path when it reads `text`, else forced alignment)."""
    spans = posteriors.char_spans(text, log_probs, charset)
    return None if spans is None else posteriors.token_windows(text, spans, log_probs.shape[0])


def _group_for(level: Level, parents: dict[Level, LevelMatch], scheme: str) -> Group | None:
    index = match_index(scheme)
    if level is Level.PROVINCE:
        return index.provinces
    prov = parents.get(Level.PROVINCE)
    if level is Level.DISTRICT:
        return index.districts_of.get(prov.entry.unit.code) if prov else None
    dist = parents.get(Level.DISTRICT)
    if dist is not None:
        return index.wards_of_district.get(dist.entry.unit.code)
    return index.wards_of_province.get(prov.entry.unit.code) if prov else None


@lru_cache(maxsize=4096)
def _child_codes(scheme: str, parent_code: str, child_level: Level, parent_level: Level) -> frozenset[str]:
    """Codes of the units of `child_level` under a parent (wards straight under a province when no district)."""
    index = match_index(scheme)
    if child_level is Level.DISTRICT:
        group = index.districts_of.get(parent_code)
    elif parent_level is Level.DISTRICT:
        group = index.wards_of_district.get(parent_code)
    else:
        group = index.wards_of_province.get(parent_code)
    return frozenset(e.unit.code for es in group.entries for e in es) if group is not None else frozenset()


def _span_window(windows: Windows, a: int, b: int) -> tuple[int, int] | None:
    """Frames of the tokens covering characters [a, b)."""
    covering = [(t0, t1) for s, e, t0, t1 in windows if s < b and e > a]
    if not covering:
        return None
    return covering[0][0], covering[-1][1]


def redecode(
    line: Prepared,
    parse: Parse,
    log_probs: np.ndarray,
    charset: list[str],
    windows: Windows,
    tone: str,
    scheme: str = "legacy",
    params: Params = DEFAULT,
) -> Parse:
    """The parse with each doubtful unit replaced by the unit of its parent group the frames support best."""
    if not parse.matches:
        return parse
    index = {ch: i + 1 for i, ch in enumerate(charset)}
    matches = list(parse.matches)
    parents: dict[Level, LevelMatch] = {}
    for i, m in enumerate(matches):
        a, b = line.pos[m.start], line.pos[m.end - 1] + 1
        written = line.text[a:b]
        group = _group_for(m.level, parents, scheme)
        window = _span_window(windows, a, b)
        # The frames are scored against names cased as the line was written, whatever case the output asks for:
        # "EA KTUR" has no support in frames that read "Ea Ktur" (case="upper" used to pick another ward).
        case = "upper" if written.isupper() else "lower" if written.islower() else "title"
        if written != render.style(m.entry.display, tone, case) and group is not None and window is not None:
            t0, t1 = window
            # a parent may only change to one that still holds the unit matched below it
            child = matches[i + 1] if i + 1 < len(matches) else None
            keep = (
                None
                if child is None
                else (
                    lambda e, c=child, lv=m.level: c.entry.unit.code in _child_codes(scheme, e.unit.code, c.level, lv)
                )
            )
            best = _best_entry(
                log_probs[t0:t1],
                index,
                group,
                line.squeezed[m.start : m.end],
                m.entry,
                tone,
                case,
                keep,
                params.rescore_candidates,
            )
            if best is not None and best is not m.entry:
                key_dist = Levenshtein.distance(line.squeezed[m.start : m.end], squeeze(best.display))
                m = dataclasses.replace(m, entry=best, edits=max(1, key_dist))
                matches[i] = m
        parents[m.level] = m
    return Parse(parse.score, tuple(matches))


def _best_entry(
    window: np.ndarray,
    index: dict[str, int],
    group: Group,
    written_key: str,
    current: Entry,
    tone: str,
    case: str,
    keep: Callable[[Entry], bool] | None = None,
    candidates: int = DEFAULT.rescore_candidates,
) -> Entry | None:
    """Among the group's units closest in spelling to the written span, the one the frames support most."""
    near = process.extract(written_key, group.keys, scorer=Levenshtein.distance, limit=candidates)
    entries: list[Entry] = [current]
    for _, _, k in near:
        entries.extend(
            e
            for e in group.entries[k]
            if not (e.exact_only and e.is_alias) and e is not current and (keep is None or keep(e))
        )
    texts, owners = [], []
    for e in entries:
        encoded = posteriors.encode(render.style(e.display, tone, case), index)
        if encoded:
            texts.append(encoded)
            owners.append(e)
    if not texts:
        return None
    scores = posteriors.window_scores(window, texts)
    best = int(np.argmax(scores))
    if not np.isfinite(scores[best]):
        return None
    return owners[best]
