"""Deleting the stored files of deleted users (and of jobs that vanished).

``soundstage_private.orphaned_objects`` is filled by a trigger on ``auth.users``
(migration 20261204150200) with every object the user's rows named, just
before the rows cascade away. The worker's maintenance loop calls
:func:`sweep`: each object is deleted from storage, then its record. A
storage failure leaves the record for the next pass; deleting an object that
is already gone is not an error.
"""

from __future__ import annotations

import logging

from soundstage.db import Connection, Database
from soundstage.storage import Storage

log = logging.getLogger(__name__)

BATCH = 100


async def take(conn: Connection, limit: int = BATCH) -> list[tuple[int, str, str]]:
    rows = await conn.fetch(
        "select id, bucket, object_path from soundstage_private.orphaned_objects order by id "
        "limit $1",
        limit,
    )
    return [(r["id"], r["bucket"], r["object_path"]) for r in rows]


async def forget(conn: Connection, ids: list[int]) -> None:
    await conn.execute(
        "delete from soundstage_private.orphaned_objects where id = any($1::bigint[])", ids
    )


async def sweep(db: Database, storage: Storage) -> int:
    """One pass; the number of objects deleted."""
    async with db.privileged() as conn:
        batch = await take(conn)
    done: list[int] = []
    for ident, bucket, path in batch:
        try:
            await storage.delete(bucket, path)
        except Exception:  # noqa: BLE001 - left for the next pass
            log.warning("could not delete orphaned object %s/%s; will retry", bucket, path)
            continue
        done.append(ident)
    if done:
        async with db.privileged() as conn:
            await forget(conn, done)
    return len(done)
