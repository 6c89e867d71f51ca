"""Collect concurrent requests into one batched model call.

A GPU generates 8 prompts in about the time of one (the decoding loop is bound
by kernel launches and weight reads, not arithmetic), so concurrent jobs that
can share a call should. :class:`Batcher` queues requests by a compatibility
key; when the model is free it takes the oldest request's key and up to
``max_batch`` requests of that key, waiting ``window_s`` for company first
(only when fewer than ``max_batch`` wait: a busy queue never waits), and runs
``run_batch`` on them in a thread. Batches run one at a time per batcher and
event loop, as the model generations did before.

Each request keeps its own life: cancelling the awaiting task drops the request
(still queued: it never runs; in flight: its ``alive`` flag goes false, its
result is discarded, and ``run_batch`` may stop early once no request of the
batch is alive). ``run_batch`` returns one result or exception per request, so
one bad request fails alone; an exception it raises fails the whole batch.

Public API::

    Batcher(run_batch, max_batch=8, window_s=0.05)
    await batcher.submit(key, request) -> result
    run_batch(key, requests, alive) -> list[result | BaseException]
        # alive(i): request i still wanted (safe to call from the thread)
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from soundstage.providers.loops import PerLoop

K = TypeVar("K", bound=Hashable)
Q = TypeVar("Q")
R = TypeVar("R")

RunBatch = Callable[[K, Sequence[Q], Callable[[int], bool]], Sequence[R | BaseException]]


@dataclass
class _Entry(Generic[K, Q, R]):
    key: K
    request: Q
    future: asyncio.Future[R]
    # Set (from the loop) when the caller gives up; read from the batch's thread.
    dropped: threading.Event = field(default_factory=threading.Event)


@dataclass
class _LoopState(Generic[K, Q, R]):
    queue: list[_Entry[K, Q, R]] = field(default_factory=list)
    drainer: asyncio.Task[None] | None = None
    arrived: asyncio.Event = field(default_factory=asyncio.Event)


class Batcher(Generic[K, Q, R]):
    def __init__(
        self, run_batch: RunBatch[K, Q, R], *, max_batch: int = 8, window_s: float = 0.05
    ) -> None:
        if max_batch < 1:
            raise ValueError("max_batch must be at least 1")
        self.run_batch = run_batch
        self.max_batch = max_batch
        self.window_s = window_s
        self._state: PerLoop[_LoopState[K, Q, R]] = PerLoop(_LoopState)
        # for tests and metrics: the sizes of the batches run so far
        self.batch_sizes: list[int] = []

    async def submit(self, key: K, request: Q) -> R:
        state = self._state.get()
        loop = asyncio.get_running_loop()
        entry: _Entry[K, Q, R] = _Entry(key, request, loop.create_future())

        def dropped(future: asyncio.Future[R]) -> None:
            if future.cancelled():
                entry.dropped.set()

        entry.future.add_done_callback(dropped)
        state.queue.append(entry)
        state.arrived.set()
        if state.drainer is None or state.drainer.done():
            state.drainer = loop.create_task(self._drain(state), name="batcher")
        # Cancelling the caller cancels this future: the entry is dropped.
        return await entry.future

    def _take(self, state: _LoopState[K, Q, R]) -> list[_Entry[K, Q, R]]:
        state.queue = [e for e in state.queue if not e.future.done()]
        if not state.queue:
            return []
        key = state.queue[0].key
        batch = [e for e in state.queue if e.key == key][: self.max_batch]
        taken = {id(e) for e in batch}
        state.queue = [e for e in state.queue if id(e) not in taken]
        return batch

    def _waiting(self, state: _LoopState[K, Q, R]) -> int:
        if not state.queue:
            return 0
        key = state.queue[0].key
        return sum(1 for e in state.queue if e.key == key and not e.future.done())

    async def _collect(self, state: _LoopState[K, Q, R]) -> None:
        """Wait up to the window for a full batch of the oldest request's key."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.window_s
        while self._waiting(state) < self.max_batch:
            left = deadline - loop.time()
            if left <= 0:
                return
            state.arrived.clear()
            try:
                await asyncio.wait_for(state.arrived.wait(), left)
            except TimeoutError:
                return

    async def _drain(self, state: _LoopState[K, Q, R]) -> None:
        batch: list[_Entry[K, Q, R]] = []
        try:
            while state.queue:
                if self.window_s > 0:
                    await self._collect(state)
                batch = self._take(state)
                if not batch:
                    continue
                self.batch_sizes.append(len(batch))
                requests = [e.request for e in batch]

                def alive(i: int, batch: list[_Entry[K, Q, R]] = batch) -> bool:
                    return not batch[i].dropped.is_set()

                try:
                    results = await asyncio.to_thread(self.run_batch, batch[0].key, requests, alive)
                except Exception as exc:  # noqa: BLE001 - each caller's error, as its own call's
                    for e in batch:
                        if not e.future.done():
                            e.future.set_exception(exc)
                    batch = []
                    continue
                for e, result in zip(batch, results, strict=True):
                    if e.future.done():
                        continue
                    if isinstance(result, BaseException):
                        e.future.set_exception(result)
                    else:
                        e.future.set_result(result)
                batch = []
        except BaseException:
            # The loop is closing: nobody may wait forever.
            for e in [*batch, *state.queue]:
                e.future.cancel()
            state.queue = []
            raise
