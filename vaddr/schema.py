"""The JSON Schema of everything vaddr prints or serves as JSON, generated from the pydantic models.

Why generated: the schema is then never out of step with the code. `docs/schema.json` is this output,
committed so that users of other languages can read it without installing vaddr; a test checks it is current
(regenerate with ``python -m vaddr schema -o docs/schema.json``).
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from vaddr.types import Address, Alternative, Hypothesis, LineError, OcrResult, UnitMatch

__all__ = ["schema", "schema_json"]


def schema() -> dict[str, Any]:
    """One JSON Schema document whose ``$defs`` hold every public JSON type."""
    models: list[type[BaseModel]] = [Address, OcrResult, LineError, UnitMatch, Hypothesis, Alternative]
    _, top = models_json_schema([(m, "serialization") for m in models], title="vaddr JSON output")
    top["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    top["description"] = (
        "vaddr-correct --json and `vaddr.correct` print Address (or LineError for a line that failed); "
        "vaddr-ocr --json prints OcrResult, whose `address` is the same Address."
    )
    return top


def schema_json() -> str:
    """`schema()` as stable, indented text (what docs/schema.json holds)."""
    return json.dumps(schema(), ensure_ascii=False, indent=2, sort_keys=True)
