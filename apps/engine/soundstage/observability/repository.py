"""The SQL behind metrics that are computed at scrape time."""

from __future__ import annotations

from soundstage.db.database import Connection

# Only the unfinished statuses: their partial indexes keep this cheap however
# long the history grows (finished jobs are counted by the workers' counters).
QUEUE_STATUSES = ("queued", "running", "canceling")


async def queue_depth(conn: Connection) -> dict[str, int]:
    rows = await conn.fetch(
        """
        select status, count(*)::int as n from public.jobs
        where status = any($1::text[])
        group by status
        """,
        list(QUEUE_STATUSES),
    )
    found = {r["status"]: int(r["n"]) for r in rows}
    return {status: found.get(status, 0) for status in QUEUE_STATUSES}
