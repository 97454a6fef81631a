"""Matching index over the gazetteer: folded keys grouped by parent, built once per process.

The matcher compares *folded* text (no diacritics, lower case, no spaces), so an OCR line that lost its marks or
its spaces still finds its units; the display form with the right marks comes from the gazetteer. Keys are grouped
by parent so that a district is only searched among the districts of the matched province, which is what keeps
the search both fast and hard to fool.
"""

from __future__ import annotations

import gc
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

import numpy as np
from rapidfuzz.distance import Levenshtein

from vaddr import gazetteer
from vaddr.corrector.params import Params
from vaddr.gazetteer import Unit
from vaddr.rules import abbreviations
from vaddr.rules.text import fold, squeeze, to_new_style
from vaddr.types import Level


@dataclass(frozen=True, slots=True)
class Entry:
    """One way of writing one unit: its official name, an alias or its initials."""

    unit: Unit
    display: str  # bare name as it should be printed (new-style tones; the renderer converts)
    exact_only: bool = False  # initials and short abbreviations must match exactly
    is_alias: bool = False
    # how the written span must look for this spelling to count: "caps" (two-letter initials, "BT", "GV"),
    # "dotted" (a first word cut to its initial with "." or "/": "C/Giấy", "T.Giang", "H.C.Minh"),
    # "word" (a short initialism written as one word: "HN", "Hcm", not "H n")
    form: str = ""
    folded: str = ""  # the display name folded, words kept apart: "phu yen"
    marked_key: str = ""  # lower case, new-style tones, letters only: compared with what was written
    level: Level = Level.WARD  # the unit's level (set from the gazetteer's number)

    def __post_init__(self) -> None:
        marked = to_new_style(self.display.lower())
        object.__setattr__(self, "marked_key", "".join(ch for ch in marked if ch.isalnum()))
        object.__setattr__(self, "level", Level.of_depth(self.unit.level))
        object.__setattr__(self, "folded", " ".join(fold(self.display).replace("-", " ").split()))


@dataclass(slots=True)
class Group:
    """Units that share a parent: the search space at one step of the hierarchy."""

    keys: list[str] = field(default_factory=list)
    entries: list[list[Entry]] = field(default_factory=list)
    _pos: dict[str, int] = field(default_factory=dict)
    min_len: int = 99
    max_len: int = 0
    _arrays: dict[tuple[object, ...], tuple[np.ndarray, list[str]]] = field(default_factory=dict)
    _edits: dict[tuple[object, ...], tuple[int, int]] = field(default_factory=dict)

    def index_of(self, key: str) -> int | None:
        return self._pos.get(key)

    def edits(self, params: Params) -> tuple[int, int]:
        """`params.max_edits` of the shortest and of the longest key (asked on every search of the group)."""
        slot = (params.edit_limits, params.edit_limit_long)
        found = self._edits.get(slot)
        if found is None:
            found = self._edits[slot] = (params.max_edits(self.min_len), params.max_edits(self.max_len))
        return found

    def arrays(self, params: Params) -> tuple[np.ndarray, list[str]]:
        """Per key: edits it may absorb under `params` (numpy, for the vectorised filter) and its digits."""
        slot = (params.edit_limits, params.edit_limit_long)
        found = self._arrays.get(slot)
        if found is None:
            allowed = np.array([params.max_edits(len(k)) for k in self.keys], dtype=np.int32)
            found = self._arrays[slot] = (allowed, ["".join(c for c in k if c.isdigit()) for k in self.keys])
        return found

    def add(self, key: str, entry: Entry) -> None:
        if not key:
            return
        i = self._pos.get(key)
        if i is None:
            self._pos[key] = len(self.keys)
            self.keys.append(key)
            self.entries.append([entry])
            self.min_len = min(self.min_len, len(key))
            self.max_len = max(self.max_len, len(key))
        elif all(e.unit.code != entry.unit.code or e.display != entry.display for e in self.entries[i]):
            self.entries[i].append(entry)


@dataclass(slots=True)
class MatchIndex:
    scheme: str
    provinces: Group
    districts_of: dict[str, Group]
    wards_of_district: dict[str, Group]
    wards_of_province: dict[str, Group]
    all_districts: Group


@cache
def _capital_initials() -> dict[tuple[int, str], tuple[str, ...]]:
    """(level, squeezed name) -> initialisms that count only in capitals (data/capital_initials.tsv)."""
    text = resources.files(__package__).joinpath("data/capital_initials.tsv").read_text(encoding="utf-8")
    out: dict[tuple[int, str], tuple[str, ...]] = {}
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            level, name, initials = line.split("\t")
            out[(Level(level).depth, squeeze(name))] = tuple(i.strip() for i in initials.split(",") if i.strip())
    return out


_ROMAN = {"I": "1", "II": "2", "III": "3", "IV": "4", "V": "5", "VI": "6"}  # a name's closing number in Roman


def _entries_for(unit: Unit) -> list[tuple[str, Entry]]:
    """All the keys a unit can be written as."""
    out = [(squeeze(unit.name), Entry(unit, unit.name))]
    for written in _capital_initials().get((unit.level, squeeze(unit.name)), ()):
        out.append((squeeze(written), Entry(unit, written, exact_only=True, is_alias=True, form="caps")))
    for alias in unit.aliases:
        key = squeeze(alias)
        if not key or key.isdigit() != unit.name.isdigit():
            continue
        if alias == key and not alias.isdigit():
            continue  # a source's bare ascii key ("thongnong"): no spelling to print, the name covers it
        out.append((key, Entry(unit, alias, is_alias=True)))
    *head, last = unit.name.split()
    if head and last in _ROMAN:  # "Hải Châu I" is as often written "Hải Châu 1"
        arabic = " ".join([*head, _ROMAN[last]])
        out.append((squeeze(arabic), Entry(unit, arabic, is_alias=True)))
    for abbr in abbreviations.name_abbreviations(unit.name):
        key = squeeze(abbr)
        if len(key) <= 5:  # an initialism ("hcm", "brvt"): printed as written; a short one written as one word
            form = "word" if len(key) <= 3 else ""
            out.append((key, Entry(unit, abbr, exact_only=True, is_alias=True, form=form)))
        else:  # a variant spelling ("dak lac"): printed as the official name; another name ("sai gon") as itself
            other = abbreviations.other_name(key) if Levenshtein.distance(key, squeeze(unit.name)) > 2 else None
            out.append((key, Entry(unit, other or unit.name, exact_only=True)))
    words = unit.name.replace("-", " ").split()
    level = Level.of_depth(unit.level)
    if len(words) >= 3 and level is not Level.WARD:
        initials = abbreviations.initials(unit.name)
        out.append((initials, Entry(unit, initials.capitalize(), exact_only=True, is_alias=True)))
    if len(words) == 2 and level is Level.DISTRICT and not any(w.isdigit() for w in words):
        # "BT" for Bình Thạnh, "GV" for Gò Vấp: only in capitals, and never a type or word abbreviation ("TP")
        initials = abbreviations.initials(unit.name)
        if not abbreviations.is_abbreviation(initials):
            out.append((initials, Entry(unit, initials.upper(), exact_only=True, is_alias=True, form="caps")))
    if len(words) >= 2 and level is not Level.WARD and not any(w.isdigit() for w in words):
        dotted = abbreviations.initials(" ".join(words[:-1])) + squeeze(words[-1])
        out.append((dotted, Entry(unit, unit.name, exact_only=True, is_alias=True, form="dotted")))
    return out


def _build(gaz: gazetteer.Gazetteer, scheme: str) -> MatchIndex:
    """Group keys by parent through `children()`, which also lists units under the parent they had in older
    snapshots: an address written in 2023 names the parents of 2023."""
    provinces = Group()
    districts_of: dict[str, Group] = {}
    wards_of_district: dict[str, Group] = {}
    wards_of_province: dict[str, Group] = {}
    all_districts = Group()

    def add_all(group: Group, unit: Unit) -> None:
        for key, entry in _entries_for(unit):
            group.add(key, entry)

    for prov in gaz.units(1):
        add_all(provinces, prov)
        in_province = wards_of_province.setdefault(prov.code, Group())
        for child in gaz.children(prov.code):
            if Level.of_depth(child.level) is Level.WARD:  # 2025 scheme: wards hang directly under the province
                add_all(in_province, child)
                continue
            add_all(districts_of.setdefault(prov.code, Group()), child)
            add_all(all_districts, child)
            for ward in gaz.children(child.code):
                add_all(wards_of_district.setdefault(child.code, Group()), ward)
                add_all(in_province, ward)
    return MatchIndex(scheme, provinces, districts_of, wards_of_district, wards_of_province, all_districts)


@cache
def match_index(scheme: str = "legacy") -> MatchIndex:
    """The index for one administrative scheme, built on first use (a few hundred ms) and kept.

    Once built, every object the process holds is moved out of the cyclic garbage collector's sight
    (`gc.freeze`): the index and the gazetteer under it are ~130,000 objects that live as long as the process,
    and each full collection re-scanned them all, a 60-100 ms pause every few hundred lines in a long batch
    (measured with `gc.callbacks` over the corrector benchmark). Reference counting still frees everything
    as usual; only cycles that are garbage at this moment would stay (there are none worth the pause).
    """
    gaz = gazetteer.legacy() if scheme == "legacy" else gazetteer.current()
    index = _build(gaz, scheme)
    gc.freeze()
    return index
