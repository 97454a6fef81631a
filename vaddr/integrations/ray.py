"""Ray Data: read folders (or buckets) of line images and tables of addresses on a cluster, write Parquet.

``pip install vaddr[ray]``. Both steps are `Dataset.map_batches` over an actor pool: each actor loads the
model (or the gazetteer) once and keeps it for every batch it is given, which is where the time goes on a
cold worker (the gazetteer index takes seconds to build). The rows are `vaddr.batch.ocr_row` /
`vaddr.batch.address_row`, so a Ray job writes the same table as the pandas helper or a single process.

    import ray
    from vaddr.integrations import ray as vray

    ray.init()
    vray.ocr_to_parquet("s3://forms/lines/", "s3://forms/read/", concurrency=8)
    vray.correct_to_parquet("customers.parquet", "customers_clean/", column="address", concurrency=8)

Each image goes through the recognizer alone, so its reading cannot depend on which other images Ray put
in the same batch; the result for an image is what ``vaddr.pipeline.read(image)`` returns.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import pyarrow as pa
import ray.data

from vaddr.batch import OCR_ROW_SCHEMA, ROW_SCHEMA, _warm, correct_rows, ocr_row
from vaddr.integrations.pandas import rows_frame
from vaddr.pipeline import IMAGE_SUFFIXES
from vaddr.types import Scheme

__all__ = [
    "CorrectBatch",
    "OcrBatch",
    "correct_addresses",
    "correct_to_parquet",
    "ocr_images",
    "ocr_to_parquet",
    "read_images",
    "read_table",
]


def _arrow(frame: pd.DataFrame, schema: dict[str, str]) -> pa.Table:
    """The batch as Arrow with the schema's columns typed explicitly: a batch in which a column happens to be
    all null must still write it as a string column, or the Parquet files of one output disagree."""
    table = pa.Table.from_pandas(frame, preserve_index=False)
    for name, kind in schema.items():
        if name in frame.columns:
            typed = pa.array(frame[name].astype(object), type=pa.float64() if kind == "float" else pa.string())
            table = table.set_column(table.schema.get_field_index(name), name, typed)
    return table


class OcrBatch:
    """Map-batches callable for an actor: loads the recognizer once, reads a pandas batch of ``bytes`` +
    ``path`` rows (what `read_images` gives) into `OCR_ROW_SCHEMA` rows."""

    def __init__(
        self, backend: str = "crnn", top_k: int = 10, correct: bool = True, scheme: Scheme = "legacy", threads: int = 1
    ) -> None:
        from vaddr.pipeline import recognizer

        _warm(backend, threads)
        self.recognizer = recognizer(backend, threads)
        self.options: dict[str, Any] = {"top_k": top_k, "correct": correct, "scheme": scheme}

    def __call__(self, batch: pd.DataFrame) -> pa.Table:
        from vaddr.ocr_backends.images import describe
        from vaddr.pipeline import read

        rows = []
        for data, path in zip(batch["bytes"], batch["path"], strict=True):
            data = bytes(data)
            (r,) = read(data, self.recognizer, **self.options)
            if r.error is not None:  # name the file, not "<N bytes>"
                r = r.model_copy(update={"error": r.error.replace(describe(data), str(path), 1)})
            rows.append(ocr_row(r.model_copy(update={"file": str(path)})))
        return _arrow(rows_frame(rows, schema=OCR_ROW_SCHEMA), OCR_ROW_SCHEMA)


class CorrectBatch:
    """Map-batches callable for an actor: loads the gazetteer once, adds `ROW_SCHEMA` columns (with
    ``prefix``) to a pandas batch by correcting its ``column``; the batch's other columns are kept."""

    def __init__(
        self, column: str, prefix: str = "", scheme: Scheme = "legacy", tone: str = "auto", case: str = "title"
    ) -> None:
        from vaddr.corrector import correct

        correct("Hà Nội")  # builds the gazetteer index now, once per actor, not inside the first batch
        self.column, self.prefix = column, prefix
        self.options: dict[str, Any] = {"scheme": scheme, "tone": tone, "case": case}

    def __call__(self, batch: pd.DataFrame) -> pa.Table:
        rows = rows_frame(correct_rows(batch[self.column].tolist(), **self.options), index=batch.index)
        clash = set(batch.columns) & {self.prefix + c for c in ROW_SCHEMA}
        if clash:
            raise ValueError(f"input columns {sorted(clash)} clash with the output; pass prefix=")
        schema = {self.prefix + c: t for c, t in ROW_SCHEMA.items()}
        return _arrow(pd.concat([batch, rows.add_prefix(self.prefix)], axis=1), schema)


def read_images(paths: str | list[str], **read_args: Any) -> ray.data.Dataset:
    """Image files under ``paths`` (folders, files, globs, bucket URIs) as ``bytes`` + ``path`` rows."""
    exts = sorted(s.lstrip(".") for s in IMAGE_SUFFIXES)
    return ray.data.read_binary_files(paths, include_paths=True, file_extensions=exts, **read_args)


def read_table(path: str | list[str], **read_args: Any) -> ray.data.Dataset:
    """A Parquet, CSV or JSON Lines table, chosen by the file suffix (Parquet for folders)."""
    first = path if isinstance(path, str) else path[0]
    if first.endswith(".csv"):
        return ray.data.read_csv(path, **read_args)
    if first.endswith((".jsonl", ".json")):
        return ray.data.read_json(path, **read_args)
    return ray.data.read_parquet(path, **read_args)


def ocr_images(
    ds: ray.data.Dataset,
    *,
    concurrency: int = 2,
    batch_size: int = 32,
    num_cpus: float = 1.0,
    backend: str = "crnn",
    top_k: int = 10,
    correct: bool = True,
    scheme: Scheme = "legacy",
    threads: int = 1,
) -> ray.data.Dataset:
    """Read every image of ``ds`` (rows of `read_images`) with a pool of ``concurrency`` actors."""
    return ds.map_batches(
        OcrBatch,
        fn_constructor_kwargs={
            "backend": backend,
            "top_k": top_k,
            "correct": correct,
            "scheme": scheme,
            "threads": threads,
        },
        batch_size=batch_size,
        batch_format="pandas",
        concurrency=concurrency,
        num_cpus=num_cpus,
    )


def correct_addresses(
    ds: ray.data.Dataset,
    column: str = "address",
    *,
    prefix: str = "",
    concurrency: int = 2,
    batch_size: int = 1024,
    num_cpus: float = 1.0,
    blocks: int | None = None,
    scheme: Scheme = "legacy",
    tone: str = "auto",
    case: str = "title",
) -> ray.data.Dataset:
    """Add the corrected address columns for ``column`` with a pool of ``concurrency`` actors.

    ``blocks``: split the input into that many blocks first, so that a table read as one block (one small
    file) still feeds every actor.
    """
    if blocks is not None:
        ds = ds.repartition(blocks)
    return ds.map_batches(
        CorrectBatch,
        fn_constructor_kwargs={"column": column, "prefix": prefix, "scheme": scheme, "tone": tone, "case": case},
        batch_size=batch_size,
        batch_format="pandas",
        concurrency=concurrency,
        num_cpus=num_cpus,
    )


def ocr_to_parquet(src: str | list[str], dst: str, **options: Any) -> None:
    """Read the images under ``src`` and write one Parquet row per image to the folder ``dst``."""
    ocr_images(read_images(src), **options).write_parquet(dst)


def correct_to_parquet(
    src: str | list[str],
    dst: str,
    column: str = "address",
    read_args: dict[str, Any] | None = None,
    **options: Any,
) -> None:
    """Correct ``column`` of the table ``src`` and write it, with the new columns, as Parquet to ``dst``.

    ``read_args`` go to the reader (e.g. ``{"override_num_blocks": 8}`` so a single file feeds every actor).
    """
    correct_addresses(read_table(src, **(read_args or {})), column, **options).write_parquet(dst)
