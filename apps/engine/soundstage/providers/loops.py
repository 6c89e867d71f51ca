"""Per-event-loop state for objects shared by a whole process.

Providers live for the process (the registry caches them), but asyncio primitives
and httpx clients belong to the event loop that first used them. ``PerLoop``
makes a fresh one whenever the running loop changes (a CLI command after the
server stopped, a second ``asyncio.run``), instead of failing with "attached to a
different loop".
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class PerLoop(Generic[T]):
    def __init__(self, factory: Callable[[], T]) -> None:
        self._factory = factory
        self._loop: weakref.ref[asyncio.AbstractEventLoop] | None = None
        self._value: T | None = None

    def get(self) -> T:
        loop = asyncio.get_running_loop()
        if self._value is None or self._loop is None or self._loop() is not loop:
            self._value = self._factory()
            self._loop = weakref.ref(loop)
        return self._value

    def peek(self) -> T | None:
        """The current value without creating one (for closing at shutdown)."""
        return self._value
