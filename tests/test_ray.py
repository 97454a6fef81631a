"""Ray Data on a real local Ray cluster (2 CPUs): a folder of images and a table of addresses, each mapped by
an actor pool and written to Parquet, give exactly what the single-process API gives."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

ray = pytest.importorskip("ray")
pd = pytest.importorskip("pandas")
pytest.importorskip("pyarrow")

from batch_data import address_lines, line_images  # noqa: E402

from vaddr.batch import OCR_ROW_SCHEMA, ROW_SCHEMA, address_row, correct_value, ocr_row  # noqa: E402
from vaddr.integrations import ray as vray  # noqa: E402
from vaddr.pipeline import read  # noqa: E402

N_IMAGES = 240
N_ADDRESSES = 3000


@pytest.fixture(scope="module")
def cluster():
    ray.init(num_cpus=2, include_dashboard=False, configure_logging=False, log_to_driver=False)
    try:
        yield
    finally:
        ray.shutdown()


def _records(frame: pd.DataFrame, key: str, columns: list[str]) -> dict[str, dict]:
    """Rows keyed by ``key``, nulls (None / NA / NaN) all as None, so Parquet and pandas compare equal."""
    out = {}
    for rec in frame[columns].to_dict("records"):
        out[str(rec[key])] = {
            k: None if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)) else v
            for k, v in rec.items()
        }
    return out


def test_image_folder_to_parquet_matches_read(cluster, tmp_path: Path) -> None:
    files = line_images(tmp_path / "images", N_IMAGES)
    vray.ocr_to_parquet([str(f) for f in files], str(tmp_path / "out"), concurrency=2, batch_size=16, num_cpus=0.5)
    got = pd.read_parquet(tmp_path / "out")
    assert len(got) == N_IMAGES
    got["file"] = [str(Path(f)) for f in got["file"]]
    expected = pd.DataFrame([ocr_row(read(f)[0].model_copy(update={"file": str(f)})) for f in files])
    columns = list(OCR_ROW_SCHEMA)
    assert _records(got, "file", columns) == _records(expected, "file", columns)
    assert got["text"].notna().all() and got["error"].isna().all()


def test_address_table_to_parquet_matches_correct(cluster, tmp_path: Path) -> None:
    lines: list[object] = list(address_lines(N_ADDRESSES))
    lines[7], lines[1500] = None, ""  # missing cells are rows with an error, not a failed job
    table = pd.DataFrame({"id": range(len(lines)), "address": lines})
    table.to_parquet(tmp_path / "in.parquet", row_group_size=500)
    vray.correct_to_parquet(
        str(tmp_path / "in.parquet"),
        str(tmp_path / "out"),
        column="address",
        concurrency=2,
        num_cpus=0.5,
        batch_size=500,
        blocks=6,
    )
    got = pd.read_parquet(tmp_path / "out")
    assert len(got) == N_ADDRESSES
    expected = pd.DataFrame([{"id": i, **address_row(correct_value(x))} for i, x in enumerate(lines)])
    columns = ["id", *ROW_SCHEMA]
    got_rows, expected_rows = _records(got, "id", columns), _records(expected, "id", columns)
    assert got_rows == expected_rows
    assert got_rows["7"]["error"] == "missing value" and got_rows["1500"]["error"] == "empty line"
    assert sum(r["error"] is None for r in got_rows.values()) == N_ADDRESSES - 2
