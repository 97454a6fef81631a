"""Calibrated confidence: the probability that the returned line, each unit and each character is right.

Why a fitted model and not a heuristic: the old `confidence` (match quality times coverage) was >= 0.99 on 60 %
of real lines while only 64 % were exact, so nothing could be routed on it. Here a few measurable signals of
doubt are turned into probabilities by small logistic regressions, fitted by `training/fit_calibration.py` on
real lines the recognizer never trained on (writer-level cross-validation) and shipped as plain numbers in
`data/calibration.json`. Runtime is numpy only and well under a millisecond per line.

The signals (every feature is oriented so that larger means "more evidence the reading is right", and the
fitted weight of each signal feature is constrained to be >= 0, so worse posteriors never raise a confidence):

* the recognizer's per-character posteriors along the best path (the peak probability of each character, its
  minimum and mean over the line, the weakest digit: digits are never corrected);
* the beam: the top reading's log-probability per character and its margin over the second reading, and how
  much of the top-k probability mass supports the chosen units after correction (agreement);
* the corrector: edits per unit, the joint-score margin between the chosen reading and the best reading with
  other text or other units, words that are no known spelling, levels found, characters it changed;
* how much less the frames of each written unit support the unit as output than as read (`_unit_ratio`): a
  letter the gazetteer inserted against the image is invisible to the per-character support;
* the line length, and how many labelled parts (`Address.parts`: house number, street, hamlet...) the free text
  holds: each is a stretch the gazetteer cannot check.

Plain text (no recognizer posteriors) uses a second model fitted on the same lines read as text, whose
features are only the corrector's.

Per character: a character read from the image gets the calibrated probability of its image support (the
posterior, at the frames that carried it, of the character actually returned, so a restored diacritic the
image does not show is doubtful); a character of a matched unit (taken from the gazetteer) gets its unit's
confidence.
"""

from __future__ import annotations

import contextlib
import json
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

import numpy as np
from rapidfuzz.distance import Levenshtein

from vaddr import gazetteer
from vaddr.corrector import posteriors
from vaddr.corrector.index import match_index
from vaddr.corrector.matcher import prepare, province_2025
from vaddr.corrector.tidy import tail
from vaddr.corrector.words import unknown_words
from vaddr.rules.text import fold, normalize, squeeze
from vaddr.types import Address, Hypothesis

LEVELS = ("province", "district", "ward")
CAP = 10.0  # margins beyond this are all "no contest"
LOG_FLOOR = -8.0  # log-probabilities below this carry no extra information

#: Feature names of each model, in the order of the weights in data/calibration.json.
LINE_FEATURES = (
    "remainder_support",
    "unit_sum_log_support",
    "digit_min_log_peak",
    "levels",
    "agreement",
    "output_mass",
    "neg_unit_edits",
    "neg_unknown_words",
    "log_prob_per_char",
    "neg_parts",
    "unit_min_log_ratio",
)
TEXT_FEATURES = (
    "text_margin",
    "code_margin",
    "neg_unit_edits",
    "neg_unknown_words",
    "levels",
    "neg_changed",
    "neg_restored",
    "neg_length",
    "input_has_marks",
)
UNIT_FEATURES = (
    "is_province",
    "is_district",
    "is_ward",
    "quality",
    "neg_edits",
    "code_margin",
    "min_log_support",
    "province_min_log_support",
    "agreement",
    "written",
    "kept",
)
REMAINDER_FEATURES = (
    "min_log_support",
    "mean_log_support",
    "digit_min_log_support",
    "text_margin",
    "neg_unknown_words",
    "neg_changed",
    "neg_length",
    "empty",
)
CHAR_FEATURES = ("log_support", "has_support", "unchanged")
_DEPTH = {"province": 1, "district": 2, "ward": 3}
_LOG_SUPPORT, _HAS_SUPPORT, _UNCHANGED = (CHAR_FEATURES.index(k) for k in ("log_support", "has_support", "unchanged"))
_NO_AGREEMENT: dict[Any, float] = {"all": 1.0, 1: 1.0, 2: 1.0, 3: 1.0, "output": 0.0}
#: The image signals of a line read as plain text: no posteriors, so nothing to doubt or to vouch for.
_TEXT_LINE_CONSTANTS = {
    "min_log_peak": 0.0,
    "mean_log_peak": 0.0,
    "log_prob_per_char": 0.0,
    "hyp_margin": 0.0,
    "digit_min_log_peak": 0.0,
    "output_mass": 0.0,
    "output_is_top": 0.0,
    "remainder_sum_log_support": 0.0,
    "remainder_support": 1.0,
    "remainder_min_log_support": 0.0,
    "unit_sum_log_support": 0.0,
}
#: Features whose weight is free in sign (intercept-like indicators); all others are constrained >= 0.
FREE = frozenset({"is_province", "is_district", "is_ward", "has_support", "empty", "input_has_marks"})


@dataclass(frozen=True)
class Model:
    """A logistic regression: p = sigmoid(bias + weights . features)."""

    features: tuple[str, ...]
    weights: np.ndarray
    bias: float
    _weights: tuple[float, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_weights", tuple(float(w) for w in self.weights))

    def prob(self, x: np.ndarray) -> float:
        z = self.bias + float(np.dot(self.weights, x))
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    def prob_of(self, feats: dict[str, float]) -> float:
        """`prob` of a feature dict, in plain Python: for one row of ten numbers numpy's call costs more than
        the arithmetic."""
        z = self.bias
        for name, w in zip(self.features, self._weights, strict=True):
            z += w * feats[name]
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    def probs(self, x: np.ndarray) -> list[float]:
        """`prob` of each row of x."""
        z = np.clip(self.bias + x @ self.weights, -30.0, 30.0)
        return [float(v) for v in 1.0 / (1.0 + np.exp(-z))]

    def to_json(self) -> dict[str, Any]:
        return {
            "features": list(self.features),
            "weights": [round(float(w), 6) for w in self.weights],
            "bias": round(self.bias, 6),
        }

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Model:
        return cls(tuple(d["features"]), np.asarray(d["weights"], dtype=float), float(d["bias"]))


@lru_cache(maxsize=1)
def models() -> dict[str, Model]:
    """The bundled models (`line`, `text`, `unit`, `remainder`, `char`), read once."""
    raw = json.loads(resources.files("vaddr.corrector").joinpath("data/calibration.json").read_text("utf-8"))
    return {name: Model.from_json(d) for name, d in raw["models"].items()}


#: When a list is set here (by `recording()`), every call appends its raw features: the fitting script's hook.
_RECORD: list[dict[str, Any]] | None = None


@contextlib.contextmanager
def recording() -> Iterator[list[dict[str, Any]]]:
    """Collect the features of every `correct()` call in the block (used by training/fit_calibration.py)."""
    global _RECORD
    previous, _RECORD = _RECORD, []
    try:
        yield _RECORD
    finally:
        _RECORD = previous


def _clip_log(p: float) -> float:
    return max(LOG_FLOOR, math.log(p)) if p > 0 else LOG_FLOOR


def _cap(x: float) -> float:
    return max(0.0, min(CAP, x))


def _aligned(read: str, text: str) -> list[int | None]:
    """Per character of `text`: the index of the best-path character it aligns with (an edit-distance
    alignment in C; None for a character with no counterpart, e.g. one the corrector inserted)."""
    source: list[int | None] = [None] * len(text)
    for op in Levenshtein.opcodes(read, text):
        if op.tag in ("equal", "replace") and op.src_end - op.src_start == op.dest_end - op.dest_start:
            for k in range(op.dest_end - op.dest_start):
                source[op.dest_start + k] = op.src_start + k
    return source


def char_support(text: str, log_probs: np.ndarray | None, charset: Sequence[str] | None) -> list[float | None]:
    """Per character of `text`: the image's posterior for that very character at the frames of the best-path
    character it aligns with (None when it aligns with none: a character the corrector inserted).

    Aligning to the best path with a C edit-distance alignment instead of a CTC forced alignment keeps this
    O(T + n^2) in C rather than a Python loop over frames (under 0.2 ms a line).
    """
    if log_probs is None or not charset or log_probs.shape[0] == 0:
        return [None] * len(text)
    read, spans = posteriors.greedy_spans(log_probs, charset)
    index = _index(charset)
    source = _aligned(read, text)  # output position -> best-path character
    out: list[float | None] = [None] * len(text)
    where, starts, ends, classes = [], [], [], []
    for i, (ch, j) in enumerate(zip(text, source, strict=True)):
        cls = index.get(ch)
        if ch != " " and j is not None and cls is not None:
            where.append(i)
            starts.append(spans[j][0])
            ends.append(spans[j][1] + 1)
            classes.append(cls)
    if where:  # max over each character's frames of its class's log-probability, in one numpy pass
        lengths = np.asarray(ends) - np.asarray(starts)
        offsets = np.concatenate(([0], np.cumsum(lengths)[:-1]))
        frames = np.repeat(np.asarray(starts) - offsets, lengths) + np.arange(lengths.sum())
        values = log_probs[frames, np.repeat(classes, lengths)]
        peaks = np.exp(np.maximum.reduceat(values, offsets))
        for i, p in zip(where, peaks.tolist(), strict=True):
            out[i] = p
    return out


_INDEX_CACHE: dict[int, tuple[Sequence[str], dict[str, int]]] = {}


def _index(charset: Sequence[str]) -> dict[str, int]:
    """Class id of each character (cached for the last charset seen: a recognizer keeps one)."""
    cached = _INDEX_CACHE.get(0)
    if cached is None or cached[0] is not charset:
        cached = (charset, {ch: i + 1 for i, ch in enumerate(charset)})
        _INDEX_CACHE[0] = cached
    return cached[1]


def _unit_spans(address: Address) -> dict[str, tuple[int, int]]:
    """Where each written unit reads in the output text (found from the right, as units are written)."""
    text = address.text
    end = len(text)
    out: dict[str, tuple[int, int]] = {}
    for level in LEVELS:
        u = getattr(address, level)
        if u is None or u.inferred or not u.text:
            continue
        a = text.rfind(u.text, 0, end)
        if a < 0:
            continue
        out[level] = (a, a + len(u.text))
        end = a
    return out


def _codes_by_level(parse: Any) -> dict[int, str]:
    return {_depth(m.level): m.entry.unit.code for m in parse.matches}


@lru_cache(maxsize=64)
def _depth(level: Any) -> int:
    """1 province, 2 district, 3 ward, from a matcher level given as a number or as a level name / enum
    (cached: it is asked for every unit of every scored reading)."""
    if isinstance(level, int) and not isinstance(level, bool):
        return level
    return _DEPTH[str(getattr(level, "value", level))]


def _agreement(
    hyps: Sequence[Hypothesis], per_hyp_codes: dict[int, dict[int, str]], pred: dict[int, str], text: str
) -> dict[Any, float]:
    """Share of the top-k probability mass whose best parse agrees with the chosen units (all, and per level)."""
    lps = np.array([h.log_prob for h in hyps], dtype=float)
    if len(lps) == 0 or not np.all(np.isfinite(lps)):
        return {"all": 1.0, 1: 1.0, 2: 1.0, 3: 1.0, "output": 0.0}
    w = np.exp(lps - lps.max())
    w /= w.sum()
    out: dict[Any, float] = {"all": 0.0, 1: 0.0, 2: 0.0, 3: 0.0, "output": 0.0}
    for i, wi in enumerate(w):
        if hyps[i].text == text:
            out["output"] += wi
        codes = per_hyp_codes.get(i, {})
        if all(codes.get(lv) == c for lv, c in pred.items()):
            out["all"] += wi
        for lv in (1, 2, 3):
            if codes.get(lv) == pred.get(lv):
                out[lv] += wi
    return out


def _part_signals(address: Address) -> dict[str, float]:
    """How much free text the structured remainder holds: each labelled part (house number, alley, street,
    hamlet...) is one more place for a misread the gazetteer cannot repair."""
    return {"neg_parts": -float(len(address.parts)) / 4.0}


def _kept_tail(text: str) -> str:
    """The end of the line that `correct()` keeps as written (", Việt Nam 700000"; see `tidy.tail`)."""
    return tail(normalize(text))


def _source_text(line: Any, hyp: Hypothesis) -> str:
    """The text the corrector worked on: the reading as written, or the line put in the usual order when it was
    written province first (`order.py`). A reordering moves whole pieces: it changes no letter, so the
    features that count changed letters compare the output with the reordered line."""
    return str(line.text) if line.text != prepare(hyp.text).text else hyp.text


def _unit_ratio(address: Address, line: Any, parse: Any, log_probs: np.ndarray, charset: Sequence[str]) -> float:
    """How much less the frames of each written unit support the unit as output than as read: the minimum over
    units of log P(output | frames) - log P(read | frames) (CTC forward, `posteriors.window_scores`), 0 when
    the unit is output as read, floor -20.

    Why: a gazetteer spelling that the image contradicts is a confident error no character support sees: a
    letter the corrector inserted ("Hoài Nhơn" for a clearly written "Hoà Nhơn") aligns with no frame. The
    unit's frames are found by aligning the line to the best path (edit-distance opcodes, in C: no forced
    alignment), from the frame after the previous read character to the next one.
    """
    read, spans = posteriors.greedy_spans(log_probs, charset)
    if not spans:
        return 0.0
    source = _aligned(read, line.text)  # line position -> best-path character
    index = _index(charset)
    worst = 0.0
    for m in parse.matches:
        u = getattr(address, LEVELS[_depth(m.level) - 1])
        if u is None or u.inferred or not u.text:
            continue
        a, b = line.pos[m.type_start], line.pos[m.end - 1] + 1
        written = line.text[a:b]
        inside = [j for j in source[a:b] if j is not None]
        if written == u.text or not inside:
            continue
        t0 = spans[inside[0] - 1][1] + 1 if inside[0] > 0 else 0
        t1 = spans[inside[-1] + 1][0] if inside[-1] + 1 < len(spans) else log_probs.shape[0]
        enc_w, enc_o = posteriors.encode(written, index), posteriors.encode(u.text, index)
        if not enc_w or not enc_o or t1 <= t0:
            continue
        sc = posteriors.window_scores(log_probs[t0:t1], [enc_w, enc_o])
        if np.isfinite(sc[0]):
            worst = min(worst, max(-20.0, float(sc[1] - sc[0])) if np.isfinite(sc[1]) else -20.0)
    return worst


def _ward_homonyms(parse: Any, scheme: str) -> int:
    """How many units of the province bear the matched ward's name, when no district is matched to tell them
    apart ("Phường 6, TP HCM": one of 13 wards): the pick among them is a guess, whatever the other signals say,
    so the ward's confidence (and that of the district inferred from it) is divided by this count. A 2025 ward
    counts the other wards its former namesakes became (`_former_namesakes`). The line's own confidence is not
    divided: its text is the same whichever unit it names."""
    matched = {_depth(m.level): m for m in parse.matches}
    ward, province = matched.get(3), matched.get(1)
    if ward is None or province is None or 2 in matched:
        return 1
    key = squeeze(ward.entry.display)
    group = match_index(scheme).wards_of_province.get(province.entry.unit.code)
    idx = None if group is None else group.index_of(key)
    if group is None or idx is None:
        return 1
    count = max(1, len({e.unit.code.split("~")[0] for e in group.entries[idx]}))
    if scheme == "2025":  # ... and former wards of that name, which the line may name if written before the reform
        count += _former_namesakes(province.entry.unit.code, key, ward.entry.unit.code)
    return count


@lru_cache(maxsize=4096)
def _former_namesakes(province: str, key: str, ward: str) -> int:
    """How many other 2025 wards the former wards named `key` (final legacy state) of the provinces that became
    `province` were converted to: "Phường Cửa Nam, Hà Nội" is the 2025 ward Cửa Nam if written since the reform,
    and the former ward Cửa Nam (now in Văn Miếu - Quốc Tử Giám) if written before."""
    legacy = match_index("legacy")
    targets: set[str] = set()
    for code, group in legacy.wards_of_province.items():
        idx = group.index_of(key)
        if idx is None or province_2025(code) != province:
            continue
        for entry in group.entries[idx]:
            if entry.unit.current:
                new = gazetteer.to_2025(ward_code=entry.unit.code).ward
                if new is not None and new.code != ward:
                    targets.add(new.code)
    return len(targets)


def features(
    address: Address,
    data: Any,
    hyps: Sequence[Hypothesis],
    scored: Sequence[tuple[float, Any, Any, Hypothesis, str]],
) -> dict[str, Any]:
    """Every raw signal of one corrected line (the models pick from these by name).

    `chars` is an array, one row per character of `text`, columns in `CHAR_FEATURES` order. Plain text (no
    posteriors) skips every per-character image signal: they are constants there.
    """
    log_probs = getattr(data, "log_probs", None)
    charset = getattr(data, "charset", None)
    image = log_probs is not None and bool(charset)
    text = address.text
    n_text = len(text)
    if image:
        support = char_support(text, log_probs, charset)
        logs: list[float | None] = [None if v is None else _clip_log(v) for v in support]  # once per character
    chosen_score, chosen_line, chosen_parse, chosen_hyp, _ = scored[0]
    source = _source_text(chosen_line, chosen_hyp)
    pred = {_DEPTH[lv]: u.code for lv in LEVELS if (u := getattr(address, lv)) is not None}
    # margins: the chosen reading against the best reading with other text, and with other units
    text_margin = code_margin = CAP
    level_margin = {1: CAP, 2: CAP, 3: CAP}
    per_hyp_codes: dict[int, dict[int, str]] = {}
    hyp_ids = {id(h): i for i, h in enumerate(hyps)}
    chosen_codes = _codes_by_level(chosen_parse)
    chosen_text = chosen_line.text
    for score, line, parse, hyp, _ in scored:
        codes = _codes_by_level(parse)
        i = hyp_ids.get(id(hyp))
        if i is not None and i not in per_hyp_codes:
            per_hyp_codes[i] = codes
        gap = chosen_score - score
        if gap >= CAP:
            continue  # a reading this far behind moves no margin (each is capped at CAP)
        if line.text != chosen_text:
            text_margin = min(text_margin, gap)
        if codes != chosen_codes:
            code_margin = min(code_margin, gap)
        for level in (1, 2, 3):
            if level in pred and codes.get(level) != pred[level]:
                level_margin[level] = min(level_margin[level], gap)
    agree = _agreement(hyps, per_hyp_codes, pred, text) if image else _NO_AGREEMENT
    # what the corrector did
    edits = {_depth(m.level): (m.edits, max(1, m.end - m.start)) for m in chosen_parse.matches}
    unit_edits = sum(e for e, _ in edits.values())
    # letters the corrector changed, apart from marks and case; and the marks and case it restored
    changed = Levenshtein.distance(fold(source), fold(text))
    same_length = len(source) == n_text
    restored = sum(a != b for a, b in zip(source, text, strict=False)) if same_length else changed

    unknown = unknown_words(chosen_line, chosen_parse)
    n = max(1, n_text)
    line = {
        "text_margin": _cap(text_margin),
        "code_margin": _cap(code_margin),
        "neg_unit_edits": -float(unit_edits),
        "neg_unknown_words": -float(unknown),
        # of the levels its structure has: province and ward are a complete address in the 2025 one
        "levels": len(chosen_parse.matches) / (2.0 if scored[0][4] == "2025" else 3.0),
        "neg_changed": -changed / 10.0,
        "neg_restored": -max(0, restored - changed) / 10.0,
        "input_has_marks": float(fold(hyps[0].text) != hyps[0].text.lower()),
        # a trailing country / postcode is kept as written, never corrected: it adds no chance of an error
        "neg_length": -max(0, n_text - len(_kept_tail(chosen_hyp.text))) / 40.0,
        "unchanged": float(source == text),
        "agreement": agree["all"],
    }
    spans = _unit_spans(address)
    if image:
        log_peaks = [v for v in logs if v is not None]
        digits = [v for ch, v in zip(text, logs, strict=True) if v is not None and ch.isdigit()]
        in_unit = bytearray(n_text)
        for a, b in spans.values():
            in_unit[a:b] = b"\x01" * (b - a)
        unsupported = -3.0  # a character the corrector inserted: the image says nothing for it
        rem_logs = [
            unsupported if v is None else v for ch, v, u in zip(text, logs, in_unit, strict=True) if ch != " " and not u
        ]
        unit_logs = [
            unsupported if v is None else v for ch, v, u in zip(text, logs, in_unit, strict=True) if ch != " " and u
        ]
        # errors left in the line are mostly in the free text: the gazetteer repairs the units
        remainder_sum = max(-20.0, sum(rem_logs))
        line.update(
            min_log_peak=min(log_peaks) if log_peaks else 0.0,
            mean_log_peak=sum(log_peaks) / len(log_peaks) if log_peaks else 0.0,
            log_prob_per_char=max(-3.0, hyps[0].log_prob / n),
            hyp_margin=CAP if len(hyps) < 2 else _cap(hyps[0].log_prob - hyps[1].log_prob),
            digit_min_log_peak=min(digits) if digits else 0.0,
            output_mass=agree["output"],
            output_is_top=float(bool(hyps) and hyps[0].text == text),
            remainder_sum_log_support=remainder_sum,
            remainder_support=math.exp(remainder_sum),
            remainder_min_log_support=min(rem_logs, default=0.0),
            unit_sum_log_support=max(-20.0, sum(unit_logs)),
        )
    else:
        line.update(_TEXT_LINE_CONSTANTS)
    line.update(_part_signals(address))
    line["unit_min_log_ratio"] = (  # the same test as `image`, spelled out so that the types narrow
        _unit_ratio(address, chosen_line, chosen_parse, log_probs, charset)
        if log_probs is not None and charset
        else 0.0
    )
    units: dict[str, dict[str, float]] = {}
    lowest = max((_DEPTH[lv] for lv in LEVELS if lv in spans and getattr(address, lv) is not None), default=0)
    for lv in LEVELS:
        u = getattr(address, lv)
        if u is None:
            continue
        k = _DEPTH[lv]
        src = k if k in edits else lowest  # an inferred unit stands on the unit it was inferred from
        e, length = edits.get(src, (0, 1))
        if image:
            span = spans.get(lv) or spans.get(LEVELS[src - 1]) if src else None
            sup = [v for v in logs[span[0] : span[1]] if v is not None] if span else []
            min_sup = min(sup) if sup else -2.0
        units[lv] = {
            "is_province": float(k == 1),
            "is_district": float(k == 2),
            "is_ward": float(k == 3),
            "quality": max(0.0, 1.0 - e / length),
            "neg_edits": -float(e),
            "code_margin": _cap(level_margin[k]),
            "min_log_support": min_sup if image else 0.0,
            "province_min_log_support": min_sup if image and k == 1 else 0.0,
            "agreement": agree[k] if image else 1.0,
            "written": float(not u.inferred),
            "kept": float(chosen_codes.get(k) == u.code or k not in chosen_codes),
        }
    # the remainder: the output characters before the first written unit
    first_unit = min((a for a, _ in spans.values()), default=n_text)
    rem_text = text[:first_unit].strip()
    src_rem = source[: max(0, len(source) - (n_text - first_unit))]
    if image:
        head = list(zip(text[:first_unit], logs[:first_unit], strict=True))
        free_logs = [-2.0 if v is None else v for ch, v in head if ch != " "]
        rem_digits = [-2.0 if v is None else v for ch, v in head if ch.isdigit()]
    else:
        free_logs = rem_digits = []
    remainder = {
        "min_log_support": min(free_logs) if free_logs else 0.0,
        "mean_log_support": sum(free_logs) / len(free_logs) if free_logs else 0.0,
        "digit_min_log_support": min(rem_digits) if rem_digits else 0.0,
        "text_margin": _cap(text_margin),
        "neg_unknown_words": -float(unknown),
        "neg_changed": -Levenshtein.distance(src_rem.strip(), rem_text) / 10.0,
        "neg_length": -len(rem_text) / 40.0,
        "empty": float(not rem_text),
    }
    # characters: unchanged = the character the chosen reading had at the aligned place
    chars = np.zeros((n_text, len(CHAR_FEATURES)))
    if source == text:
        chars[:, _UNCHANGED] = 1.0
    else:
        for op in Levenshtein.opcodes(source, text):
            if op.tag == "equal":
                chars[op.dest_start : op.dest_end, _UNCHANGED] = 1.0
    if image:
        known = [i for i, v in enumerate(logs) if v is not None]
        chars[known, _LOG_SUPPORT] = [logs[i] for i in known]
        chars[known, _HAS_SUPPORT] = 1.0
    return {
        "image": image,
        "line": line,
        "units": units,
        "remainder": remainder,
        "chars": chars,
        "spans": spans,
        "blanks": [i for i, ch in enumerate(text) if ch == " "],
        "homonyms": _ward_homonyms(chosen_parse, scored[0][4]),
    }


_TEXT_CHAR_CACHE: dict[int, tuple[Model, tuple[float, float]]] = {}


def _text_char_probs(char_model: Model) -> tuple[float, float]:
    """The character model's probability for a character of plain text changed / kept by the corrector
    (computed once per model: a model holds an array, so it is no dictionary key; its identity is)."""
    cached = _TEXT_CHAR_CACHE.get(id(char_model))
    if cached is None or cached[0] is not char_model:
        two = np.zeros((2, len(CHAR_FEATURES)))
        two[1, _UNCHANGED] = 1.0
        changed_p, unchanged_p = char_model.probs(two[:, [CHAR_FEATURES.index(k) for k in char_model.features]])
        cached = _TEXT_CHAR_CACHE[id(char_model)] = (char_model, (changed_p, unchanged_p))
    return cached[1]


def predict(f: dict[str, Any], m: dict[str, Model] | None = None) -> dict[str, Any]:
    """Probabilities from one line's features: line, units, remainder and characters."""
    m = m or models()
    line_model = m["line"] if f["image"] else m["text"]
    line_p = line_model.prob_of(f["line"])
    units = {lv: m["unit"].prob_of(feats) for lv, feats in f["units"].items()}
    has_remainder = not f["remainder"]["empty"]
    rem = m["remainder"].prob_of(f["remainder"]) if has_remainder else None
    char_model = m["char"]
    columns = [CHAR_FEATURES.index(k) for k in char_model.features]
    rows = np.asarray(f["chars"], dtype=float).reshape(-1, len(CHAR_FEATURES))
    if f["image"]:
        chars = char_model.probs(rows[:, columns])
    else:  # no image support: every row is (0, 0, unchanged), so there are only two probabilities
        changed_p, unchanged_p = _text_char_probs(char_model)
        chars = [unchanged_p if u else changed_p for u in rows[:, _UNCHANGED].tolist()]
    homonyms = f.get("homonyms", 1)
    if homonyms > 1:  # the ward is one of several of that name in the province, its district unwritten
        for lv in ("ward", "district"):
            if lv in units and (lv == "ward" or not f["units"][lv]["written"]):
                units[lv] /= homonyms
    for lv, (a, b) in f["spans"].items():
        chars[a:b] = [units[lv]] * (b - a)
    for i in f.get("blanks", ()):
        chars[i] = 1.0
    return {"confidence": line_p, "units": units, "remainder": rem, "chars": chars}


def _prob(p: float) -> float:
    """A probability fit for the public fields (model_copy does not validate: never let a NaN through)."""
    return round(min(1.0, max(0.0, p)), 4) if math.isfinite(p) else 0.0


def _probs(ps: Sequence[float]) -> list[float]:
    """Each value clipped to [0, 1] (non-finite: 0) and rounded to 4 decimals as numpy's `round` does
    (scale, round half to even, unscale: the per-character values have always been rounded that way), once
    per distinct value: a line has a handful."""
    rounded: dict[float, float] = {}
    out = []
    for p in ps:
        r = rounded.get(p)
        if r is None:
            q = min(1.0, max(0.0, p)) if math.isfinite(p) else 0.0
            r = rounded[p] = round(q * 10000.0) / 10000.0
        out.append(r)
    return out


def calibrate(
    address: Address,
    data: Any,
    hyps: Sequence[Hypothesis],
    scored: Sequence[tuple[float, Any, Any, Hypothesis, str]],
) -> Address:
    """The address with calibrated `confidence`, unit confidences, `remainder_confidence` and
    `char_confidence` (one per character of `text`)."""
    f = features(address, data, hyps, scored)
    if _RECORD is not None:
        _RECORD.append(f)
    p = predict(f)
    updates: dict[str, Any] = {
        lv: getattr(address, lv).model_copy(update={"confidence": _prob(c)}) for lv, c in p["units"].items()
    }
    updates.update(
        confidence=_prob(p["confidence"]),
        remainder_confidence=None if p["remainder"] is None else _prob(p["remainder"]),
        char_confidence=_probs(p["chars"]),
    )
    return address.model_copy(update=updates)


def carry(source: Address, converted: Address) -> Address:
    """Carry the confidences of a legacy address over to its 2025 conversion (same remainder, mapped units).

    An old ward split into n new wards is mapped to one of them offline: the line and its ward get 1/n of the
    legacy confidence (as `vaddr.corrector.convert.to_2025` does), the province keeps its own."""
    share = 1.0 / (len(converted.alternatives) + 1) if converted.ward is not None else 1.0
    updates: dict[str, Any] = {
        # the line's share (and its cap by the ward it names) is `convert.to_2025`'s, from the calibrated source
        "confidence": converted.confidence,
        "remainder_confidence": source.remainder_confidence,
    }
    src_unit = source.ward or source.district or source.province
    for lv in ("province", "ward"):
        u = getattr(converted, lv)
        if u is None:
            continue
        origin = getattr(source, lv) if lv == "province" else src_unit
        conf = origin.confidence if origin is not None else None
        if conf is not None and lv == "ward":
            conf = _prob(conf * share)
        updates[lv] = u.model_copy(update={"confidence": conf})
    chars = [1.0] * len(converted.text)
    n = len(source.remainder)
    if source.char_confidence and converted.text.startswith(source.remainder):
        chars[:n] = source.char_confidence[:n]
    probe = converted.model_copy(update=updates)
    for lv, (a, b) in _unit_spans(probe).items():
        c = getattr(probe, lv).confidence
        chars[a:b] = [c if c is not None else source.confidence] * (b - a)
    updates["char_confidence"] = [1.0 if ch == " " else c for ch, c in zip(converted.text, chars, strict=True)]
    return converted.model_copy(update=updates)
