"""All SQL of the rate limiter (table ``soundstage.rate_limits``, privileged only)."""

from __future__ import annotations

from datetime import timedelta

from soundstage.db.database import Connection

# One statement decides and records, so concurrent requests on any number of API
# replicas serialise on the key's row lock and never both take the last unit.
# SET expressions see the old row, so `allowed` and `tat` use the same test.
# $2 is the emission interval (period / limit), $3 the period.
_HIT = """
insert into soundstage.rate_limits as r (key, tat, allowed)
values ($1, now() + $2::interval, true)
on conflict (key) do update
set allowed = greatest(r.tat, now()) + $2::interval <= now() + $3::interval,
    tat = case
      when greatest(r.tat, now()) + $2::interval <= now() + $3::interval
      then greatest(r.tat, now()) + $2::interval
      else r.tat
    end
returning allowed, extract(epoch from (tat - now()))::float8 as ahead
"""


async def hit(
    conn: Connection, key: str, interval: timedelta, period: timedelta
) -> tuple[bool, float]:
    """Spend one unit of ``key``'s quota if there is one.

    Returns whether the request is allowed and how far (seconds) the key's
    theoretical arrival time is ahead of now after this request.
    """
    row = await conn.fetchrow(_HIT, key, interval, period)
    assert row is not None  # an upsert always returns its row
    return bool(row["allowed"]), float(row["ahead"])


async def prune(conn: Connection) -> int:
    """Delete rows whose quota is full again (equivalent to no row at all)."""
    result: str = await conn.execute("delete from soundstage.rate_limits where tat < now()")
    return int(result.rsplit(" ", 1)[-1])
