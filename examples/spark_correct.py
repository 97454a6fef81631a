"""Correct an address column with Spark (local mode here; the same code runs on a cluster).

    pip install "vaddr[spark]"      # pyspark + pandas + pyarrow; Spark needs a Java runtime (17+)
    python examples/spark_correct.py [OUT_DIR]

Writes the input with the corrected columns (`vaddr.batch.ROW_SCHEMA`) as Parquet to OUT_DIR (default
./spark_out) and prints a few rows. On a cluster without vaddr installed, ship the wheel:
``spark-submit --py-files vaddr-0.1.0-py3-none-any.whl examples/spark_correct.py s3://bucket/out``.
"""

from __future__ import annotations

import sys

from pyspark.sql import SparkSession

from vaddr.integrations.spark import correct_udf

LINES = [
    "thon 1 ea ktur cu kuin dak lak",
    "p 7 q 3 tp hcm",
    None,  # a missing cell: a row with `error` set, not a failed job
    "so 12 ngo 5 phuong dich vong cau giay ha noi",
    "",
    "Nhơn Châu Quy Nhơn Bình Định",
]


def main(out_dir: str = "spark_out") -> None:
    spark = (
        SparkSession.builder.master("local[2]")
        .appName("vaddr-correct")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .config("spark.ui.enabled", "false")
        .getOrCreate()
    )
    df = spark.createDataFrame([(i, line) for i, line in enumerate(LINES)], "id long, address string")
    out = df.withColumn("addr", correct_udf()("address")).select("id", "address", "addr.*")
    out.write.mode("overwrite").parquet(out_dir)
    out.select("id", "text", "province", "district", "ward", "ward_2025", "error").show(truncate=False)
    spark.stop()


if __name__ == "__main__":
    main(*sys.argv[1:2])
