"""All SQL on the webhook tables (``soundstage.webhooks``, ``webhook_outbox``,
``webhook_attempts``). The outbox rows of job and project events are written by
triggers (migration ``20261205001000_webhooks.sql``), not here.

The API's statements run in the caller's RLS transaction (the secret column is
not readable there: it is written and returned by the statement that sets it);
the delivery loop's run privileged and are fenced by the attempt number, so a
worker whose claim ran out (and whose message another worker took) changes
nothing.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg

from soundstage.db import Connection

WEBHOOK_COLUMNS = """
  w.id, w.user_id, w.url, w.events, w.description, w.enabled, w.disabled_reason,
  w.disabled_at, w.secret_rotated_at, w.created_at
"""

DELIVERY_COLUMNS = """
  o.id, o.event_type, o.status, o.attempts, o.last_status_code, o.last_latency_ms,
  o.last_error, o.next_attempt_at, o.last_attempt_at, o.delivered_at, o.created_at, o.data
"""


async def insert_webhook(
    conn: Connection,
    *,
    user_id: UUID,
    url: str,
    events: list[str],
    description: str,
    secret: str,
) -> asyncpg.Record:
    row = await conn.fetchrow(
        f"""
        insert into soundstage.webhooks as w (user_id, url, events, description, secret)
        values ($1, $2, $3, $4, $5)
        returning {WEBHOOK_COLUMNS}
        """,
        user_id,
        url,
        events,
        description,
        secret,
    )
    assert row is not None  # an insert without ON CONFLICT returns its row or raises
    return row


async def count_webhooks(conn: Connection) -> int:
    """The caller's webhooks (RLS)."""
    n: int = await conn.fetchval("select count(*) from soundstage.webhooks")
    return n


async def list_webhooks(
    conn: Connection, *, limit: int, before: tuple[datetime, UUID] | None
) -> list[asyncpg.Record]:
    return await conn.fetch(
        f"""
        select {WEBHOOK_COLUMNS} from soundstage.webhooks w
        where ($1::timestamptz is null or (w.created_at, w.id) < ($1, $2::uuid))
        order by w.created_at desc, w.id desc
        limit $3
        """,
        before[0] if before else None,
        before[1] if before else None,
        limit,
    )


async def get_webhook(conn: Connection, webhook_id: UUID) -> asyncpg.Record | None:
    return await conn.fetchrow(
        f"select {WEBHOOK_COLUMNS} from soundstage.webhooks w where w.id = $1", webhook_id
    )


async def delete_webhook(conn: Connection, webhook_id: UUID) -> bool:
    result = await conn.execute("delete from soundstage.webhooks where id = $1", webhook_id)
    return result.endswith(" 1")


async def rotate_secret(
    conn: Connection, webhook_id: UUID, secret: str, overlap_seconds: float
) -> asyncpg.Record | None:
    """A new secret; the one it replaces keeps signing for ``overlap_seconds``
    (a second rotation within that window drops the oldest). Through a definer
    function: keeping the old secret means reading it, which the request role
    may not."""
    rotated = await conn.fetchval(
        "select soundstage_private.rotate_webhook_secret($1, $2, $3)",
        webhook_id,
        secret,
        overlap_seconds,
    )
    return await get_webhook(conn, webhook_id) if rotated else None


async def enable_webhook(conn: Connection, webhook_id: UUID) -> asyncpg.Record | None:
    return await conn.fetchrow(
        f"""
        update soundstage.webhooks w set enabled = true, disabled_reason = null, disabled_at = null
        where w.id = $1
        returning {WEBHOOK_COLUMNS}
        """,
        webhook_id,
    )


async def insert_message(
    conn: Connection, *, webhook_id: UUID, user_id: UUID, event_type: str, data: dict[str, Any]
) -> UUID:
    """Queue one message for one webhook (the test event); the policy admits
    only the caller's own webhooks."""
    message_id: UUID = await conn.fetchval(
        """
        insert into soundstage.webhook_outbox (webhook_id, user_id, event_type, data)
        values ($1, $2, $3, $4) returning id
        """,
        webhook_id,
        user_id,
        event_type,
        data,
    )
    await conn.execute("select pg_notify('soundstage_webhooks', '')")
    return message_id


async def list_deliveries(
    conn: Connection, webhook_id: UUID, *, limit: int, before: tuple[datetime, UUID] | None
) -> list[asyncpg.Record]:
    return await conn.fetch(
        f"""
        select {DELIVERY_COLUMNS} from soundstage.webhook_outbox o
        where o.webhook_id = $1
          and ($2::timestamptz is null or (o.created_at, o.id) < ($2, $3::uuid))
        order by o.created_at desc, o.id desc
        limit $4
        """,
        webhook_id,
        before[0] if before else None,
        before[1] if before else None,
        limit,
    )


# --- delivery: the worker's statements (privileged) ------------------------


async def claim_due(conn: Connection, *, limit: int, claim_seconds: float) -> list[asyncpg.Record]:
    """Up to ``limit`` due messages of enabled webhooks, each claimed for
    ``claim_seconds`` (its next_attempt_at moves past the attempt) with its
    attempt counted. SKIP LOCKED: concurrent claimers take different rows, and
    a claimed row is not due again until its claim runs out."""
    return await conn.fetch(
        """
        with due as (
          select o.id from soundstage.webhook_outbox o
          join soundstage.webhooks w on w.id = o.webhook_id
          where o.status = 'pending' and o.next_attempt_at <= now() and w.enabled
          order by o.next_attempt_at
          limit $1
          for update of o skip locked
        )
        update soundstage.webhook_outbox o
        set attempts = o.attempts + 1, last_attempt_at = now(),
            next_attempt_at = now() + make_interval(secs => $2)
        from due, soundstage.webhooks w
        where o.id = due.id and w.id = o.webhook_id
        returning o.id, o.webhook_id, o.user_id, o.event_type, o.data, o.attempts,
                  o.created_at, w.url, w.secret,
                  case when w.previous_secret_expires_at > now() then w.previous_secret end
                    as previous_secret
        """,
        limit,
        claim_seconds,
    )


async def record_attempt(
    conn: Connection,
    *,
    message_id: UUID,
    attempt: int,
    delivered: bool,
    status_code: int | None,
    latency_ms: int | None,
    error: str | None,
    retry_in: float | None,
) -> bool:
    """The outcome of one attempt: delivered, due again in ``retry_in`` seconds,
    or (neither) failed for good. Logged in webhook_attempts in the same
    statement. False when the attempt was no longer this claimer's."""
    row = await conn.fetchrow(
        """
        with done as (
          update soundstage.webhook_outbox o set
            status = case when $3 then 'succeeded' when $7::float8 is null then 'failed'
                          else 'pending' end,
            last_status_code = $4, last_latency_ms = $5, last_error = $6,
            delivered_at = case when $3 then now() else o.delivered_at end,
            next_attempt_at = case when $7::float8 is null then o.next_attempt_at
                                   else now() + make_interval(secs => $7) end
          where o.id = $1 and o.attempts = $2 and o.status = 'pending'
          returning o.id, o.webhook_id, o.user_id
        )
        insert into soundstage.webhook_attempts
          (outbox_id, webhook_id, user_id, attempt, status_code, latency_ms, error)
        select id, webhook_id, user_id, $2, $4, $5, $6 from done
        returning outbox_id
        """,
        message_id,
        attempt,
        delivered,
        status_code,
        latency_ms,
        error,
        retry_in,
    )
    return row is not None


async def purge_finished(conn: Connection, *, older_than_days: int, limit: int) -> int:
    """Delete up to ``limit`` delivered or failed messages older than the
    retention (their attempts go by cascade); pending ones are kept."""
    result = await conn.execute(
        """
        delete from soundstage.webhook_outbox where id in (
          select id from soundstage.webhook_outbox
          where status <> 'pending' and created_at < now() - make_interval(days => $1)
          limit $2)
        """,
        older_than_days,
        limit,
    )
    return int(result.split()[-1])


async def disable_if_failing(
    conn: Connection, webhook_id: UUID, since: datetime, reason: str
) -> bool:
    """Disable a webhook whose message failed for good, unless some message
    reached it since that one was created (one refused event does not switch
    off an endpoint that works). Its other pending messages fail with it."""
    row = await conn.fetchrow(
        """
        update soundstage.webhooks w
        set enabled = false, disabled_reason = $3, disabled_at = now()
        where w.id = $1 and w.enabled
          and not exists (select 1 from soundstage.webhook_outbox o
                          where o.webhook_id = w.id and o.delivered_at >= $2)
        returning w.id
        """,
        webhook_id,
        since,
        reason,
    )
    if row is None:
        return False
    await conn.execute(
        """
        update soundstage.webhook_outbox set status = 'failed',
          last_error = coalesce(last_error || '; ', '') || 'webhook disabled'
        where webhook_id = $1 and status = 'pending'
        """,
        webhook_id,
    )
    return True
