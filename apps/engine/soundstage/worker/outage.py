"""Riding out a database outage (a restart for maintenance, a failover).

A running job's work is in the worker's hands, not the database's: when a
write (a checkpoint, an output row, the final status) finds the database
away, it waits and tries again for up to ``patience`` seconds (the lease: past
it, the job is another worker's anyway) instead of failing the job. Other
errors are raised at once.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

from soundstage.db.errors import DatabaseUnavailable, client_error

log = logging.getLogger(__name__)

T = TypeVar("T")
RETRY_SECONDS = 0.5


def database_away(exc: BaseException) -> bool:
    return isinstance(client_error(exc), DatabaseUnavailable)


async def through_outage(op: Callable[[], Awaitable[T]], *, patience: float) -> T:
    deadline = time.monotonic() + patience
    warned = False
    while True:
        try:
            return await op()
        except Exception as exc:
            if not database_away(exc) or time.monotonic() > deadline:
                raise
            if not warned:
                log.warning("database unavailable (%r); retrying for up to %.0fs", exc, patience)
                warned = True
            await asyncio.sleep(RETRY_SECONDS)
