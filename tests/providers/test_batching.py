"""The batcher: concurrent requests with the same key share one call, each
keeps its own result, error and cancellation. A real thread runs each batch."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Sequence

import pytest

from soundstage.providers.batching import Batcher


class Recorder:
    """A run_batch that records its calls; ``gate`` holds a batch in flight."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, list[int]]] = []
        self.gate = threading.Event()
        self.gate.set()
        self.started = threading.Event()
        self.alive_at_end: list[list[bool]] = []

    def __call__(
        self, key: str, requests: Sequence[int], alive: Callable[[int], bool]
    ) -> list[int | BaseException]:
        self.calls.append((key, list(requests)))
        self.started.set()
        self.gate.wait(10)
        self.alive_at_end.append([alive(i) for i in range(len(requests))])
        return [ValueError(f"bad {r}") if r < 0 else r * 10 for r in requests]


async def test_concurrent_requests_share_one_call_per_key() -> None:
    run = Recorder()
    batcher: Batcher[str, int, int] = Batcher(run, max_batch=8, window_s=0.2)
    results = await asyncio.gather(
        batcher.submit("10s", 1), batcher.submit("10s", 2), batcher.submit("30s", 3),
        batcher.submit("10s", 4),
    )  # fmt: skip
    assert results == [10, 20, 30, 40]
    assert sorted(run.calls) == [("10s", [1, 2, 4]), ("30s", [3])]


async def test_max_batch_splits_and_a_full_batch_does_not_wait() -> None:
    run = Recorder()
    # a window far longer than the test: a full batch must not wait for it
    batcher: Batcher[str, int, int] = Batcher(run, max_batch=2, window_s=30)
    results = await asyncio.wait_for(
        asyncio.gather(*(batcher.submit("k", i) for i in range(4))), timeout=10
    )
    assert results == [0, 10, 20, 30]
    assert run.calls == [("k", [0, 1]), ("k", [2, 3])]
    assert batcher.batch_sizes == [2, 2]


async def test_one_bad_request_fails_alone_and_a_raising_batch_fails_all() -> None:
    run = Recorder()
    batcher: Batcher[str, int, int] = Batcher(run, max_batch=4, window_s=0.1)
    good, bad = await asyncio.gather(
        batcher.submit("k", 5), batcher.submit("k", -1), return_exceptions=True
    )
    assert good == 50 and isinstance(bad, ValueError) and str(bad) == "bad -1"

    def explode(key: str, requests: Sequence[int], alive: Callable[[int], bool]) -> list[int]:
        raise MemoryError("the whole batch")

    failing: Batcher[str, int, int] = Batcher(explode, max_batch=4, window_s=0.1)
    outcomes = await asyncio.gather(
        failing.submit("k", 1), failing.submit("k", 2), return_exceptions=True
    )
    assert all(isinstance(o, MemoryError) for o in outcomes)


async def test_a_canceled_request_leaves_its_batch_and_the_others_finish() -> None:
    run = Recorder()
    run.gate.clear()
    batcher: Batcher[str, int, int] = Batcher(run, max_batch=4, window_s=0.1)
    first = asyncio.create_task(batcher.submit("k", 1))
    second = asyncio.create_task(batcher.submit("k", 2))
    await asyncio.to_thread(run.started.wait, 10)  # both in flight
    # queued behind the running batch, then canceled before it runs
    queued = asyncio.create_task(batcher.submit("k", 3))
    await asyncio.sleep(0.05)
    queued.cancel()
    second.cancel()  # in flight: its alive() flag drops
    await asyncio.sleep(0.05)
    run.gate.set()
    assert await first == 10
    with pytest.raises(asyncio.CancelledError):
        await second
    with pytest.raises(asyncio.CancelledError):
        await queued
    await asyncio.sleep(0.3)  # the canceled queued request never runs
    assert run.calls == [("k", [1, 2])]
    assert run.alive_at_end == [[True, False]]


def test_max_batch_must_be_positive() -> None:
    with pytest.raises(ValueError):
        Batcher(Recorder(), max_batch=0)
