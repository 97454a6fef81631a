"""Public data types: what crosses the library boundary.

Everything the user sees is a pydantic model so it validates, serialises to JSON (`--json`) and documents
itself. Internals use plain tuples and dataclasses for speed.
"""

from __future__ import annotations

from enum import Enum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class Level(str, Enum):
    """Level of an administrative unit. The value is what JSON carries ("province", "district", "ward").

    A str-valued enum, so ``Level.WARD == "ward"`` and JSON stays the plain strings; ``depth`` gives the
    gazetteer's numbering (1 province, 2 district, 3 ward), for the data files that store levels as numbers.
    """

    PROVINCE = "province"
    DISTRICT = "district"
    WARD = "ward"

    __str__ = str.__str__  # "ward", not "Level.WARD", in f-strings and str() on every Python version
    __format__ = str.__format__  # type: ignore[assignment]  # Enum's own __format__ differs by Python version

    @property
    def depth(self) -> int:
        """1 for a province, 2 for a district, 3 for a ward."""
        return _DEPTH[self]

    @classmethod
    def of_depth(cls, depth: int) -> Level:
        """The level the gazetteer numbers `depth` (1, 2 or 3)."""
        return _BY_DEPTH[depth]


_DEPTH = {Level.PROVINCE: 1, Level.DISTRICT: 2, Level.WARD: 3}
_BY_DEPTH = {d: lv for lv, d in _DEPTH.items()}
Scheme = Literal["legacy", "2025"]


class Hypothesis(BaseModel):
    """One reading of a line by a recognizer, with its log-probability (natural log, <= 0)."""

    model_config = ConfigDict(frozen=True)

    text: str
    log_prob: float = 0.0


class UnitMatch(BaseModel):
    """An administrative unit found in the line."""

    level: Level
    name: str = Field(description="Bare name as written in the gazetteer, e.g. 'Cư Kuin'.")
    type: str = Field(description="Unit type, e.g. 'Huyện', 'Thành phố', 'Phường'.")
    code: str = Field(description="Official code (GSO) of the unit.")
    span: tuple[int, int] | None = Field(
        default=None,
        description="Character span [start, end) in `Address.input` that the unit was matched on. None when the "
        "unit is inferred, was read from another hypothesis than `input` or from the re-read corrected line, or "
        "when normalising the input moved text across words (see vaddr/corrector/spans.py).",
    )
    score: float = Field(ge=0.0, le=1.0, description="Match quality, 1 = exact.")
    text: str = Field(description="How the unit reads in the corrected output line ('' when inferred).")
    inferred: bool = Field(
        default=False,
        description="Not written on the line but implied by the unit below it (a district names its province).",
    )
    current: bool = Field(
        default=True,
        description="False for a unit that no longer exists in the final legacy state (merged, renamed, moved); "
        "it is reported as written, with `valid` and `successor`.",
    )
    valid: str = Field(
        default="",
        description="When a non-current unit existed, e.g. 'GSO registry 2004-08-31 to "
        "2020-12-06'; '' for a current unit.",
    )
    successor: str | None = Field(
        default=None, description="Code of the legacy unit that took a non-current unit over, where recorded."
    )
    confidence: float | None = Field(
        default=None, ge=0.0, le=1.0, description="Calibrated probability that this unit (its code) is right."
    )


PartLabel = Literal["house_number", "alley", "street", "hamlet", "building", "apartment", "floor", "other"]


class AddressPart(BaseModel):
    """One labelled piece of the free text left of the units (libpostal-like labels)."""

    model_config = ConfigDict(frozen=True)

    label: PartLabel = Field(
        description="house_number (12/3A, Số 5, Lô C), alley (hẻm, ngõ, ngách, kiệt), street (đường, phố or a bare "
        "name after a number), hamlet (thôn, ấp, xóm, bản, buôn, khu phố, tổ dân phố, tổ, khu vực), building, "
        "apartment, floor, other"
    )
    text: str = Field(description="The part as it reads in the output line.")


class Alternative(BaseModel):
    """A runner-up reading of the whole line."""

    text: str
    score: float


class Address(BaseModel):
    """The corrected reading of one address line. `text` is the public contract."""

    text: str = Field(description="The corrected full line.")
    input: str = Field(
        description="The input text (best hypothesis) as received, sanitised: control and bidi-control "
        "characters removed, lone surrogates replaced by U+FFFD (vaddr.validation.clean_text)."
    )
    province: UnitMatch | None = None
    district: UnitMatch | None = None
    ward: UnitMatch | None = None
    remainder: str = Field(default="", description="House number, street, hamlet... with diacritics repaired.")
    confidence: float = Field(
        ge=0.0, le=1.0, description="Calibrated probability that `text` is exactly right (docs/calibration.md)."
    )
    scheme: Scheme = "legacy"
    alternatives: list[Alternative] = Field(default_factory=list)
    note: str = Field(default="", description="Why the result is uncertain, e.g. a ward split in 2025.")
    parts: list[AddressPart] = Field(
        default_factory=list, description="The remainder split into labelled parts (house number, street...)."
    )
    remainder_confidence: float | None = Field(
        default=None, ge=0.0, le=1.0, description="Calibrated probability that `remainder` is exactly right."
    )
    char_confidence: list[float] = Field(
        default_factory=list,
        description="Per character of `text`: calibrated probability that it is right (image or gazetteer).",
    )
    error: str | None = Field(
        default=None,
        description="Set (by the batch API) when the input could not be corrected: a missing value (None, NaN), "
        "an empty line or not a string. The other fields are then empty. None when the line was corrected.",
    )
