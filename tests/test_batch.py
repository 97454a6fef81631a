"""The batch API: one result per value, in order; values that are no line give an error row, never an
exception; jobs=N gives what jobs=1 gives; a list is read as hypotheses only under an explicit name."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from batch_data import SAMPLE, address_lines, line_images

from vaddr import correct
from vaddr.batch import (
    ROW_SCHEMA,
    address_row,
    correct_batch,
    correct_hypotheses,
    correct_rows,
    iter_correct,
    missing_reason,
    read_batch,
)
from vaddr.pipeline import read

pytestmark = pytest.mark.skipif(not SAMPLE.is_file(), reason="needs the bundled sample")


class Weird:
    def __str__(self) -> str:
        raise RuntimeError("no")


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        (None, "missing value"),
        (float("nan"), "missing value"),
        ("", "empty line"),
        ("   \t", "empty line"),
        (42, "not a string: int"),
        (b"ha noi", "not a string: bytes"),
        (["ha noi"], "not a string: list"),
        (Weird(), "not a string: Weird"),
    ],
)
def test_a_value_that_is_no_line_gives_an_error_row(value: object, reason: str) -> None:
    out = correct_batch(["ha noi", value, "da nang"])
    assert [a.text for a in out] == ["Hà Nội", "", "Đà Nẵng"]
    assert [a.error for a in out] == [None, reason, None]
    assert out[1].province is None and out[1].confidence == 0.0
    assert missing_reason(value) == reason


def test_pandas_nulls_are_missing_values() -> None:
    pd = pytest.importorskip("pandas")
    np = pytest.importorskip("numpy")
    for null in (pd.NA, pd.NaT, np.float32("nan"), np.nan):
        assert missing_reason(null) == "missing value"


def test_each_value_is_its_own_line_unlike_correct_of_a_list() -> None:
    lines = ["ha noi", "da nang"]
    assert [a.text for a in correct_batch(lines)] == ["Hà Nội", "Đà Nẵng"]
    # correct(list) keeps its meaning (one line's hypotheses), now also under an explicit name
    # (the province guard keeps the province written in the first reading: a second reading naming another one
    # with one more matched letter is no overwhelming evidence)
    assert correct(lines).text == correct_hypotheses(lines).text == "Hà Nội"
    assert correct_hypotheses([("ha noi", -0.1), ("da nang", -5.0)]).text == "Hà Nội"
    with pytest.raises(TypeError):
        correct_hypotheses("ha noi")


def test_batch_equals_correct_and_jobs_do_not_change_it() -> None:
    lines = address_lines(700)
    one = correct_batch(lines, scheme="2025")
    assert one == [correct(x, scheme="2025") for x in lines]
    assert correct_batch(lines, scheme="2025", jobs=2, chunk_size=50) == one
    assert list(iter_correct(iter(lines), scheme="2025", jobs=2)) == one


def test_100k_rows_with_one_nan_give_one_error_row_and_99999_results() -> None:
    n, bad = 100_000, 54_321
    rows: list[object] = list(address_lines(n))
    rows[bad] = float("nan")
    out = correct_batch(rows, jobs=0)
    assert len(out) == n
    errors = [i for i, a in enumerate(out) if a.error is not None]
    assert errors == [bad] and out[bad].error == "missing value" and out[bad].text == ""
    assert all(a.text for i, a in enumerate(out) if i != bad)
    for i in range(0, n, 4_999):  # every row went through the real corrector
        if i != bad:
            assert out[i] == correct(rows[i])  # type: ignore[arg-type]


def test_rows_are_flat_typed_and_carry_2025_units() -> None:
    (row,) = correct_rows(["thon 1 ea ktur cu kuin dak lak"])
    assert list(row) == list(ROW_SCHEMA)
    assert row["text"] == "Thôn 1 Ea Ktur Cư Kuin Đắk Lắk"
    assert (row["province"], row["district"], row["ward"]) == ("Tỉnh Đắk Lắk", "Huyện Cư Kuin", "Xã Ea Ktur")
    assert (row["province_code"], row["district_code"], row["ward_code"]) == ("66", "657", "24544")
    assert row["province_2025_code"] and row["ward_2025_code"] and row["error"] is None
    new = correct("thon 1 ea ktur cu kuin dak lak", scheme="2025")
    assert (row["province_2025_code"], row["ward_2025_code"]) == (new.province.code, new.ward.code)
    assert address_row(correct_batch([None])[0])["error"] == "missing value"


def test_pandas_column_helper() -> None:
    pd = pytest.importorskip("pandas")
    from vaddr.integrations.pandas import correct_column

    lines = address_lines(300)
    col = pd.Series([*lines, None, math.nan, ""], index=range(1000, 1303), name="addr")
    frame = correct_column(col)
    assert list(frame.columns) == list(ROW_SCHEMA) and list(frame.index) == list(col.index)
    assert str(frame["confidence"].dtype) == "float64" and str(frame["province_code"].dtype) == "string"
    assert frame["error"].notna().sum() == 3 and frame.loc[1300, "error"] == "missing value"
    assert list(frame["text"][:300]) == [correct(x).text for x in lines]
    assert list(frame["ward_code"][:300].fillna("-")) == [
        (correct(x).ward or type("", (), {"code": "-"})).code for x in lines
    ]
    pd.testing.assert_frame_equal(correct_column(col, jobs=2), frame)


def test_read_batch_with_jobs_equals_read(tmp_path: Path) -> None:
    files: list[object] = list(line_images(tmp_path / "img", 40))
    broken = tmp_path / "broken.png"
    broken.write_bytes(b"not an image")
    files[5:5] = [broken, tmp_path / "missing.png"]
    expected = read(files)
    got = read_batch(files, jobs=2, chunk_size=8)
    assert [r.error is not None for r in got] == [r.error is not None for r in expected]
    assert sum(r.error is not None for r in got) == 2
    assert read_batch(files, jobs=2) == expected


def test_repeated_lines_give_equal_but_separate_results() -> None:
    """A repeated value is corrected once per process (the memo) but each row gets its own object."""
    from vaddr import batch

    batch._memo_correct.cache_clear()
    line = "so 12 nguyen trai phuong ben thanh quan 1 tp ho chi minh"
    out = correct_batch([line, "ha noi", line, line])
    assert out[0] == out[2] == out[3] == correct(line)
    assert out[0] is not out[2] and out[0].ward is not out[2].ward
    assert batch._memo_correct.cache_info().hits == 2
    out[0].ward.name = "changed"  # type: ignore[union-attr]
    assert out[2].ward.name != "changed" and correct_batch([line])[0] == correct(line)  # type: ignore[union-attr]
    # other options are another line: never served from the memo of the first
    assert correct_batch([line], scheme="2025")[0] == correct(line, scheme="2025") != out[0]
