"""All SQL of the jobs domain. Functions take a connection: the caller decides
whether it is a user's RLS transaction or the worker's privileged one."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg

from soundstage.db import Connection

JOB_COLUMNS = """
  j.id, j.user_id, j.kind, j.params, j.status, j.priority, j.progress, j.stage, j.message,
  j.error, j.attempts, j.max_attempts, j.created_at, j.updated_at, j.started_at, j.finished_at
"""

# A job's outputs as one json array column, ``outputs``, of its own row: a read
# then costs one round trip instead of two. The aggregate always yields one row,
# `[]` when there are none. RLS applies to job_outputs here as in list_outputs.
WITH_OUTPUTS = """
  cross join lateral (
    select coalesce(json_agg(json_build_object(
             'name', o.name, 'content_type', o.content_type, 'bytes', o.bytes,
             'bucket', o.bucket, 'object_path', o.object_path) order by o.name),
           '[]'::json) as outputs
    from job_outputs o where o.job_id = j.id
  ) o
"""


async def insert_job(
    conn: Connection,
    *,
    user_id: UUID,
    kind: str,
    params: dict[str, Any],
    priority: int,
    max_attempts: int,
    idempotency_key: str | None,
    request_hash: str | None,
    units: int | None = None,
) -> asyncpg.Record | None:
    """Insert a job; ``None`` when the user already used ``idempotency_key``."""
    return await conn.fetchrow(
        f"""
        insert into jobs as j (user_id, kind, params, priority, max_attempts,
                               idempotency_key, request_hash, units)
        values ($1, $2, $3, $4, $5, $6, $7, $8)
        on conflict (user_id, idempotency_key) where idempotency_key is not null do nothing
        returning {JOB_COLUMNS}, j.request_hash
        """,
        user_id,
        kind,
        params,
        priority,
        max_attempts,
        idempotency_key,
        request_hash,
        units,
    )


async def get_by_idempotency_key(conn: Connection, key: str) -> asyncpg.Record | None:
    # RLS limits this to the caller's own rows.
    return await conn.fetchrow(
        f"select {JOB_COLUMNS}, j.request_hash from jobs j where j.idempotency_key = $1", key
    )


async def get_job(conn: Connection, job_id: UUID) -> asyncpg.Record | None:
    """The job with its ``outputs`` (see WITH_OUTPUTS)."""
    return await conn.fetchrow(
        f"select {JOB_COLUMNS}, o.outputs from jobs j {WITH_OUTPUTS} where j.id = $1", job_id
    )


async def get_job_for_update(conn: Connection, job_id: UUID) -> asyncpg.Record | None:
    return await conn.fetchrow(
        f"select {JOB_COLUMNS} from jobs j where j.id = $1 for update", job_id
    )


async def list_jobs(
    conn: Connection,
    *,
    limit: int,
    status: str | None,
    kind: str | None,
    before: tuple[datetime, UUID] | None,
) -> list[asyncpg.Record]:
    """A page of jobs, newest first, each with its ``outputs`` (see WITH_OUTPUTS)."""
    return await conn.fetch(
        f"""
        select {JOB_COLUMNS}, o.outputs from jobs j {WITH_OUTPUTS}
        where ($1::text is null or j.status = $1)
          and ($2::text is null or j.kind = $2)
          and ($3::timestamptz is null or (j.created_at, j.id) < ($3, $4::uuid))
        order by j.created_at desc, j.id desc
        limit $5
        """,
        status,
        kind,
        before[0] if before else None,
        before[1] if before else None,
        limit,
    )


async def list_outputs(conn: Connection, job_ids: list[UUID]) -> list[asyncpg.Record]:
    return await conn.fetch(
        """
        select job_id, name, content_type, bytes, bucket, object_path
        from job_outputs where job_id = any($1::uuid[]) order by job_id, name
        """,
        job_ids,
    )


async def set_status(
    conn: Connection, job_id: UUID, status: str, *, finished: bool
) -> asyncpg.Record | None:
    return await conn.fetchrow(
        f"""
        update jobs j set status = $2,
          finished_at = case when $3 then now() else j.finished_at end
        where j.id = $1
        returning {JOB_COLUMNS}
        """,
        job_id,
        status,
        finished,
    )


async def delete_job(conn: Connection, job_id: UUID) -> None:
    await conn.execute("delete from jobs where id = $1", job_id)


async def units_this_month(conn: Connection, kind: str) -> int:
    """Units of the caller's jobs of ``kind`` created this calendar month (UTC),
    failed ones excepted (a job that failed cost the user nothing)."""
    n: int = await conn.fetchval(
        """
        select coalesce(sum(units), 0) from jobs
        where kind = $1 and status <> 'failed' and units is not null
          and created_at >= date_trunc('month', now() at time zone 'utc') at time zone 'utc'
        """,
        kind,
    )
    return n


async def count_queued(conn: Connection, at_most: int) -> int:
    """The caller's queued jobs (RLS), counted up to ``at_most``: the cap check
    needs no more, and a plan with a high cap would otherwise pay for every row."""
    n: int = await conn.fetchval(
        "select count(*) from (select 1 from jobs where status = 'queued' limit $1) q", at_most
    )
    return n


async def requeue_for_retry(conn: Connection, job_id: UUID) -> asyncpg.Record | None:
    return await conn.fetchrow(
        f"""
        update jobs j set status = 'queued', attempts = 0, run_after = now(), progress = 0,
          stage = 'queued', message = null, error = null, finished_at = null, started_at = null
        where j.id = $1
        returning {JOB_COLUMNS}
        """,
        job_id,
    )


async def list_checkpoint_files(conn: Connection, job_id: UUID) -> list[asyncpg.Record]:
    return await conn.fetch(
        "select bucket, object_path from job_checkpoints "
        "where job_id = $1 and object_path is not null",
        job_id,
    )


async def count_mine_by_status(conn: Connection) -> dict[str, int]:
    rows = await conn.fetch("select status, count(*) as n from jobs group by status")
    return {r["status"]: r["n"] for r in rows}


async def queue_stats(conn: Connection) -> list[asyncpg.Record]:
    return await conn.fetch("select status, jobs, workers from soundstage_queue_stats()")


async def queue_positions(conn: Connection) -> list[asyncpg.Record]:
    return await conn.fetch(
        """
        select p.job_id, p.ahead, j.kind
        from soundstage_queue_positions() p join jobs j on j.id = p.job_id
        order by p.ahead
        """
    )


async def recent_durations(conn: Connection) -> dict[str, float]:
    rows = await conn.fetch("select kind, avg_seconds from soundstage_recent_durations()")
    return {r["kind"]: float(r["avg_seconds"]) for r in rows}


async def events_after(
    conn: Connection, job_id: UUID, after_id: int, limit: int = 500
) -> list[asyncpg.Record]:
    return await conn.fetch(
        """
        select id, type, data from job_events
        where job_id = $1 and id > $2 order by id limit $3
        """,
        job_id,
        after_id,
        limit,
    )


async def get_status(conn: Connection, job_id: UUID) -> str | None:
    status: str | None = await conn.fetchval("select status from jobs where id = $1", job_id)
    return status
