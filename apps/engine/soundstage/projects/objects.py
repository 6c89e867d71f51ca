"""Content-addressed file storage for projects.

A file is stored once, at ``renders/objects/{sha[0:2]}/{sha}``, however many
commits, projects and users name it. ``stored_objects.refcount`` counts the
``commit_files`` rows naming it (kept by triggers); :func:`collect` removes an
object, row and bytes, only once nothing names it.

Ordering, so no file is ever deleted while named:
* registering (``acquire``) locks the object's row until the transaction ends
  and says whether the bytes must be (re)written: a new row, or one at
  refcount 0 that a collection may have emptied;
* collecting locks unreferenced rows with SKIP LOCKED (a row someone is
  registering is theirs), deletes the rows, then the files, then commits: a
  registration waiting on that lock then finds no row and writes the bytes again.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Sequence
from pathlib import Path

from soundstage.db import Connection, Database
from soundstage.projects import repository as repo
from soundstage.storage import Storage

log = logging.getLogger(__name__)

BUCKET = "renders"
_CHUNK = 1024 * 1024


def object_key(sha256: str) -> str:
    return f"objects/{sha256[:2]}/{sha256}"


def digest(path: Path) -> tuple[str, int]:
    h = hashlib.sha256()
    size = 0
    with path.open("rb") as f:
        while chunk := f.read(_CHUNK):
            h.update(chunk)
            size += len(chunk)
    return h.hexdigest(), size


async def store(
    conn: Connection, storage: Storage, path: Path, content_type: str
) -> tuple[str, int]:
    """Register the file's content inside ``conn``'s transaction, writing its
    bytes if no stored copy can be relied on. Returns (sha256, size)."""
    sha, size = await asyncio.to_thread(digest, path)
    if await repo.acquire_object(conn, sha, BUCKET, object_key(sha), size, content_type):
        await storage.put_file(BUCKET, object_key(sha), path, content_type)
    return sha, size


async def store_known(
    conn: Connection,
    storage: Storage,
    sha: str,
    size: int,
    content_type: str,
    fetch: Sequence[str],
    tmp: Path,
) -> None:
    """Register content whose sha256 the engine already knows (an upload's),
    copying it from ``fetch`` = (bucket, path) only if no stored copy exists."""
    if await repo.acquire_object(conn, sha, BUCKET, object_key(sha), size, content_type):
        target = tmp / sha
        await storage.download(fetch[0], fetch[1], target)
        await storage.put_file(BUCKET, object_key(sha), target, content_type)


async def collect(db: Database, storage: Storage, shas: Sequence[str] | None = None) -> int:
    """Remove the objects (among ``shas``, or all) that nothing names any more;
    how many went. Safe to run at any time, concurrently with anything."""
    async with db.privileged() as conn, conn.transaction():
        rows = await repo.lock_unreferenced(conn, shas)
        if not rows:
            return 0
        await repo.delete_objects(conn, [r["sha256"] for r in rows])
        for r in rows:
            await storage.delete(r["bucket"], r["object_path"])
    log.debug("collected %d unreferenced objects", len(rows))
    return len(rows)
