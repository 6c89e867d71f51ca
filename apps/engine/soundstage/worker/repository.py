"""All SQL the worker runs, as the privileged (owner) role.

Every write after the claim is fenced by ``lease_owner``: a worker whose lease
lapsed (and whose job another worker may now hold) changes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

import asyncpg

from soundstage.db import Connection

# Claims are serialised by one transaction-level advisory lock: the per-user
# running cap must count what the previous claimer just took, which SKIP LOCKED
# alone cannot promise. A claim takes a batch, so the lock is held briefly and
# rarely. Because no two claims overlap, the candidates are not row-locked
# (`FOR UPDATE SKIP LOCKED` locked, and wrote WAL for, up to a batch per user
# to keep one batch); the final UPDATE re-checks the status instead, so a job
# canceled or deleted meanwhile is skipped, not claimed. The price: a claim
# waits for a write in flight on a picked row (an API cancel: milliseconds).
# CLAIM_ROW_LOCK_TIMEOUT bounds that wait, so a transaction left open on a
# queued job (someone's SQL console) fails one claim instead of stalling every
# worker behind the advisory lock; the worker retries at its next poll.
CLAIM_LOCK = 0x534E4443
CLAIM_ROW_LOCK_TIMEOUT = "5s"


async def claim(
    conn: Connection,
    worker_id: str,
    lease_seconds: float,
    *,
    limit: int,
    max_running_per_user: int,
) -> list[asyncpg.Record]:
    """Claim up to ``limit`` runnable jobs, fairly across users.

    Each user's queue head is walked (a loose index scan over the users who have
    queued jobs); a job's ``slot`` is how many jobs its user would then have
    running, and the lowest slots go first: a user with one job waiting never
    waits behind another user's hundreds. Within a slot, priority and age decide.
    """
    # BEGIN, the lock and the row-lock timeout in one round trip (the
    # simple-query protocol takes all three; the timeout comes after the
    # advisory lock, which may rightly wait for other claims); the claim must
    # still be a statement of its own, so that its snapshot is taken after the
    # lock is granted and sees the previous claimer's commit.
    try:
        # (inside the try: a wait for the lock that is cancelled leaves the
        # transaction open)
        await conn.execute(
            f"begin; select pg_advisory_xact_lock({CLAIM_LOCK:d}); "
            f"set local lock_timeout = '{CLAIM_ROW_LOCK_TIMEOUT}'"
        )
        rows = await conn.fetch(
            """
            with recursive users as (
              (select user_id from jobs where status = 'queued' order by user_id limit 1)
              union all
              select (select j.user_id from jobs j
                      where j.status = 'queued' and j.user_id > u.user_id
                      order by j.user_id limit 1)
              from users u where u.user_id is not null
            ),
            running as (
              select user_id, count(*) as n from jobs
              where status in ('running', 'canceling') group by user_id
            ),
            candidates as (
              select c.*, coalesce(r.n, 0) as n_running
              from users u
              left join running r on r.user_id = u.user_id
              cross join lateral (
                select j.id, j.user_id, j.status, j.priority, j.run_after, j.created_at
                from jobs j
                where j.user_id = u.user_id and j.status = 'queued' and j.run_after <= now()
                order by j.priority desc, j.run_after, j.created_at
                -- no more than a batch per user: a user's whole backlog
                -- would make each claim walk thousands of rows
                limit least(greatest($4 - coalesce(r.n, 0), 0), $3)
              ) c
              where u.user_id is not null
            ),
            picked as (
              select id, status from (
                select id, status, priority, run_after, created_at,
                       n_running + row_number() over (
                         partition by user_id order by priority desc, run_after, created_at
                       ) as slot
                from candidates
              ) ranked
              order by slot, priority desc, run_after, created_at
              limit $3
            )
            update jobs j
            set status = 'running', attempts = j.attempts + 1, lease_owner = $1,
                lease_expires_at = now() + make_interval(secs => $2),
                started_at = coalesce(j.started_at, now()), stage = 'starting', error = null
            from picked
            -- still queued: a job canceled since this statement's snapshot is
            -- re-read here and skipped (a join clause, not `= 'queued'`, so
            -- the planner keeps the primary-key lookup)
            where j.id = picked.id and j.status = picked.status
            returning j.id, j.user_id, j.kind, j.params, j.attempts, j.max_attempts
            """,
            worker_id,
            lease_seconds,
            limit,
            max_running_per_user,
        )
    except BaseException:
        if not conn.is_closed():
            await conn.execute("rollback")
        raise
    await conn.execute("commit")
    return rows


async def heartbeat(
    conn: Connection,
    job_id: UUID,
    worker_id: str,
    lease_seconds: float,
    progress: int | None,
    stage: str | None,
    message: str | None,
) -> str | None:
    """Extend the lease and flush progress; the job's status, or None if the lease is lost."""
    status: str | None = await conn.fetchval(
        """
        update jobs set lease_expires_at = now() + make_interval(secs => $3),
          progress = coalesce($4, progress), stage = coalesce($5, stage),
          message = coalesce($6, message)
        where id = $1 and lease_owner = $2 and status in ('running', 'canceling')
        returning status
        """,
        job_id,
        worker_id,
        lease_seconds,
        progress,
        stage,
        message,
    )
    return status


async def current_status(conn: Connection, job_id: UUID, worker_id: str) -> str | None:
    """The job's status while this worker holds it; None once the lease is lost."""
    status: str | None = await conn.fetchval(
        "select status from jobs where id = $1 and lease_owner = $2 "
        "and status in ('running', 'canceling') and lease_expires_at > now()",
        job_id,
        worker_id,
    )
    return status


async def finish(
    conn: Connection,
    job_id: UUID,
    worker_id: str,
    status: str,
    *,
    stage: str | None,
    error: dict[str, Any] | None,
) -> bool:
    result = await conn.execute(
        """
        update jobs set status = $3,
          progress = case when $3 = 'succeeded' then 100 else progress end,
          stage = coalesce($4, stage), error = $5, finished_at = now(),
          lease_owner = null, lease_expires_at = null
        where id = $1 and lease_owner = $2
        """,
        job_id,
        worker_id,
        status,
        stage,
        error,
    )
    return result.endswith(" 1")


async def finish_succeeded(
    conn: Connection, worker_id: str, jobs: Sequence[tuple[UUID, str | None]]
) -> set[UUID]:
    """Mark many jobs ``succeeded`` in one statement (and one commit): what
    :func:`finish` does for one, fenced the same way. Returns the ids written;
    a job missing from it had lost its lease and is left as it is.

    Row by row, so the ``jobs`` triggers still append each job's status event
    (SSE) and touch its ``updated_at``. Ids go in sorted, so two statements
    locking overlapping rows take the locks in the same order.
    """
    ordered = sorted(jobs, key=lambda job: job[0])
    rows = await conn.fetch(
        """
        update jobs j set status = 'succeeded', progress = 100,
          stage = coalesce(done.stage, j.stage), error = null, finished_at = now(),
          lease_owner = null, lease_expires_at = null
        from unnest($1::uuid[], $2::text[]) as done (id, stage)
        where j.id = done.id and j.lease_owner = $3
        returning j.id
        """,
        [job_id for job_id, _ in ordered],
        [stage for _, stage in ordered],
        worker_id,
    )
    return {row["id"] for row in rows}


async def requeue(
    conn: Connection,
    job_id: UUID,
    worker_id: str,
    *,
    delay_seconds: float,
    error: dict[str, Any] | None,
    count_attempt: bool,
) -> bool:
    """Back to ``queued``. ``count_attempt=False`` gives the attempt back (shutdown)."""
    result = await conn.execute(
        """
        update jobs set status = 'queued', run_after = now() + make_interval(secs => $3),
          error = $4, attempts = case when $5 then attempts else greatest(attempts - 1, 0) end,
          stage = case when $4::jsonb is null then 'queued' else 'waiting to retry' end,
          lease_owner = null, lease_expires_at = null
        where id = $1 and lease_owner = $2
        """,
        job_id,
        worker_id,
        delay_seconds,
        error,
        count_attempt,
    )
    return result.endswith(" 1")


async def upsert_output(
    conn: Connection,
    *,
    job_id: UUID,
    user_id: UUID,
    worker_id: str,
    name: str,
    content_type: str,
    size: int,
    bucket: str,
    object_path: str,
) -> bool:
    result = await conn.execute(
        """
        insert into job_outputs (job_id, user_id, name, content_type, bytes, bucket, object_path)
        select $1, $2, $4, $5, $6, $7, $8
        where exists (select 1 from jobs where id = $1 and lease_owner = $3)
        on conflict (job_id, name) do update
          set content_type = excluded.content_type, bytes = excluded.bytes,
              object_path = excluded.object_path, created_at = now()
        """,
        job_id,
        user_id,
        worker_id,
        name,
        content_type,
        size,
        bucket,
        object_path,
    )
    return result.endswith(" 1")


async def save_checkpoint(
    conn: Connection,
    *,
    job_id: UUID,
    user_id: UUID,
    worker_id: str,
    unit: str,
    data: dict[str, Any],
    bucket: str | None,
    object_path: str | None,
    size: int | None,
) -> bool:
    result = await conn.execute(
        """
        insert into job_checkpoints (job_id, user_id, unit, data, bucket, object_path, bytes)
        select $1, $2, $4, $5, $6, $7, $8
        where exists (select 1 from jobs where id = $1 and lease_owner = $3)
        on conflict (job_id, unit) do update
          set data = excluded.data, bucket = excluded.bucket,
              object_path = excluded.object_path, bytes = excluded.bytes, created_at = now()
        """,
        job_id,
        user_id,
        worker_id,
        unit,
        data,
        bucket,
        object_path,
        size,
    )
    return result.endswith(" 1")


async def list_checkpoints(conn: Connection, job_id: UUID) -> list[asyncpg.Record]:
    return await conn.fetch(
        "select unit, data, bucket, object_path, bytes from job_checkpoints "
        "where job_id = $1 order by created_at",
        job_id,
    )


async def delete_checkpoints(conn: Connection, job_id: UUID) -> list[asyncpg.Record]:
    return await conn.fetch(
        "delete from job_checkpoints where job_id = $1 returning bucket, object_path", job_id
    )


async def get_upload(conn: Connection, upload_id: UUID, user_id: UUID) -> asyncpg.Record | None:
    """An upload of the job's owner (the worker bypasses RLS, so it checks the owner)."""
    return await conn.fetchrow(
        "select bucket, object_path, format, category, original_name from uploads "
        "where id = $1 and user_id = $2 and status = 'ready'",
        upload_id,
        user_id,
    )


async def get_output(
    conn: Connection, job_id: UUID, name: str, user_id: UUID
) -> asyncpg.Record | None:
    """An output of another job of the owner's (a job's input may be one; the
    worker bypasses RLS, so it checks the owner)."""
    return await conn.fetchrow(
        "select bucket, object_path, content_type from job_outputs "
        "where job_id = $1 and name = $2 and user_id = $3",
        job_id,
        name,
        user_id,
    )


async def reap_expired(conn: Connection) -> list[asyncpg.Record]:
    """Jobs whose worker stopped heartbeating: retry, fail (worker_lost) or finish canceling."""
    return await conn.fetch(
        """
        update jobs set
          status = case
            when status = 'canceling' then 'canceled'
            when attempts >= max_attempts then 'failed'
            else 'queued' end,
          error = case
            when status = 'canceling' then null
            when attempts >= max_attempts then jsonb_build_object(
              'code', 'worker_lost',
              'message', 'the worker running this job stopped responding too many times')
            else jsonb_build_object(
              'code', 'worker_lost', 'message', 'the worker running this job stopped; retrying')
            end,
          finished_at = case
            when status = 'canceling' or attempts >= max_attempts then now() end,
          stage = case
            when status = 'canceling' then 'canceled'
            when attempts >= max_attempts then stage else 'waiting to retry' end,
          run_after = now(), lease_owner = null, lease_expires_at = null
        where status in ('running', 'canceling') and lease_expires_at < now()
        returning id, status
        """
    )
