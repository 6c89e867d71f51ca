"""All SQL of the audiobooks domain's own table, ``manuscript_stats`` (what a
parse of an uploaded manuscript found, so admission need not parse again).
Jobs, their plans and checkpoints are the jobs domain's (jobs/repository.py)."""

from __future__ import annotations

from uuid import UUID

from soundstage.db import Connection


async def chapter_characters(conn: Connection, upload_id: UUID) -> list[int] | None:
    """The stored per-chapter character counts of a parsed manuscript upload."""
    counts: list[int] | None = await conn.fetchval(
        "select chapter_characters from soundstage.manuscript_stats where upload_id = $1", upload_id
    )
    return counts


async def save_chapter_characters(conn: Connection, upload_id: UUID, counts: list[int]) -> None:
    """Privileged: what a parse found, for admissions that follow (the owner is
    the upload's)."""
    await conn.execute(
        """
        insert into soundstage.manuscript_stats (upload_id, user_id, chapter_characters)
        select id, user_id, $2 from soundstage.uploads where id = $1
        on conflict (upload_id) do update set chapter_characters = excluded.chapter_characters
        """,
        upload_id,
        counts,
    )
