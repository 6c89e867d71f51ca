"""All SQL of the rate limiter (table ``soundstage_private.rate_limits``, privileged only)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from soundstage.db.database import Connection

# One statement decides and records, so concurrent requests on any number of API
# replicas serialise on the key's row lock and never both take the last unit.
# SET expressions see the old row, so `allowed` and `tat` use the same test.
# $1 is the period, {interval} the key's emission interval (period / limit),
# {source} where the inserted row (key, tat, allowed) comes from.
_UPSERT = """
insert into soundstage_private.rate_limits as r (key, tat, allowed)
{source}
on conflict (key) do update
set allowed = greatest(r.tat, now()) + {interval} <= now() + $1::interval,
    tat = case
      when greatest(r.tat, now()) + {interval} <= now() + $1::interval
      then greatest(r.tat, now()) + {interval}
      else r.tat
    end
returning allowed, extract(epoch from (tat - now()))::float8 as ahead
"""

# One key: $2, its interval $3.
_HIT = _UPSERT.format(source="values ($2, now() + $3::interval, true)", interval="$3::interval")

# Two keys in one statement (one round trip, one commit instead of two): the
# second ($4, interval $5) is charged only when the first allowed the request -
# its insert reads the first's RETURNING row - so the row locks are always
# taken first key first.
_HIT_SECOND = _UPSERT.format(
    source="select $4, now() + $5::interval, true from one where one.allowed",
    interval="$5::interval",
)
_HIT_TWO = f"""
with one as ({_HIT}), two as ({_HIT_SECOND})
select one.allowed, one.ahead, two.allowed as second_allowed, two.ahead as second_ahead
from one left join two on true
"""


async def hit(
    conn: Connection, key: str, interval: timedelta, period: timedelta
) -> tuple[bool, float]:
    """Spend one unit of ``key``'s quota if there is one.

    Returns whether the request is allowed and how far (seconds) the key's
    theoretical arrival time is ahead of now after this request.
    """
    row = await conn.fetchrow(_HIT, period, key, interval)
    assert row is not None  # an upsert always returns its row
    return bool(row["allowed"]), float(row["ahead"])


async def hit_in_turn(
    conn: Connection, keys: Sequence[tuple[str, timedelta]], period: timedelta
) -> list[tuple[bool, float]]:
    """:func:`hit` for one or two ``(key, interval)`` in order, in one statement,
    stopping at the first key that refuses: the answers of the keys charged."""
    if len(keys) == 1:
        return [await hit(conn, keys[0][0], keys[0][1], period)]
    if len(keys) != 2:
        raise ValueError("one or two keys")
    (first_key, first_interval), (second_key, second_interval) = keys
    row = await conn.fetchrow(
        _HIT_TWO, period, first_key, first_interval, second_key, second_interval
    )
    assert row is not None  # `first` always returns its row
    answers = [(bool(row["allowed"]), float(row["ahead"]))]
    if row["second_allowed"] is not None:
        answers.append((bool(row["second_allowed"]), float(row["second_ahead"])))
    return answers


async def prune(conn: Connection) -> int:
    """Delete rows whose quota is full again (equivalent to no row at all)."""
    result: str = await conn.execute("delete from soundstage_private.rate_limits where tat < now()")
    return int(result.rsplit(" ", 1)[-1])
