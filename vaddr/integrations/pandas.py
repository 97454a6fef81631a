"""pandas: turn a column of address lines into typed columns (`pip install vaddr[pandas]`).

    >>> import pandas as pd
    >>> from vaddr.integrations.pandas import correct_column
    >>> df = pd.DataFrame({"addr": ["thon 1 ea ktur cu kuin dak lak", None]})
    >>> out = correct_column(df["addr"])
    >>> out.loc[0, "ward_code"], out.loc[1, "error"]
    ('24544', 'missing value')

Missing cells (None, NaN, pd.NA, blanks, non-strings) give a row with ``error`` set and empty unit columns
rather than an exception, so one bad cell never stops the column. The columns are `vaddr.batch.ROW_SCHEMA`:
text, province/district/ward with their codes, remainder, confidence, the scheme read, the 2025 province and
ward, note and error; strings are pandas' nullable ``string`` dtype, confidence ``float64``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pandas as pd

from vaddr.batch import CORRECT_CHUNK, ROW_SCHEMA, correct_rows
from vaddr.types import Scheme

__all__ = ["correct_column", "rows_frame"]


def rows_frame(rows: Iterable[dict[str, Any]], index: Any = None, schema: dict[str, str] = ROW_SCHEMA) -> pd.DataFrame:
    """A DataFrame of `vaddr.batch.address_row` (or ``ocr_row``) rows with the schema's dtypes; the Ray and
    Spark integrations build their batches with it too."""
    frame = pd.DataFrame(list(rows), columns=list(schema), index=index)
    return frame.astype({c: ("float64" if t == "float" else "string") for c, t in schema.items()})


def correct_column(
    column: pd.Series | Iterable[Any],
    *,
    scheme: Scheme = "legacy",
    tone: str = "auto",
    case: str = "title",
    jobs: int = 1,
    chunk_size: int = CORRECT_CHUNK,
) -> pd.DataFrame:
    """Correct every cell of ``column`` as an address line; one typed row per cell, same index as the Series.

    ``jobs=N`` uses N processes (0: all cores) with the same result. Join back with
    ``df.join(correct_column(df["addr"]).add_prefix("addr_"))``.
    """
    index = column.index if isinstance(column, pd.Series) else None
    rows = correct_rows(column, scheme=scheme, tone=tone, case=case, jobs=jobs, chunk_size=chunk_size)
    return rows_frame(rows, index=index)
