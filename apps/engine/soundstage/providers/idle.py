"""Local models that leave memory when no job has used them for a while.

A worker that rendered one dual-voice book kept both voices' ONNX sessions
(and their arenas) for ever: 1.25 GB resident while idle. Models live in an
:class:`IdleModels` cache instead; the worker's maintenance pass calls
:func:`unload_idle` with ``SOUNDSTAGE_MODEL_IDLE_SECONDS``, which drops every
model no job is using and none has used for that long, then asks glibc to give
the freed pages back (``malloc_trim``; without it the process keeps them).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import threading
import time
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Generic, Protocol, TypeVar

log = logging.getLogger(__name__)

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class _Droppable(Protocol):
    def drop_idle(self, idle_seconds: float) -> int: ...


# every cache in the process, for unload_idle
_CACHES: list[_Droppable] = []


@dataclass
class _Entry(Generic[V]):
    value: V
    users: int = 0
    last_used: float = field(default_factory=time.monotonic)


class IdleModels(Generic[K, V]):
    """Models by key, loaded on first use, dropped by :meth:`drop_idle`."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._lock = threading.Lock()
        self._entries: dict[K, _Entry[V]] = {}
        _CACHES.append(self)

    @contextmanager
    def use(self, key: K, load: Callable[[], V]) -> Iterator[V]:
        """The model for ``key`` (loaded under the cache's lock the first
        time); it is not dropped while any caller is inside this block."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                entry = self._entries[key] = _Entry(load())
            entry.users += 1
        try:
            yield entry.value
        finally:
            with self._lock:
                entry.users -= 1
                entry.last_used = time.monotonic()

    def drop_idle(self, idle_seconds: float) -> int:
        """Forget every model unused for ``idle_seconds``; how many went."""
        now = time.monotonic()
        with self._lock:
            idle = [
                key
                for key, entry in self._entries.items()
                if entry.users == 0 and now - entry.last_used >= idle_seconds
            ]
            for key in idle:
                del self._entries[key]
        return len(idle)

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)


def unload_idle(idle_seconds: float) -> int:
    """Drop idle models from every cache and return the memory to the system;
    how many models went. Blocking (sessions are freed here): call it in a thread."""
    dropped = sum(cache.drop_idle(idle_seconds) for cache in list(_CACHES))
    if dropped:
        _trim_heap()
        log.info("unloaded %d idle local model(s)", dropped)
    return dropped


def _trim_heap() -> None:
    name = ctypes.util.find_library("c")
    if name is None:
        return
    try:
        libc = ctypes.CDLL(name)
        trim = libc.malloc_trim
    except (OSError, AttributeError):  # not glibc (musl, macOS): nothing to ask
        return
    trim(0)
