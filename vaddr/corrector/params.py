"""Every tunable of the corrector, in one frozen object passed explicitly.

Why one object: the cost model (what an edit costs, how wide the beam is, how much a written type word is worth,
how the recognizer's log-probability weighs against address structure) is tuned as a whole. Keeping it in one
frozen, hashable value lets an experiment build a variant (``dataclasses.replace(DEFAULT, beam=4)``) and pass it
to ``correct(..., params=...)`` without touching module globals, and lets every memoised search key on it, so two
parameter sets never share a cached answer.

Units: *gain* is the matcher's score unit, one matched character of a unit name (a name of 8 folded letters
matched exactly gains 8). Edits are Levenshtein edits on the folded, space-free line. The joint score of
`correct()` is in *joint units*: ``structure * gain + log_prob * nats - unknown_word * words``.

The fitted weights of the joint score live in ``data/weights.json`` with their provenance, written by
``python -m training.fit_rescoring --write``; :func:`fitted_weights` reads them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, fields
from functools import cache
from importlib import resources
from typing import Any

from vaddr.types import Level

__all__ = ["DEFAULT", "Params", "Weights", "fitted_weights", "weights_provenance"]

WEIGHTS_FILE = "data/weights.json"


@dataclass(frozen=True, slots=True)
class Weights:
    """Weights of the joint score that picks a reading among the recognizer's hypotheses; only ratios matter."""

    #: joint units per gain of the matcher's structure score (fixed at 1: the reference unit)
    structure: float = 1.0
    #: joint units per nat of recognizer log-probability
    log_prob: float = 2.0
    #: joint units charged per word outside the matched units that is no known spelling (multi-hypothesis only)
    unknown_word: float = 1.0


@cache
def _weights_record() -> dict[str, Any]:
    text = resources.files(__package__).joinpath(WEIGHTS_FILE).read_text(encoding="utf-8")
    record: dict[str, Any] = json.loads(text)
    return record


def fitted_weights() -> Weights:
    """The weights fitted by ``training/fit_rescoring.py``, read from ``data/weights.json``."""
    record = _weights_record()["weights"]
    return Weights(**{k: float(v) for k, v in record.items()})


def weights_provenance() -> dict[str, Any]:
    """How the stored weights were fitted (command, data, objective), as recorded in the data file."""
    return {k: v for k, v in _weights_record().items() if k != "weights"}


@dataclass(frozen=True, slots=True)
class Params:
    """The corrector's cost model. Defaults are the values the benchmarks in docs/ were measured with."""

    # --- how many edits a name may absorb -----------------------------------------------------------------
    #: (longest key length, edits a key up to that length may absorb), ascending; keys are folded letters
    edit_limits: tuple[tuple[int, int], ...] = ((3, 0), (5, 1), (9, 2), (14, 3))
    #: edits a key longer than the last `edit_limits` bound may absorb (edits)
    edit_limit_long: int = 4

    # --- scoring one unit match (gain units) --------------------------------------------------------------
    #: cost of one edit; above 1 so that one edit must be paid for by more than one matched character (gain/edit)
    edit_cost: float = 1.75
    #: cost of a name starting inside a written word (spaces lost): it must be clearly better (gain)
    off_boundary: float = 1.0
    #: cost of a unit that is not in the final legacy state: older snapshot names lose ties (gain)
    not_current: float = 0.3
    #: cost per diacritic that disagrees with the name, when the line was written with marks (gain/mark)
    mark_cost: float = 0.5
    #: cost of a name whose span swallows or cuts through a written type word ("Thành Phố") (gain)
    type_inside: float = 3.0
    #: cost of a name whose span swallows a word that opens a part of the free text ("Xóm", "Thôn", "Số") (gain)
    part_inside: float = 3.0
    #: bonus for a written type word that is the unit's own type ("Huyện" before a huyện) (gain)
    type_bonus_exact: float = 1.0
    #: bonus for a written type word that can label the unit's level but is not its type (gain)
    type_bonus_level: float = 0.3
    #: least gain a unit match must reach to be kept at all (gain)
    min_gain: float = 1.5

    # --- levels not written ---------------------------------------------------------------------------------
    #: cost of reading no province (gain)
    skip_province: float = 1.0
    #: cost of reading no district (gain)
    skip_district: float = 1.0
    #: cost of reading no ward (gain)
    skip_ward: float = 0.5

    # --- the beam ---------------------------------------------------------------------------------------------
    #: candidates kept per level and parses extended per step (count)
    beam: int = 3
    #: fuzzy hits scored closely per candidate search, in beams (count = beam * this)
    shortlist_beams: int = 4
    #: ranked candidates a search returns, in beams (count = beam * this)
    ranked_beams: int = 2
    #: drop candidates this far behind the best of their level (gain)
    margin: float = 4.0
    #: ... or this far, when the best is an exact match of a long name (gain >= `confident`) (gain)
    margin_exact: float = 2.5
    #: a match this good needs no wider search: a ward under its district, a province that stands (gain)
    confident: float = 6.0

    # --- special cases -----------------------------------------------------------------------------------------
    #: cost of a ward found in the province but not under the written district (moved units, slips); such a ward
    #: must be written without an edit (gain)
    other_district: float = 1.5
    #: cost of a ward read across an unexplained abbreviation before the district / province ("Cg") (gain)
    skip_word: float = 1.0
    #: cost of a province read through its district, the written words being far from its name (gain)
    implied: float = 1.0
    #: edits beyond what a province name may absorb that an implied province may still differ by (edits)
    implied_slack: int = 2
    #: how many of the line's last words an implied province may span (words)
    implied_words: int = 3
    #: a province read with this many edits or more stands only with a district or ward under it (edits)
    lone_province_edits: int = 2
    #: least gain of a district read with no province to anchor it (gain)
    lone_district_gain: float = 4.0
    #: least gain of such a district when it has an edit (gain): an 8-letter name one edit away is not enough
    #: ("Ben Thanh", the ward Bến Thành written alone, is not Huyện Yên Thành in Nghệ An), 9 letters are
    lone_district_fuzzy_gain: float = 7.0

    # --- choosing among readings (joint units) -------------------------------------------------------------
    #: cost of reading the line with its parts reordered (province first, "HCM Q1 P Bến Thành") (joint)
    reorder_cost: float = 1.0
    #: weights of the joint score; defaults are the fitted ones in data/weights.json
    weights: Weights = field(default_factory=fitted_weights)
    #: added to a 2025-structure reading: most forms predate the reform, so the legacy reading wins ties (joint)
    tie_2025: float = -0.5
    #: cost of a legacy reading that leaves a ward's type word right before a district matched without its own
    #: ("Xã Cẩm Thủy Tỉnh Thanh Hóa" is the 2025 commune Cẩm Thủy, not the former district) (gain)
    dangling_type: float = 1.0
    #: how often the output is re-read until it reads back as itself (rounds)
    fixpoint_rounds: int = 3

    # --- province guard (joint units) ---------------------------------------------------------------------------
    #: a province written with at most this many edits at the end of the best reading is taken as written (edits)
    guard_edits: int = 1
    #: cost of a reading that replaces such a province by another one: it needs overwhelming evidence (joint)
    province_guard: float = 4.0

    # --- confidence (probability-like, 0..1) -----------------------------------------------------------------
    #: confidence of a line in which no unit was found
    confidence_none: float = 0.1
    #: confidence factor for 1, 2 and 3 levels found
    coverage: tuple[float, float, float] = (0.5, 0.8, 1.0)

    # --- lexicon-constrained re-decoding ------------------------------------------------------------------------
    #: units per level scored against the recognizer's frames (count)
    rescore_candidates: int = 12

    #: hash of all the fields above, computed once: Params keys the memoised searches, which hash it per call
    _hash: int = field(default=0, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_hash", hash(self.__getstate__()))

    def __hash__(self) -> int:
        return self._hash

    def __getstate__(self) -> tuple[Any, ...]:
        """The fields without the hash: string hashes differ between processes, so a worker recomputes it."""
        return tuple(getattr(self, f.name) for f in fields(self) if f.name != "_hash")

    def __setstate__(self, state: tuple[Any, ...]) -> None:
        names = [f.name for f in fields(self) if f.name != "_hash"]
        for name, value in zip(names, state, strict=True):
            object.__setattr__(self, name, value)
        self.__post_init__()

    def max_edits(self, length: int) -> int:
        """How many edits a key of this length may absorb and still be the same name."""
        for bound, edits in self.edit_limits:
            if length <= bound:
                return edits
        return self.edit_limit_long

    @property
    def search_cutoff(self) -> int:
        """The most edits any key may absorb: the fuzzy search need not compute distances beyond it."""
        return max(self.edit_limit_long, *(e for _, e in self.edit_limits))

    @property
    def best_type_bonus(self) -> float:
        """The most a written type word can add: the optimistic bound used to prune hits early."""
        return max(self.type_bonus_exact, self.type_bonus_level, 0.0)

    def skip(self, level: Level) -> float:
        """Cost of a level that is not written."""
        return {Level.PROVINCE: self.skip_province, Level.DISTRICT: self.skip_district, Level.WARD: self.skip_ward}[
            level
        ]


#: The parameters `correct()` uses when given none.
DEFAULT = Params()
