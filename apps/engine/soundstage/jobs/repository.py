"""All SQL on the jobs domain's tables (``jobs``, ``job_outputs``,
``job_checkpoints``, ``job_events``, ``job_progress_events``): the one owner of
those tables, as procrastinate's ``manager.py``. The API's services, the
pipelines and the worker call it; none writes SQL of its own on these tables.

Functions take a connection: the caller decides whether it is a user's RLS
transaction (``Database.as_user``) or the worker's privileged one. The queue's
statements (claim to finish) are the worker's, run privileged, and every write
after the claim is fenced by ``lease_owner``: a worker whose lease lapsed (and
whose job another worker may now hold) changes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg

from soundstage.db import Connection

JOB_COLUMNS = """
  j.id, j.user_id, j.kind, j.params, j.status, j.priority, j.progress, j.stage, j.message,
  j.error, j.attempts, j.max_attempts, j.created_at, j.updated_at, j.started_at, j.finished_at,
  j.project
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
    from soundstage.job_outputs o where o.job_id = j.id
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
    project: dict[str, Any] | None = None,
) -> asyncpg.Record | None:
    """Insert a job; ``None`` when the user already used ``idempotency_key``."""
    return await conn.fetchrow(
        f"""
        insert into soundstage.jobs as j (user_id, kind, params, priority, max_attempts,
                               idempotency_key, request_hash, units, project)
        values ($1, $2, $3, $4, $5, $6, $7, $8, $9)
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
        project,
    )


async def get_by_idempotency_key(conn: Connection, key: str) -> asyncpg.Record | None:
    # RLS limits this to the caller's own rows.
    return await conn.fetchrow(
        f"select {JOB_COLUMNS}, j.request_hash from soundstage.jobs j where j.idempotency_key = $1",
        key,
    )


async def get_job(conn: Connection, job_id: UUID) -> asyncpg.Record | None:
    """The job with its ``outputs`` (see WITH_OUTPUTS)."""
    return await conn.fetchrow(
        f"select {JOB_COLUMNS}, o.outputs from soundstage.jobs j {WITH_OUTPUTS} where j.id = $1",
        job_id,
    )


async def get_job_for_update(conn: Connection, job_id: UUID) -> asyncpg.Record | None:
    return await conn.fetchrow(
        f"select {JOB_COLUMNS} from soundstage.jobs j where j.id = $1 for update", job_id
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
        select {JOB_COLUMNS}, o.outputs from soundstage.jobs j {WITH_OUTPUTS}
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
        from soundstage.job_outputs where job_id = any($1::uuid[]) order by job_id, name
        """,
        job_ids,
    )


async def set_status(
    conn: Connection, job_id: UUID, status: str, *, finished: bool
) -> asyncpg.Record | None:
    return await conn.fetchrow(
        f"""
        update soundstage.jobs j set status = $2,
          finished_at = case when $3 then now() else j.finished_at end
        where j.id = $1
        returning {JOB_COLUMNS}
        """,
        job_id,
        status,
        finished,
    )


async def delete_job(conn: Connection, job_id: UUID) -> None:
    await conn.execute("delete from soundstage.jobs where id = $1", job_id)


async def units_this_month(conn: Connection, kind: str) -> int:
    """Units of the caller's jobs of ``kind`` created this calendar month (UTC),
    failed ones excepted (a job that failed cost the user nothing)."""
    n: int = await conn.fetchval(
        """
        select coalesce(sum(units), 0) from soundstage.jobs
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
        "select count(*) from (select 1 from soundstage.jobs where status = 'queued' limit $1) q",
        at_most,
    )
    return n


async def requeue_finished(
    conn: Connection, job_id: UUID, *, params: dict[str, Any] | None = None
) -> asyncpg.Record | None:
    """A finished job queued again from the start of its lifecycle: a user's
    retry, or a regeneration with new ``params`` (the same job; its checkpoints
    are kept, so finished units are not redone)."""
    return await conn.fetchrow(
        f"""
        update soundstage.jobs j set params = coalesce($2, j.params), status = 'queued', attempts
          = 0,
          run_after = now(), progress = 0, stage = 'queued', message = null, error = null,
          finished_at = null, started_at = null
        where j.id = $1
        returning {JOB_COLUMNS}
        """,
        job_id,
        params,
    )


async def get_plan(conn: Connection, job_id: UUID) -> dict[str, Any] | None:
    """What a pipeline recorded as its ``plan`` checkpoint (an audiobook's chunk counts)."""
    data: dict[str, Any] | None = await conn.fetchval(
        "select data from soundstage.job_checkpoints where job_id = $1 and unit = 'plan'", job_id
    )
    return data


async def get_source_job(conn: Connection, job_id: UUID) -> asyncpg.Record | None:
    """A job's status and its outputs (names and content types, by name), in one
    round trip, for a job that takes another's output as input. Under RLS other
    users' jobs and outputs read as missing."""
    return await conn.fetchrow(
        """
        select j.status,
               array(select o.name from soundstage.job_outputs o
                     where o.job_id = j.id order by o.name) as names,
               array(select o.content_type from soundstage.job_outputs o
                     where o.job_id = j.id order by o.name) as content_types
        from soundstage.jobs j where j.id = $1
        """,
        job_id,
    )


async def get_output(conn: Connection, job_id: UUID, name: str) -> asyncpg.Record | None:
    """One output of a job, by name (under RLS: only the caller's own)."""
    return await conn.fetchrow(
        "select bucket, object_path, content_type from soundstage.job_outputs where job_id = $1 "
        "and name = $2",
        job_id,
        name,
    )


# Only the unfinished statuses: their partial indexes keep this cheap however
# long the history grows (finished jobs are counted by the workers' counters).
QUEUE_STATUSES = ("queued", "running", "canceling")


async def queue_depth(conn: Connection) -> dict[str, int]:
    """Jobs per unfinished status, across all users (privileged; for metrics)."""
    rows = await conn.fetch(
        """
        select status, count(*)::int as n from soundstage.jobs
        where status = any($1::text[])
        group by status
        """,
        list(QUEUE_STATUSES),
    )
    found = {r["status"]: int(r["n"]) for r in rows}
    return {status: found.get(status, 0) for status in QUEUE_STATUSES}


async def list_checkpoint_files(conn: Connection, job_id: UUID) -> list[asyncpg.Record]:
    return await conn.fetch(
        "select bucket, object_path from soundstage.job_checkpoints "
        "where job_id = $1 and object_path is not null",
        job_id,
    )


async def count_mine_by_status(conn: Connection) -> dict[str, int]:
    rows = await conn.fetch("select status, count(*) as n from soundstage.jobs group by status")
    return {r["status"]: r["n"] for r in rows}


async def queue_stats(conn: Connection) -> list[asyncpg.Record]:
    return await conn.fetch("select status, jobs, workers from soundstage_private.queue_stats()")


async def queue_positions(conn: Connection) -> list[asyncpg.Record]:
    return await conn.fetch(
        """
        select p.job_id, p.ahead, j.kind
        from soundstage_private.queue_positions() p join soundstage.jobs j on j.id = p.job_id
        order by p.ahead
        """
    )


async def recent_durations(conn: Connection) -> dict[str, float]:
    rows = await conn.fetch("select kind, avg_seconds from soundstage_private.recent_durations()")
    return {r["kind"]: float(r["avg_seconds"]) for r in rows}


async def events_after(
    conn: Connection, job_id: UUID, after_id: int, limit: int = 500
) -> list[asyncpg.Record]:
    # Progress rows live apart from status and output rows (only the latter are
    # published to Realtime); one sequence numbers both, so the union in id
    # order is the job's stream.
    return await conn.fetch(
        """
        (select id, type, data from soundstage.job_events
         where job_id = $1 and id > $2 order by id limit $3)
        union all
        (select id, 'progress', data from soundstage.job_progress_events
         where job_id = $1 and id > $2 order by id limit $3)
        order by id limit $3
        """,
        job_id,
        after_id,
        limit,
    )


async def get_status(conn: Connection, job_id: UUID) -> str | None:
    status: str | None = await conn.fetchval(
        "select status from soundstage.jobs where id = $1", job_id
    )
    return status


# --- the queue: the worker's statements (privileged, fenced by lease_owner) ---

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
    kinds: Sequence[str] | None = None,
    exclude_kinds: Sequence[str] = (),
) -> list[asyncpg.Record]:
    """Claim up to ``limit`` runnable jobs, fairly across users.

    ``kinds`` (None: all) and ``exclude_kinds`` route a worker pool to some job
    kinds. Fairness and the per-user cap hold across pools: the claims of all
    pools take the same advisory lock, and a user's running jobs are counted
    over every kind, so a user at the cap waits whichever pool would run them.

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
              (select user_id from soundstage.jobs where status = 'queued' order by user_id limit 1)
              union all
              select (select j.user_id from soundstage.jobs j
                      where j.status = 'queued' and j.user_id > u.user_id
                      order by j.user_id limit 1)
              from users u where u.user_id is not null
            ),
            running as (
              select user_id, count(*) as n from soundstage.jobs
              where status in ('running', 'canceling') group by user_id
            ),
            candidates as (
              select c.*, coalesce(r.n, 0) as n_running
              from users u
              left join running r on r.user_id = u.user_id
              cross join lateral (
                select j.id, j.user_id, j.status, j.priority, j.run_after, j.created_at
                from soundstage.jobs j
                where j.user_id = u.user_id and j.status = 'queued' and j.run_after <= now()
                  and ($5::text[] is null or j.kind = any($5::text[]))
                  and not (j.kind = any($6::text[]))
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
            update soundstage.jobs j
            set status = 'running', attempts = j.attempts + 1, lease_owner = $1,
                lease_expires_at = now() + make_interval(secs => $2),
                started_at = coalesce(j.started_at, now()), stage = 'starting', error = null
            from picked
            -- still queued: a job canceled since this statement's snapshot is
            -- re-read here and skipped (a join clause, not `= 'queued'`, so
            -- the planner keeps the primary-key lookup)
            where j.id = picked.id and j.status = picked.status
            returning j.id, j.user_id, j.kind, j.params, j.attempts, j.max_attempts, j.project
            """,
            worker_id,
            lease_seconds,
            limit,
            max_running_per_user,
            list(kinds) if kinds is not None else None,
            list(exclude_kinds),
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
        update soundstage.jobs set lease_expires_at = now() + make_interval(secs => $3),
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
        "select status from soundstage.jobs where id = $1 and lease_owner = $2 "
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
        update soundstage.jobs set status = $3,
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
        update soundstage.jobs j set
          -- A cancel that arrived after the pipeline's last tick but before this
          -- write still wins: the user was told 'canceling', so the job ends
          -- 'canceled', never 'succeeded' (a short tone job raced it every time).
          status = case when j.status = 'canceling' then 'canceled' else 'succeeded' end,
          progress = case when j.status = 'canceling' then j.progress else 100 end,
          stage = case when j.status = 'canceling' then 'canceled'
                       else coalesce(done.stage, j.stage) end,
          error = null, finished_at = now(),
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


async def release_for_retry(
    conn: Connection,
    job_id: UUID,
    worker_id: str,
    *,
    delay_seconds: float,
    error: dict[str, Any] | None,
    count_attempt: bool,
) -> bool:
    """A running job back to ``queued`` after a failed attempt (or at shutdown:
    ``count_attempt=False`` gives the attempt back), fenced by its lease."""
    result = await conn.execute(
        """
        update soundstage.jobs set status = 'queued', run_after = now() + make_interval(secs => $3),
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
        insert into soundstage.job_outputs (job_id, user_id, name, content_type, bytes, bucket,
          object_path)
        select $1, $2, $4, $5, $6, $7, $8
        where exists (select 1 from soundstage.jobs where id = $1 and lease_owner = $3)
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
        insert into soundstage.job_checkpoints (job_id, user_id, unit, data, bucket, object_path,
          bytes)
        select $1, $2, $4, $5, $6, $7, $8
        where exists (select 1 from soundstage.jobs where id = $1 and lease_owner = $3)
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
        "select unit, data, bucket, object_path, bytes from soundstage.job_checkpoints "
        "where job_id = $1 order by created_at",
        job_id,
    )


async def delete_checkpoints(conn: Connection, job_id: UUID) -> list[asyncpg.Record]:
    return await conn.fetch(
        "delete from soundstage.job_checkpoints where job_id = $1 returning bucket, object_path",
        job_id,
    )


async def reap_expired(conn: Connection) -> list[asyncpg.Record]:
    """Jobs whose worker stopped heartbeating: retry, fail (worker_lost) or finish canceling."""
    return await conn.fetch(
        """
        update soundstage.jobs set
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


async def user_events_after(
    conn: Connection, after_id: int, limit: int = 500
) -> list[asyncpg.Record]:
    """The caller's job events after ``after_id`` (RLS: their own), oldest first:
    the job half of ``GET /v1/events``."""
    return await conn.fetch(
        """
        (select id, job_id, type, data from soundstage.job_events
         where user_id = (select auth.uid()) and id > $1 order by id limit $2)
        union all
        (select id, job_id, 'progress', data from soundstage.job_progress_events
         where user_id = (select auth.uid()) and id > $1 order by id limit $2)
        order by id limit $2
        """,
        after_id,
        limit,
    )


async def last_event_id(conn: Connection) -> int:
    last: int | None = await conn.fetchval(
        "select greatest((select max(id) from soundstage.job_events), "
        "(select max(id) from soundstage.job_progress_events))"
    )
    return last or 0


async def job_exists(conn: Connection, job_id: UUID) -> bool:
    """Whether the job's row is still there (a user's deletion cascades to it)."""
    return bool(
        await conn.fetchval("select exists (select 1 from soundstage.jobs where id = $1)", job_id)
    )
