"""Spark: a pandas UDF over the same batch function, for address columns (`pip install vaddr[spark]`).

    from pyspark.sql import SparkSession
    from vaddr.integrations.spark import correct_udf

    spark = SparkSession.builder.getOrCreate()
    df = spark.read.parquet("customers.parquet")
    out = df.withColumn("addr", correct_udf()("address")).select("*", "addr.*").drop("addr")

Each executor's Python worker builds the gazetteer index once and reuses it for every Arrow batch it is sent
(Spark reuses Python workers by default). Rows are `vaddr.batch.address_row`, so the table is the one the
pandas and Ray integrations write; null cells give a row with ``error`` set. To ship vaddr to a cluster
without installing it, pass the wheel itself: ``spark-submit --py-files vaddr-X-py3-none-any.whl``; the data
and the model are read as package resources, which works from a zip (the dependencies must be installed).
See examples/spark_correct.py for a runnable example.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from pyspark.sql.functions import pandas_udf
from pyspark.sql.types import DoubleType, StringType, StructField, StructType

from vaddr.batch import ROW_SCHEMA, correct_rows
from vaddr.integrations.pandas import rows_frame
from vaddr.types import Scheme

__all__ = ["address_schema", "correct_udf"]


def address_schema() -> StructType:
    """The Spark struct of `vaddr.batch.ROW_SCHEMA` (strings nullable, confidence a double)."""
    return StructType(
        [
            StructField(name, DoubleType() if kind == "float" else StringType(), True)
            for name, kind in ROW_SCHEMA.items()
        ]
    )


def correct_udf(scheme: Scheme = "legacy", tone: str = "auto", case: str = "title") -> Any:
    """A pandas UDF: a column of address lines -> a struct column of `address_schema` (one per row)."""
    options = {"scheme": scheme, "tone": tone, "case": case}

    def correct_series(lines: pd.Series) -> pd.DataFrame:
        frame = rows_frame(correct_rows(lines.tolist(), **options))
        return frame.astype({c: object for c, kind in ROW_SCHEMA.items() if kind == "str"})

    return pandas_udf(correct_series, returnType=address_schema())  # type: ignore[call-overload]
