"""Batch API: many address lines (or images) in, one result per input out, in order, never an exception.

`vaddr.correct()` corrects ONE line, and reads a list as that line's recognizer hypotheses. Cleaning a
column of a table needs the other meaning: each value its own line, and a missing value (None, NaN, an empty
cell, a number) must not stop the run. Here each such value gives an `Address` with ``error`` set and empty
fields, in its place. ``jobs=N`` spreads the work over N processes (`vaddr.parallel.map_ordered`: ordered,
streaming, memory flat in the number of inputs) with output identical to ``jobs=1``.

`address_row` flattens a result into the typed columns that the pandas, Ray and Spark integrations write
(`ROW_SCHEMA`), 2025 units included, so all three produce the same table.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from vaddr.parallel import ItemError, map_ordered
from vaddr.pipeline import CHUNK, OcrResult
from vaddr.types import Address, Scheme

__all__ = [
    "OCR_ROW_SCHEMA",
    "ROW_SCHEMA",
    "address_row",
    "correct_batch",
    "correct_hypotheses",
    "correct_rows",
    "correct_value",
    "iter_correct",
    "iter_read_batch",
    "missing_reason",
    "ocr_row",
    "read_batch",
]

MISSING = "missing value"

#: Lines per chunk sent to a worker: ~0.1-0.5 s of work, so pickling costs nothing and progress streams.
CORRECT_CHUNK = 256


def missing_reason(value: Any) -> str | None:
    """Why ``value`` is no address line (None, NaN, pandas NA, empty, not a string), or None if it is one."""
    # One message for every kind of null: None, NaN, pd.NA and pd.NaT stand for the same empty cell, and which
    # one a reader produces (pandas 2 vs 3, Arrow, Spark) must not change the result.
    if value is None:
        return MISSING
    if isinstance(value, str):
        return None if value.strip() else "empty line"
    if type(value).__name__ in ("NAType", "NaTType"):  # pandas.NA / pandas.NaT, without importing pandas
        return MISSING
    try:
        if value != value:  # NaN of any float type (float, numpy.float32...)
            return MISSING
    except Exception:  # an object whose comparison does not give a bool
        pass
    return f"not a string: {type(value).__name__}"


def _error_address(value: Any, reason: str) -> Address:
    return Address(text="", input=value if isinstance(value, str) else "", confidence=0.0, error=reason)


def correct_value(
    value: Any,
    *,
    scheme: Scheme = "legacy",
    tone: str = "auto",
    case: str = "title",
    alternatives: int = 0,
) -> Address:
    """`vaddr.correct` for one cell of a table: never raises; a value that is no line gives ``error`` set."""
    reason = missing_reason(value)
    if reason is not None:
        return _error_address(value, reason)
    try:
        found = _memo_correct(value, scheme, tone, case, alternatives)
    except Exception as e:  # correct() promises not to raise on text; report rather than lose the batch if it does
        return _error_address(value, f"corrector failed: {type(e).__name__}: {e}")
    return found.model_copy(deep=True)  # each row its own object: a caller may change one without the others


#: Distinct lines whose result each process keeps (~3 KB each). Real address columns repeat (one street, one
#: office, one customer many times); `correct()` is deterministic, so a repeat costs a copy (~0.2 ms), not a
#: correction (1-5 ms). Bounded, so memory stays flat however long the input.
MEMO_LINES = 4096


@functools.lru_cache(maxsize=MEMO_LINES)
def _memo_correct(value: str, scheme: Scheme, tone: str, case: str, alternatives: int) -> Address:
    from vaddr.corrector import correct

    return correct(value, scheme=scheme, tone=tone, case=case, alternatives=alternatives)  # type: ignore[arg-type]


def _as_address(out: Address | ItemError) -> Address:
    """A worker-level failure (a crashed process) as an error result, so the caller still gets one per input."""
    return out if isinstance(out, Address) else _error_address(out.item, out.error)


def iter_correct(
    texts: Iterable[Any],
    *,
    scheme: Scheme = "legacy",
    tone: str = "auto",
    case: str = "title",
    alternatives: int = 0,
    jobs: int = 1,
    chunk_size: int = CORRECT_CHUNK,
) -> Iterator[Address]:
    """Yield one `Address` per value of ``texts``, in order, as they are done (streaming; see `correct_batch`)."""
    fn = functools.partial(correct_value, scheme=scheme, tone=tone, case=case, alternatives=alternatives)
    for out in map_ordered(fn, texts, jobs=jobs, chunk_size=chunk_size):
        yield _as_address(out)


def correct_batch(
    texts: Iterable[Any],
    *,
    scheme: Scheme = "legacy",
    tone: str = "auto",
    case: str = "title",
    alternatives: int = 0,
    jobs: int = 1,
    chunk_size: int = CORRECT_CHUNK,
) -> list[Address]:
    """Correct each value of ``texts`` as its own address line; one `Address` per value, in order.

    Unlike ``correct(list)`` (which reads a list as one line's hypotheses), every element is a line. A value
    that is no line (None, NaN, pandas NA, empty or blank, not a string) gives an `Address` with ``error``
    set and empty fields; nothing in the batch raises. ``jobs=N`` uses N processes (0: all cores); the
    result is identical to ``jobs=1``. For very long inputs, `iter_correct` streams instead of collecting.
    Options are those of `vaddr.correct`.

        >>> [a.text or a.error for a in correct_batch(["ha noi", None, "da nang"])]
        ['Hà Nội', 'missing value', 'Đà Nẵng']
    """
    return list(
        iter_correct(
            texts,
            scheme=scheme,
            tone=tone,
            case=case,
            alternatives=alternatives,
            jobs=jobs,
            chunk_size=chunk_size,
        )
    )


def correct_hypotheses(hypotheses: Sequence[Any] | Any, **options: Any) -> Address:
    """Correct ONE line given as a recognizer's ranked readings: (text, log_prob) pairs, `Hypothesis` objects,
    plain strings (all equally likely) or an object with ``.hypotheses`` (a `Recognition`).

    This is what ``correct(list)`` does; the explicit name keeps it from being mistaken for a batch call.
    Options are those of `vaddr.correct`.
    """
    if isinstance(hypotheses, str):
        raise TypeError("correct_hypotheses() takes a line's hypotheses; for one string use correct()")
    from vaddr.corrector import correct

    return correct(hypotheses, **options)


# -- typed rows (pandas, Ray, Spark) -----------------------------------------------------------------------

#: Column name -> type ("str", "float") of `address_row`; unit columns are None when the unit was not found.
ROW_SCHEMA: dict[str, str] = {
    "text": "str",
    "province": "str",
    "province_code": "str",
    "district": "str",
    "district_code": "str",
    "ward": "str",
    "ward_code": "str",
    "remainder": "str",
    "confidence": "float",
    "scheme": "str",
    "province_2025": "str",
    "province_2025_code": "str",
    "ward_2025": "str",
    "ward_2025_code": "str",
    "note": "str",
    "error": "str",
}


def _units_2025(a: Address) -> tuple[Any, Any]:
    """(province, ward) of the address in the 2025 structure, as gazetteer units (either may be None)."""
    from vaddr import gazetteer

    if a.scheme == "2025":
        new = gazetteer.current()
        p = new.get(a.province.code) if a.province and a.province.code in new else None
        w = new.get(a.ward.code) if a.ward and a.ward.code in new else None
        return p, w
    if a.ward is None and a.district is None and a.province is None:
        return None, None
    try:
        conv = gazetteer.to_2025(
            ward_code=a.ward.code if a.ward else None,
            district_code=a.district.code if a.district else None,
            province_code=a.province.code if a.province else None,
        )
    except KeyError:  # a unit missing from the conversion table: say nothing rather than guess
        return None, None
    return conv.province, conv.ward


def address_row(a: Address) -> dict[str, Any]:
    """One flat row of `ROW_SCHEMA` for a result: names with their type word ("Huyện Cư Kuin"), codes, and
    the province and ward in the 2025 structure (converted offline when the line was read in the legacy one).
    """

    def name(u: Any) -> str | None:
        return None if u is None else f"{u.type} {u.name}"

    def code(u: Any) -> str | None:
        return None if u is None else u.code

    p25, w25 = _units_2025(a) if a.error is None else (None, None)
    return {
        "text": a.text,
        "province": name(a.province),
        "province_code": code(a.province),
        "district": name(a.district),
        "district_code": code(a.district),
        "ward": name(a.ward),
        "ward_code": code(a.ward),
        "remainder": a.remainder,
        "confidence": a.confidence,
        "scheme": a.scheme,
        "province_2025": name(p25),
        "province_2025_code": code(p25),
        "ward_2025": name(w25),
        "ward_2025_code": code(w25),
        "note": a.note,
        "error": a.error,
    }


#: `ocr_row` columns: the image, its status (ok / no_text / error), the recognizer's raw best reading, then
#: `ROW_SCHEMA` (``text`` is the raw reading when the corrector was skipped).
OCR_ROW_SCHEMA: dict[str, str] = {"file": "str", "status": "str", "raw": "str", **ROW_SCHEMA}


def ocr_row(r: OcrResult) -> dict[str, Any]:
    """One flat row of `OCR_ROW_SCHEMA` for an image's result."""
    if r.address is not None:
        row = address_row(r.address)
    else:
        row = dict.fromkeys(ROW_SCHEMA)
        row.update(text=r.text, remainder="", confidence=0.0, note=getattr(r, "note", ""))
    row["error"] = r.error
    return {"file": r.file, "status": getattr(r, "status", "error" if r.error else "ok"), "raw": r.raw, **row}


def _row(value: Any, **options: Any) -> dict[str, Any]:
    return address_row(correct_value(value, **options))


def correct_rows(
    texts: Iterable[Any],
    *,
    scheme: Scheme = "legacy",
    tone: str = "auto",
    case: str = "title",
    jobs: int = 1,
    chunk_size: int = CORRECT_CHUNK,
) -> Iterator[dict[str, Any]]:
    """`address_row` of each value, in order, streaming; the rows are built in the workers too."""
    fn = functools.partial(_row, scheme=scheme, tone=tone, case=case)
    for out in map_ordered(fn, texts, jobs=jobs, chunk_size=chunk_size):
        yield out if not isinstance(out, ItemError) else address_row(_as_address(out))


# -- images ------------------------------------------------------------------------------------------------


def _warm(backend: str, threads: int) -> None:
    """Worker initializer: load the model once per process (failures surface per chunk, with their message)."""
    from vaddr.pipeline import recognizer

    try:
        rec = recognizer(backend, threads)
        load = getattr(rec, "_load", None)
        if callable(load):
            load()
    except Exception:
        pass


def _read_chunk(
    images: list[Any], backend: str, top_k: int, correct: bool, scheme: Scheme, threads: int, **correct_options: Any
) -> list[OcrResult]:
    from vaddr.ocr_backends.images import describe
    from vaddr.pipeline import read, recognizer

    try:
        rec = recognizer(backend, threads)
    except Exception as e:  # e.g. the model cannot be loaded: every image of the chunk says why
        return [OcrResult(file=describe(x), error=f"{describe(x)}: {type(e).__name__}: {e}") for x in images]
    return read(images, rec, top_k=top_k, correct=correct, scheme=scheme, **correct_options)


def iter_read_batch(
    images: Iterable[Any],
    *,
    backend: str = "crnn",
    top_k: int = 10,
    correct: bool = True,
    scheme: Scheme = "legacy",
    threads: int = 1,
    jobs: int = 1,
    chunk_size: int = CHUNK,
    **correct_options: Any,
) -> Iterator[OcrResult]:
    """`vaddr.pipeline.iter_read` over ``jobs`` processes, each loading the model once; same results, in order.

    ``backend`` is a registered name here (a recognizer instance does not cross processes). Images go to
    workers ``chunk_size`` at a time, the chunks `iter_read` itself uses, so the recognizer sees the same
    batches whatever ``jobs`` is.
    """
    from vaddr.ocr_backends.images import describe

    fn = functools.partial(
        _read_chunk, backend=backend, top_k=top_k, correct=correct, scheme=scheme, threads=threads, **correct_options
    )
    for out in map_ordered(
        fn, images, jobs=jobs, chunk_size=chunk_size, batched=True, initializer=_warm, initargs=(backend, threads)
    ):
        if isinstance(out, ItemError):
            out = OcrResult(file=describe(out.item), error=f"{describe(out.item)}: {out.error}")
        yield out


def read_batch(images: Iterable[Any], **options: Any) -> list[OcrResult]:
    """`iter_read_batch` collected into a list."""
    return list(iter_read_batch(images, **options))
