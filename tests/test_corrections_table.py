"""Corrections as data: every row of tests/data/corrections.tsv (input -> expected text -> expected codes).

A fixed bug becomes a row, so the table only grows; CONTRIBUTING.md says how to add one.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest

from vaddr import Address, correct

TABLE = Path(__file__).resolve().parent / "data" / "corrections.tsv"


def _options(text: str) -> dict[str, Any]:
    if text == "-":
        return {}
    out: dict[str, Any] = {}
    for pair in text.split(","):
        key, _, value = pair.partition("=")
        key, value = key.strip(), value.strip()
        out[key] = int(value) if key == "alternatives" else (value == "true") if key == "lexicon" else value
    return out


def _rows() -> list[Any]:
    with TABLE.open(encoding="utf-8", newline="") as fh:
        lines = [line for line in fh if not line.startswith("#")]
    params = []
    for row in csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE):
        marks = []
        if row["status"].startswith("xfail:"):
            marks.append(pytest.mark.xfail(reason=row["status"][6:], strict=False))
        else:
            assert row["status"] == "ok", f"unknown status {row['status']!r}"
        params.append(
            pytest.param(row["input"], row["options"], row["text"], row["codes"], marks=marks, id=row["input"])
        )
    return params


def codes(address: Address) -> str:
    """The table's code column for an address: "province district ward", - for none, ? for inferred."""
    units = (address.province, address.district, address.ward)
    return " ".join("-" if u is None else u.code + ("?" if u.inferred else "") for u in units)


ROWS = _rows()


def test_table_is_well_formed() -> None:
    assert len(ROWS) >= 25
    for param in ROWS:
        _, options, _, code_column = param.values
        assert len(code_column.split(" ")) == 3, code_column
        _options(options)


@pytest.mark.parametrize(("line", "options", "text", "expected_codes"), ROWS)
def test_correction(line: str, options: str, text: str, expected_codes: str) -> None:
    address = correct(line, **_options(options))
    assert (address.text, codes(address)) == (text, expected_codes)
