"""The Spark pandas UDF on a real local Spark (local[2], a JVM): the same rows as the single-process API."""

from __future__ import annotations

import math
import shutil
import sys

import pytest

pyspark = pytest.importorskip("pyspark")
pytest.importorskip("pandas")
pytest.importorskip("pyarrow")
if shutil.which("java") is None:
    pytest.skip("Spark needs a Java runtime", allow_module_level=True)

from batch_data import address_lines  # noqa: E402

from vaddr.batch import ROW_SCHEMA, address_row, correct_value  # noqa: E402


def test_correct_udf_matches_the_batch_api(monkeypatch: pytest.MonkeyPatch) -> None:
    from pyspark.sql import SparkSession

    from vaddr.integrations.spark import correct_udf

    monkeypatch.setenv("PYSPARK_PYTHON", sys.executable)
    lines: list[str | None] = list(address_lines(600))
    lines[3], lines[400] = None, "  "
    spark = (
        SparkSession.builder.master("local[2]")
        .appName("vaddr-test")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .getOrCreate()
    )
    try:
        df = spark.createDataFrame(list(enumerate(lines)), "id long, address string").repartition(2)
        rows = df.select("id", correct_udf(scheme="2025")("address").alias("a")).select("id", "a.*").collect()
    finally:
        spark.stop()
    got = {r["id"]: {k: r[k] for k in ROW_SCHEMA} for r in rows}
    expected = {i: address_row(correct_value(x, scheme="2025")) for i, x in enumerate(lines)}
    for row in expected.values():
        row["confidence"] = float(row["confidence"])
    assert len(got) == len(lines)
    assert got == expected
    assert got[3]["error"] == "missing value" and got[400]["error"] == "empty line"
    assert not any(math.isnan(r["confidence"]) for r in got.values())
