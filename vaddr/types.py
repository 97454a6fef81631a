"""Public data types: what crosses the library boundary.

Everything the user sees is a pydantic model so it validates, serialises to JSON (`--json`) and documents
itself. Internals use plain tuples and dataclasses for speed.
"""

from __future__ import annotations

from enum import Enum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator


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
    code: str = Field(
        description="The unit's key in the gazetteer: its official code (GSO), with a suffix for a unit state that "
        "no longer exists and whose code another unit now carries ('407~20040831' for Huyện Tĩnh Gia, whose code "
        "Thị xã Nghi Sơn kept; '~old' for units of the older snapshot). `gso_code` is the bare official code."
    )
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

    gso_code: str = Field(
        default="",
        description="The official code (GSO) of the unit: `code` without the gazetteer's suffix (always derived "
        "from `code`; a value given here is ignored).",
    )

    @model_validator(mode="after")
    def _derive_gso_code(self) -> UnitMatch:
        self.__dict__["gso_code"] = self.code.split("~", 1)[0]
        return self


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
    """A runner-up reading of the whole line.

    ``score`` depends on who made it, and is only comparable between the alternatives of one result:

    * from `correct()`: the corrector's ranking score of that reading (structure match + weighted
      log-probability of its hypothesis - penalties; higher is better, not a probability);
    * from `convert()` / ``scheme="2025"``: the estimated probability that this 2025 unit is the right target,
      i.e. the address's confidence shared evenly among the new units an old unit was split into (the split
      is known offline, the street-level share is not).
    """

    text: str
    score: float = Field(description="Higher is better; see the class docstring for the scale of each source.")


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
        ge=0.0,
        le=1.0,
        description="Calibrated probability that `text` is exactly right (docs/calibration.md). After a 2025 "
        "conversion of an old ward split into n new wards it is divided by n: the target is a guess.",
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
        description="Set when the input could not be corrected: an empty line (`correct`), or in the batch API "
        "also a missing value (None, NaN) or not a string. The other fields are then empty and confidence is 0. "
        "None when the line was corrected.",
    )


class OcrResult(BaseModel):
    """The reading of one image. With `error` set, the other fields are empty.

    ``address`` is the same `Address` that `vaddr.correct` returns (what ``vaddr-correct --json`` prints), so
    one JSON schema covers both commands (``vaddr schema``).
    """

    file: str = Field(description="The input's path, or a short description for in-memory images.")
    text: str = Field(default="", description="The corrected line (the raw best reading if not corrected).")
    raw: str = Field(default="", description="The recognizer's best hypothesis, uncorrected.")
    hypotheses: list[Hypothesis] = Field(default_factory=list, description="Recognizer readings, best first.")
    address: Address | None = Field(default=None, description="Structured address; None if not corrected.")
    error: str | None = Field(default=None, description="Why this image could not be read.")
    confidence: float | None = Field(
        default=None, description="Calibrated probability that `text` is exactly right (None if not corrected)."
    )
    char_confidence: list[float] = Field(
        default_factory=list, description="Per character of `text`: calibrated probability that it is right."
    )
    needs_review: bool | None = Field(
        default=None, description="confidence below the caller's acceptance threshold (None: no threshold given)."
    )
    status: Literal["ok", "no_text", "error"] = Field(
        default="ok",
        description="'ok': read; 'no_text': the image holds no line of writing (blank, noise, texture), so no "
        "address (`note` says why); 'error': unreadable (`error` says why).",
    )
    note: str = Field(default="", description="Why the status is 'no_text'.")

    def model_post_init(self, context: object, /) -> None:
        if self.error is not None:
            self.status = "error"

    @property
    def ok(self) -> bool:
        return self.error is None


class LineError(BaseModel):
    """What ``vaddr-correct --json`` prints for an input line it could not correct (empty, invalid UTF-8)."""

    line: int = Field(description="1-based number of the input line (or argument).")
    input: str = Field(description="The line as received (invalid bytes shown as \\xNN escapes).")
    error: str = Field(description="Why it could not be corrected.")
