"""An ordered, streaming parallel map over a process pool: what `jobs=` and `--jobs N` run on.

Why processes: half of the work per line (the corrector, CTC beam search, image decoding) is Python, so
threads would share one core. Why this module and not `Pool.imap`: inputs are consumed lazily and at most
``max_in_flight`` chunks are ever submitted and not yet yielded, so memory stays flat in the number of
inputs (a 10-million-line stdin streams through); results come back in input order; and a failure is
reported as an item (`ItemError`) in its place instead of aborting the whole run. A worker process that
dies (a crash in native code, the OOM killer) loses only the chunks it could have held: those are re-run
alone in a fresh pool, and only a chunk that kills its worker again is reported as failed.

With ``jobs=1`` the same chunks run in this process, so a batch function sees exactly the same groups of
items whatever the number of jobs, and the output is identical.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import traceback
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from itertools import islice
from typing import Any, Generic, TypeVar

__all__ = ["ItemError", "available_cores", "map_ordered", "resolve_jobs"]

T = TypeVar("T")
R = TypeVar("R")


@dataclass(frozen=True)
class ItemError:
    """Stands in the output for an input whose function raised (or whose worker died)."""

    index: int  # position of the input in the whole stream
    error: str  # "ExceptionType: message"
    item: Any = field(default=None, repr=False, compare=False)  # the input itself, to name it in a report

    def __str__(self) -> str:
        return self.error


def available_cores() -> int:
    """Cores this process may run on (the affinity mask, which containers and `taskset` narrow)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def resolve_jobs(jobs: int) -> int:
    """``jobs`` as a number of processes: 0 or less means all available cores."""
    return available_cores() if jobs <= 0 else int(jobs)


def _run_chunk(fn: Callable[..., Any], batched: bool, start: int, items: Sequence[Any]) -> list[Any]:
    """Apply ``fn`` to one chunk, never raising: a failing item becomes an `ItemError` in its place.

    A batch function that raises on the chunk is retried one item at a time to find the culprit, so one bad
    input never takes its neighbours down with it.
    """
    if batched:
        try:
            out = list(fn(list(items)))
            if len(out) != len(items):
                raise ValueError(f"batch function returned {len(out)} results for {len(items)} inputs")
            return out
        except Exception:
            if len(items) == 1:
                return [ItemError(start, _describe_current(), items[0])]
        results: list[Any] = []
        for i, item in enumerate(items):
            try:
                (one,) = fn([item])
                results.append(one)
            except Exception:
                results.append(ItemError(start + i, _describe_current(), item))
        return results
    results = []
    for i, item in enumerate(items):
        try:
            results.append(fn(item))
        except Exception:
            results.append(ItemError(start + i, _describe_current(), item))
    return results


def _describe_current() -> str:
    """The exception being handled as "Type: message" (the full traceback with $VADDR_TRACEBACK set)."""
    e = sys.exc_info()[1]
    assert e is not None
    if os.environ.get("VADDR_TRACEBACK"):
        return "".join(traceback.format_exception(e)).rstrip()
    return f"{type(e).__name__}: {e}"


def _context() -> multiprocessing.context.BaseContext:
    """forkserver where there is one: workers fork from a clean single-threaded server, so a parent that
    holds threads (onnxruntime, Ray, Spark, a web server) cannot hand them a locked mutex as plain fork can,
    and they start faster than spawned ones."""
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")


@dataclass
class _Chunk(Generic[T]):
    start: int
    items: list[T]
    future: Future[list[Any]] | None = None


class _Pool:
    """A process pool that can be replaced when a worker dies."""

    def __init__(self, jobs: int, initializer: Callable[..., Any] | None, initargs: tuple[Any, ...]) -> None:
        self.jobs, self.initializer, self.initargs = jobs, initializer, initargs
        self.executor = self._new()

    def _new(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            max_workers=self.jobs, mp_context=_context(), initializer=self.initializer, initargs=self.initargs
        )

    def renew(self) -> None:
        self.executor.shutdown(wait=False, cancel_futures=True)
        self.executor = self._new()

    def close(self) -> None:
        self.executor.shutdown(wait=True, cancel_futures=True)


def map_ordered(
    fn: Callable[..., Any],
    items: Iterable[T],
    *,
    jobs: int = 1,
    chunk_size: int = 64,
    batched: bool = False,
    max_in_flight: int | None = None,
    initializer: Callable[..., Any] | None = None,
    initargs: tuple[Any, ...] = (),
) -> Iterator[Any]:
    """Yield ``fn(item)`` for each item, in input order, computed by ``jobs`` processes.

    ``batched=True``: ``fn`` takes a list (one chunk) and returns a list of as many results (for functions
    that gain from batching, such as a recognizer). Items are sent to workers ``chunk_size`` at a time; at
    most ``max_in_flight`` chunks (default ``2 * jobs``) are pending at once, so input is read only as fast
    as results are consumed. ``fn`` and the items must pickle when ``jobs > 1`` (a module-level function or
    a `functools.partial` of one). ``initializer(*initargs)`` runs once in each worker (e.g. to load a model;
    with ``jobs=1`` it runs once here). ``jobs=0`` uses all available cores.

    A failing item yields an `ItemError` in its place; this function itself only raises for bad arguments
    or when the consumer stops (the pool is then shut down).
    """
    if chunk_size < 1:
        raise ValueError("chunk_size must be at least 1")
    jobs = resolve_jobs(jobs)
    it = iter(items)
    if jobs == 1:
        if initializer is not None:
            initializer(*initargs)
        start = 0
        while chunk := list(islice(it, chunk_size)):
            yield from _run_chunk(fn, batched, start, chunk)
            start += len(chunk)
        return
    yield from _map_pool(fn, it, jobs, chunk_size, batched, max_in_flight or 2 * jobs, initializer, initargs)


def _map_pool(
    fn: Callable[..., Any],
    it: Iterator[Any],
    jobs: int,
    chunk_size: int,
    batched: bool,
    max_in_flight: int,
    initializer: Callable[..., Any] | None,
    initargs: tuple[Any, ...],
) -> Iterator[Any]:
    pool = _Pool(jobs, initializer, initargs)
    pending: deque[_Chunk[Any]] = deque()
    next_start = 0
    exhausted = False

    def submit(chunk: _Chunk[Any]) -> None:
        chunk.future = pool.executor.submit(_run_chunk, fn, batched, chunk.start, chunk.items)

    try:
        while True:
            while not exhausted and len(pending) < max_in_flight:
                items = list(islice(it, chunk_size))
                if not items:
                    exhausted = True
                    break
                chunk = _Chunk(next_start, items)
                next_start += len(items)
                try:
                    submit(chunk)
                except BrokenProcessPool:
                    chunk.future = None  # a worker died since the last check: re-run with the lost ones below
                pending.append(chunk)
            if not pending:
                return
            head = pending[0]
            try:
                if head.future is None:
                    raise BrokenProcessPool("the pool broke before this chunk could be sent")
                results = head.future.result()
            except BrokenProcessPool:
                # Some worker died; every chunk still pending may have been lost with it. Re-run each alone in
                # a fresh pool: the one that kills its worker again is the culprit and is reported as failed.
                lost = list(pending)
                pending.clear()
                for chunk in lost:
                    pool.renew()
                    submit(chunk)
                    assert chunk.future is not None
                    try:
                        chunk_results = chunk.future.result()
                    except BrokenProcessPool as e:
                        msg = (
                            f"worker process died ({e}); a script that starts workers must guard its top level "
                            "with `if __name__ == '__main__':`"
                        )
                        chunk_results = [ItemError(chunk.start + i, msg, x) for i, x in enumerate(chunk.items)]
                    yield from chunk_results
                pool.renew()
                continue
            pending.popleft()
            yield from results
    finally:
        for chunk in pending:
            if chunk.future is not None:
                chunk.future.cancel()
        pool.close()
