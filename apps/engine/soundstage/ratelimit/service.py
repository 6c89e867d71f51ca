"""A GCRA limiter in Postgres, per user and per client address.

GCRA (the generic cell rate algorithm) with a burst of ``limit``: a fresh key
may spend its whole per-minute quota at once, after which one more request
becomes possible every ``60 / limit`` seconds. Unlike fixed windows it never
lets twice the quota through around a window boundary, and it needs one row
per key. The state is in Postgres, not in process memory, so every API
replica sees the same counts.
"""

from __future__ import annotations

import logging
import math
import time
import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Literal

import asyncpg

from soundstage.config import Settings
from soundstage.db.database import Connection
from soundstage.observability import metrics
from soundstage.ratelimit import repository as repo
from soundstage.resources import Engine

log = logging.getLogger(__name__)

Action = Literal["jobs", "uploads", "previews"]
Scope = Literal["user", "ip"]

PERIOD_SECONDS = 60
PRUNE_EVERY_SECONDS = 60.0

# Per process: when this process last deleted replenished rows. Any replica
# pruning is enough, so there is no need to coordinate this.
_next_prune = 0.0


def limits_for(settings: Settings, action: Action) -> dict[Scope, int]:
    """Requests per minute for ``action``, per user and per address (0: off)."""
    return {
        "user": int(getattr(settings, f"rate_limit_{action}_per_minute")),
        "ip": int(getattr(settings, f"rate_limit_{action}_per_ip_per_minute")),
    }


@dataclass(frozen=True)
class Decision:
    """One key's verdict."""

    scope: Scope
    limit: int
    window: int
    allowed: bool
    remaining: int
    reset: int  # seconds until the whole quota is back
    retry_after: int  # seconds until one more request is allowed (0 if allowed)


@dataclass(frozen=True)
class Outcome:
    action: Action
    decisions: tuple[Decision, ...]

    @property
    def allowed(self) -> bool:
        return all(d.allowed for d in self.decisions)

    @property
    def denied(self) -> Decision | None:
        return next((d for d in self.decisions if not d.allowed), None)

    def headers(self) -> dict[str, str]:
        """RateLimit headers: the combined fields of draft-ietf-httpapi-ratelimit-headers
        (08 and later) for every policy, and the older RateLimit-Limit/-Remaining/
        -Reset trio, still what most clients read, for the tightest one."""
        if not self.decisions:
            return {}
        tightest = self.denied or min(self.decisions, key=lambda d: (d.remaining, -d.reset))
        headers = {
            "RateLimit-Policy": ", ".join(
                f'"{d.scope}";q={d.limit};w={d.window}' for d in self.decisions
            ),
            "RateLimit": ", ".join(
                f'"{d.scope}";r={d.remaining};t={d.reset}' for d in self.decisions
            ),
            "RateLimit-Limit": str(tightest.limit),
            "RateLimit-Remaining": str(tightest.remaining),
            "RateLimit-Reset": str(tightest.reset),
        }
        if not tightest.allowed:
            headers["Retry-After"] = str(tightest.retry_after)
        return headers


def _decide(
    scope: Scope, limit: int, allowed: bool, ahead: float, period: int = PERIOD_SECONDS
) -> Decision:
    interval = period / limit
    if allowed:
        # a tiny epsilon: ahead comes back through microsecond intervals
        remaining = max(0, math.floor((period - ahead) / interval + 1e-6))
        retry_after = 0
    else:
        remaining = 0
        retry_after = max(1, math.ceil(ahead + interval - period))
    return Decision(
        scope=scope,
        limit=limit,
        window=period,
        allowed=allowed,
        remaining=remaining,
        reset=max(0, math.ceil(ahead)),
        retry_after=retry_after,
    )


class RateLimitService:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    async def hit(self, action: Action, *, user_id: uuid.UUID, address: str | None) -> Outcome:
        """Spend one request of ``action`` for the user, then for the address.

        The address is only charged when the user's own limit allowed the
        request, so one user's refused flood does not use up the quota of
        others behind the same address.
        """
        limits = limits_for(self.engine.settings, action)
        keys: list[tuple[Scope, str, int]] = []
        if limits["user"] > 0:
            keys.append(("user", f"user:{user_id}:{action}", limits["user"]))
        if limits["ip"] > 0 and address:
            keys.append(("ip", f"ip:{address[:64]}:{action}", limits["ip"]))
        if not keys:
            return Outcome(action, ())

        period = timedelta(seconds=PERIOD_SECONDS)
        # integer microseconds, so limit * interval never exceeds the period
        charges = [
            (key, timedelta(microseconds=PERIOD_SECONDS * 1_000_000 // limit))
            for _, key, limit in keys
        ]
        # Privileged: the table is out of reach of the request role on purpose,
        # and this runs outside the user's RLS transaction. One statement for
        # all keys, autocommitted: the table is unlogged, so no WAL flush waits.
        async with self.engine.db.privileged() as conn:
            answers = await repo.hit_in_turn(conn, charges, period)
            await self._maybe_prune(conn)
        decisions: list[Decision] = []
        for (scope, _, limit), (allowed, ahead) in zip(keys, answers, strict=False):
            decisions.append(_decide(scope, limit, allowed, ahead))
            if not allowed:
                metrics.RATE_LIMITED.labels(action=action, scope=scope).inc()
        return Outcome(action, tuple(decisions))

    async def hit_named(
        self, name: str, *, user_id: uuid.UUID, limit: int, period_seconds: int
    ) -> Decision:
        """Spend one of ``limit`` requests per ``period_seconds`` of a named quota
        of the user's (a compatibility surface's own limits: the song API's 10 an
        hour, the studio's uploads 20 a minute). Same GCRA, same table."""
        interval = timedelta(microseconds=period_seconds * 1_000_000 // limit)
        async with self.engine.db.privileged() as conn:
            allowed, ahead = await repo.hit(
                conn, f"user:{user_id}:{name}", interval, timedelta(seconds=period_seconds)
            )
            await self._maybe_prune(conn)
        if not allowed:
            metrics.RATE_LIMITED.labels(action=name, scope="user").inc()
        return _decide("user", limit, allowed, ahead, period_seconds)

    @staticmethod
    async def _maybe_prune(conn: Connection) -> None:
        global _next_prune
        now = time.monotonic()
        if now < _next_prune:
            return
        _next_prune = now + PRUNE_EVERY_SECONDS
        try:
            deleted = await repo.prune(conn)
        except (OSError, asyncpg.PostgresError):
            # housekeeping only: a failed prune must not fail the request
            log.warning("pruning rate limit rows failed", exc_info=True)
            return
        if deleted:
            log.debug("pruned %d replenished rate limit rows", deleted)
