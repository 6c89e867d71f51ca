"""All SQL of the audiobooks domain (jobs are the jobs domain's; this is what
audiobooks add on top: regeneration and the stored plan)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import asyncpg

from soundstage.db import Connection
from soundstage.jobs.repository import JOB_COLUMNS


async def get_plan(conn: Connection, job_id: UUID) -> dict[str, Any] | None:
    """The chunk counts the pipeline recorded for a job (its ``plan`` checkpoint)."""
    data: dict[str, Any] | None = await conn.fetchval(
        "select data from job_checkpoints where job_id = $1 and unit = 'plan'", job_id
    )
    return data


async def requeue_with_params(
    conn: Connection, job_id: UUID, params: dict[str, Any]
) -> asyncpg.Record | None:
    """Queue a finished job again with new params (the same job, its checkpoints kept)."""
    return await conn.fetchrow(
        f"""
        update jobs j set params = $2, status = 'queued', attempts = 0, run_after = now(),
          progress = 0, stage = 'queued', message = null, error = null, finished_at = null
        where j.id = $1
        returning {JOB_COLUMNS}
        """,
        job_id,
        params,
    )
