"""Public data types: what crosses the library boundary.

Everything the user sees is a pydantic model so it validates, serialises to JSON (`--json`) and documents
itself. Internals use plain tuples and dataclasses for speed.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Level = Literal["province", "district", "ward"]
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
    confidence: float | None = Field(
        default=None, ge=0.0, le=1.0, description="Calibrated probability that this unit (its code) is right."
    )


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
