"""All SQL of the music domain (run under the caller's RLS)."""

from __future__ import annotations

from uuid import UUID

import asyncpg

from soundstage.db import Connection


async def get_source_job(conn: Connection, job_id: UUID) -> asyncpg.Record | None:
    """A job's status and its outputs (names and content types, by name), in one
    round trip. RLS hides other users' jobs and outputs: theirs read as missing."""
    return await conn.fetchrow(
        """
        select j.status,
               array(select o.name from job_outputs o
                     where o.job_id = j.id order by o.name) as names,
               array(select o.content_type from job_outputs o
                     where o.job_id = j.id order by o.name) as content_types
        from jobs j where j.id = $1
        """,
        job_id,
    )
