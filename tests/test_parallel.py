"""vaddr.parallel.map_ordered: order kept, streaming (input read only as results are taken), failures as items,
a dead worker costing only its own chunk, and the same output for any number of jobs."""

from __future__ import annotations

import itertools
import os

import pytest

from vaddr.parallel import ItemError, map_ordered, resolve_jobs


def square(x: int) -> int:
    return x * x


def fragile(x: int) -> int:
    if x % 10 == 3:
        raise ValueError(f"bad {x}")
    return x


def batch_fragile(xs: list[int]) -> list[int]:
    if 13 in xs:
        raise RuntimeError("batch with 13")
    return [x + 1 for x in xs]


def crash_on_42(x: int) -> int:
    if x == 42:
        os._exit(3)  # a worker dying without a Python exception (a native crash, the OOM killer)
    return x


@pytest.mark.parametrize("jobs", [1, 2])
def test_order_and_failures_as_items(jobs: int) -> None:
    out = list(map_ordered(fragile, range(100), jobs=jobs, chunk_size=7))
    assert len(out) == 100
    for i, o in enumerate(out):
        if i % 10 == 3:
            assert isinstance(o, ItemError) and o.index == i and o.item == i and o.error == f"ValueError: bad {i}"
        else:
            assert o == i


@pytest.mark.parametrize("jobs", [1, 2])
def test_batched_function_isolates_the_bad_item(jobs: int) -> None:
    out = list(map_ordered(batch_fragile, range(40), jobs=jobs, chunk_size=8, batched=True))
    assert [o for o in out if isinstance(o, ItemError)] == [ItemError(13, "RuntimeError: batch with 13")]
    assert [o for o in out if not isinstance(o, ItemError)] == [x + 1 for x in range(40) if x != 13]


def test_streams_an_endless_input_with_bounded_read_ahead() -> None:
    consumed = itertools.count()
    taken = []

    def source():
        for i in itertools.count():
            next(consumed)
            yield i

    results = map_ordered(square, source(), jobs=2, chunk_size=5, max_in_flight=3)
    for r in results:
        taken.append(r)
        if len(taken) == 50:
            break
    results.close()
    assert taken == [i * i for i in range(50)]
    # 10 chunks yielded, then at most 3 in flight plus the one being refilled: never the whole (endless) input
    assert next(consumed) <= 50 + 4 * 5


def test_a_dead_worker_fails_only_its_chunk() -> None:
    out = list(map_ordered(crash_on_42, range(120), jobs=2, chunk_size=10))
    failed = [o.index for o in out if isinstance(o, ItemError)]
    assert failed == list(range(40, 50))
    assert all("worker process died" in o.error for o in out if isinstance(o, ItemError))
    assert [o for o in out if not isinstance(o, ItemError)] == [x for x in range(120) if not 40 <= x < 50]


def test_jobs_zero_means_all_cores_and_bad_chunk_size() -> None:
    assert resolve_jobs(0) >= 1 and resolve_jobs(3) == 3
    with pytest.raises(ValueError):
        list(map_ordered(square, [1], chunk_size=0))


def test_a_pool_that_breaks_between_submissions_loses_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    """A worker can die between two submissions: the next `submit` then raises at once (the pool is broken)
    instead of handing back a failed future. Every item must still come back, in order."""
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    import vaddr.parallel as parallel

    calls = {"n": 0}

    class BreaksOnce(ProcessPoolExecutor):
        def submit(self, *args, **kwargs):  # type: ignore[no-untyped-def, override]
            calls["n"] += 1
            if calls["n"] == 3:
                raise BrokenProcessPool("simulated: a worker died")
            return super().submit(*args, **kwargs)

    def new(self: parallel._Pool) -> ProcessPoolExecutor:
        return BreaksOnce(max_workers=self.jobs, mp_context=parallel._context())

    monkeypatch.setattr(parallel._Pool, "_new", new)
    out = list(map_ordered(square, range(60), jobs=2, chunk_size=5))
    assert out == [i * i for i in range(60)]
    assert calls["n"] > 3
