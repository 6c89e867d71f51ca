"""All SQL of the projects domain: projects, commits, commit_files, branches,
project_members, project_events and stored_objects.

Functions take a connection: a user's RLS transaction (the policies decide
what is visible, through ``soundstage_private.project_level``) or the
worker's privileged one, where the caller passes the user whose access counts.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg

from soundstage.db import Connection

PROJECT_COLUMNS = """
  p.id, p.owner_id, p.name, p.description, p.genre, p.visibility, p.link_token,
  p.default_branch, p.forked_from_project, p.forked_from_commit, p.created_at, p.updated_at
"""
COMMIT_COLUMNS = """
  c.id, c.project_id, c.parent_id, c.second_parent_id, c.author_id, c.message, c.bpm,
  c.key_signature, c.params, c.job_id, c.created_at, c.seq
"""
FILE_COLUMNS = (
    "f.commit_id, f.role, f.name, f.sha256, f.bytes, f.content_type, f.duration_s, f.params"
)


# ------------------------------------------------------------------ access


async def use_link_token(conn: Connection, token: str) -> None:
    """Present an unlisted project's link token for the rest of this transaction."""
    await conn.execute("select set_config('soundstage.link_token', $1, true)", token)


async def access_level(conn: Connection, project_id: UUID, user_id: UUID) -> int:
    level: int = await conn.fetchval(
        "select soundstage_private.project_level($1, $2)", project_id, user_id
    )
    return level


async def user_id_by_email(conn: Connection, email: str) -> UUID | None:
    found: UUID | None = await conn.fetchval(
        "select soundstage_private.user_id_by_email($1)", email
    )
    return found


# ---------------------------------------------------------------- projects


async def insert_project(
    conn: Connection,
    *,
    owner_id: UUID,
    name: str,
    description: str,
    genre: str,
    visibility: str,
    default_branch: str,
    forked_from_project: UUID | None = None,
    forked_from_commit: UUID | None = None,
    project_id: UUID | None = None,
) -> asyncpg.Record:
    row = await conn.fetchrow(
        f"""
        insert into soundstage.projects as p (id, owner_id, name, description, genre, visibility,
                                   default_branch, forked_from_project, forked_from_commit)
        values (coalesce($1, gen_random_uuid()), $2, $3, $4, $5, $6, $7, $8, $9)
        returning {PROJECT_COLUMNS}, 3 as level
        """,
        project_id,
        owner_id,
        name,
        description,
        genre,
        visibility,
        default_branch,
        forked_from_project,
        forked_from_commit,
    )
    assert row is not None
    return row


async def get_project(
    conn: Connection, project_id: UUID, user_id: UUID, *, for_update: bool = False
) -> asyncpg.Record | None:
    """The project with the user's access ``level``; None when invisible to them."""
    lock = "for update" if for_update else ""
    return await conn.fetchrow(
        f"""
        select {PROJECT_COLUMNS}, soundstage_private.project_level(p.id, $2) as level
        from soundstage.projects p where p.id = $1 {lock}
        """,
        project_id,
        user_id,
    )


async def list_projects(
    conn: Connection,
    *,
    scope: str,
    user_id: UUID,
    before: tuple[datetime, UUID] | None,
    limit: int,
) -> list[asyncpg.Record]:
    """A page, newest first: the user's own projects, those shared with them
    (member of), or every public one."""
    if scope == "mine":
        where = "p.owner_id = $1"
    elif scope == "shared":
        where = (
            "p.id in (select m.project_id from soundstage.project_members m where m.user_id = $1)"
        )
    else:
        where = "p.visibility = 'public' and $1::uuid is not null"
    return await conn.fetch(
        f"""
        select {PROJECT_COLUMNS}, soundstage_private.project_level(p.id, $1) as level
        from soundstage.projects p
        where {where}
          and ($2::timestamptz is null or (p.created_at, p.id) < ($2, $3::uuid))
        order by p.created_at desc, p.id desc
        limit $4
        """,
        user_id,
        before[0] if before else None,
        before[1] if before else None,
        limit,
    )


async def update_project(
    conn: Connection, project_id: UUID, user_id: UUID, changes: dict[str, Any]
) -> asyncpg.Record | None:
    allowed = {"name", "description", "genre", "visibility", "default_branch"}
    sets = [f"{col} = ${i}" for i, col in enumerate(changes, start=3) if col in allowed]
    if changes.pop("rotate_link_token", False):
        sets.append(
            "link_token = replace(gen_random_uuid()::text, '-', '') "
            "|| replace(gen_random_uuid()::text, '-', '')"
        )
    values = [v for k, v in changes.items() if k in allowed]
    if not sets:
        return await get_project(conn, project_id, user_id)
    return await conn.fetchrow(
        f"""
        update soundstage.projects p set {", ".join(sets)} where p.id = $1
        returning {PROJECT_COLUMNS}, soundstage_private.project_level(p.id, $2) as level
        """,
        project_id,
        user_id,
        *values,
    )


async def delete_project(conn: Connection, project_id: UUID) -> list[str] | None:
    """Delete a project and everything in it; the objects its files named (to
    collect afterwards), or None if the caller may not delete it.

    The files go first in one statement, so their objects are released in one
    sorted pass (the cascade would release them commit by commit)."""
    allowed = await conn.fetchval(
        "select true from soundstage.projects where id = $1 and owner_id = (select auth.uid()) "
        "for update",
        project_id,
    )
    if not allowed:
        return None
    shas = await conn.fetch(
        "delete from soundstage.commit_files where project_id = $1 returning sha256", project_id
    )
    await conn.execute("delete from soundstage.projects where id = $1", project_id)
    return sorted({r["sha256"] for r in shas})


# ----------------------------------------------------------------- commits


async def insert_commit(
    conn: Connection,
    *,
    project_id: UUID,
    parent_id: UUID | None,
    second_parent_id: UUID | None,
    author_id: UUID,
    message: str,
    bpm: int | None,
    key_signature: str | None,
    params: dict[str, Any],
    job_id: UUID | None,
) -> asyncpg.Record | None:
    """None when ``job_id`` already made a commit (a job retried after a lost lease)."""
    return await conn.fetchrow(
        f"""
        insert into soundstage.commits as c (project_id, parent_id, second_parent_id, author_id,
          message,
                                  bpm, key_signature, params, job_id)
        values ($1, $2, $3, $4, $5, $6, $7, $8, $9)
        on conflict (job_id) do nothing
        returning {COMMIT_COLUMNS}
        """,
        project_id,
        parent_id,
        second_parent_id,
        author_id,
        message,
        bpm,
        key_signature,
        params,
        job_id,
    )


async def get_commit(conn: Connection, project_id: UUID, commit_id: UUID) -> asyncpg.Record | None:
    return await conn.fetchrow(
        f"select {COMMIT_COLUMNS} from soundstage.commits c where c.project_id = $1 and c.id = $2",
        project_id,
        commit_id,
    )


async def get_commit_any_project(conn: Connection, commit_id: UUID) -> asyncpg.Record | None:
    """A commit by id alone (the compatibility API names commits without their project)."""
    return await conn.fetchrow(
        f"select {COMMIT_COLUMNS} from soundstage.commits c where c.id = $1", commit_id
    )


async def commit_by_job(conn: Connection, job_id: UUID) -> asyncpg.Record | None:
    return await conn.fetchrow(
        f"select {COMMIT_COLUMNS} from soundstage.commits c where c.job_id = $1", job_id
    )


async def list_commits(conn: Connection, project_id: UUID) -> list[asyncpg.Record]:
    """Every commit of a project, oldest first (the history graph)."""
    return await conn.fetch(
        """
        select c.id, c.parent_id, c.second_parent_id, c.author_id, c.message, c.bpm,
               c.key_signature, c.created_at
        from soundstage.commits c where c.project_id = $1 order by c.seq
        """,
        project_id,
    )


async def list_files(conn: Connection, commit_ids: Sequence[UUID]) -> list[asyncpg.Record]:
    """Files of the commits, by commit and role. Their storage location follows
    from the sha256 (the request role does not read stored_objects)."""
    return await conn.fetch(
        f"""
        select {FILE_COLUMNS} from soundstage.commit_files f
        where f.commit_id = any($1::uuid[]) order by f.commit_id, f.role
        """,
        list(commit_ids),
    )


async def insert_files(
    conn: Connection, project_id: UUID, commit_id: UUID, files: Sequence[dict[str, Any]]
) -> None:
    """One statement for all of a commit's files: one pass over the reference counts."""
    if not files:
        return
    await conn.execute(
        """
        insert into soundstage.commit_files (commit_id, project_id, role, sha256, name, bytes,
                                  content_type, duration_s, params)
        select $1, $2, x.role, x.sha256, x.name, x.bytes, x.content_type, x.duration_s, x.params
        from jsonb_to_recordset($3::jsonb) as x(role text, sha256 text, name text, bytes bigint,
             content_type text, duration_s double precision, params jsonb)
        """,
        commit_id,
        project_id,
        list(files),
    )


# ---------------------------------------------------------------- branches


async def list_branches(conn: Connection, project_id: UUID) -> list[asyncpg.Record]:
    return await conn.fetch(
        "select name, head_id, updated_at from soundstage.branches where project_id = $1 order "
        "by name",
        project_id,
    )


async def get_branch_for_update(
    conn: Connection, project_id: UUID, name: str
) -> asyncpg.Record | None:
    """The branch row, locked: two commits racing onto one branch go one after
    the other, and the second sees the first as its parent."""
    return await conn.fetchrow(
        "select name, head_id, updated_at from soundstage.branches "
        "where project_id = $1 and name = $2 for update",
        project_id,
        name,
    )


async def insert_branch(
    conn: Connection, project_id: UUID, name: str, head_id: UUID | None
) -> asyncpg.Record | None:
    """None when a branch of that name exists."""
    return await conn.fetchrow(
        """
        insert into soundstage.branches (project_id, name, head_id) values ($1, $2, $3)
        on conflict (project_id, name) do nothing
        returning name, head_id, updated_at
        """,
        project_id,
        name,
        head_id,
    )


async def move_branch(
    conn: Connection, project_id: UUID, name: str, head_id: UUID
) -> asyncpg.Record | None:
    return await conn.fetchrow(
        """
        update soundstage.branches set head_id = $3 where project_id = $1 and name = $2
        returning name, head_id, updated_at
        """,
        project_id,
        name,
        head_id,
    )


async def delete_branch(conn: Connection, project_id: UUID, name: str) -> bool:
    result: str = await conn.execute(
        "delete from soundstage.branches where project_id = $1 and name = $2", project_id, name
    )
    return result.endswith(" 1")


# -------------------------------------------------------------------- fork


async def copy_history(conn: Connection, source_id: UUID, target_id: UUID, commit_id: UUID) -> int:
    """Copy ``commit_id`` and its ancestors, with their files, into the fork
    (one access check, set-based statements: soundstage_private.copy_history).
    The files name the same stored objects: no bytes are copied, reference
    counts go up. Returns how many commits were copied."""
    copied: int = await conn.fetchval(
        "select soundstage_private.copy_history($1, $2, $3)", source_id, target_id, commit_id
    )
    return copied


def fork_head(target_id: UUID, commit_id: UUID) -> UUID:
    """The id the fork gave its copy of ``commit_id``: Postgres's
    ``md5(target::text || commit::text)::uuid``, as copy_history computes it."""
    return UUID(hashlib.md5(f"{target_id}{commit_id}".encode(), usedforsecurity=False).hexdigest())


# ----------------------------------------------------------------- members


async def list_members(conn: Connection, project_id: UUID) -> list[asyncpg.Record]:
    return await conn.fetch(
        "select user_id, role, created_at from soundstage.project_members where project_id = $1 "
        "order by created_at, user_id",
        project_id,
    )


async def upsert_member(
    conn: Connection, project_id: UUID, user_id: UUID, role: str, invited_by: UUID
) -> asyncpg.Record | None:
    return await conn.fetchrow(
        """
        insert into soundstage.project_members (project_id, user_id, role, invited_by)
        values ($1, $2, $3, $4)
        on conflict (project_id, user_id) do update set role = excluded.role
        returning user_id, role, created_at
        """,
        project_id,
        user_id,
        role,
        invited_by,
    )


async def update_member(
    conn: Connection, project_id: UUID, user_id: UUID, role: str
) -> asyncpg.Record | None:
    return await conn.fetchrow(
        "update soundstage.project_members set role = $3 where project_id = $1 and user_id = $2 "
        "returning user_id, role, created_at",
        project_id,
        user_id,
        role,
    )


async def delete_member(conn: Connection, project_id: UUID, user_id: UUID) -> bool:
    result: str = await conn.execute(
        "delete from soundstage.project_members where project_id = $1 and user_id = $2",
        project_id,
        user_id,
    )
    return result.endswith(" 1")


# ------------------------------------------------------------------ events


async def insert_event(
    conn: Connection, project_id: UUID, actor_id: UUID, type_: str, data: dict[str, Any]
) -> None:
    await conn.execute(
        "insert into soundstage.project_events (project_id, actor_id, type, data) values ($1, "
        "$2, $3, $4)",
        project_id,
        actor_id,
        type_,
        data,
    )


async def events_after(
    conn: Connection, user_id: UUID, last_id: int, limit: int
) -> list[asyncpg.Record]:
    """Events of the projects the user owns or is a member of (not of every
    public project they could read), oldest first."""
    return await conn.fetch(
        """
        select e.id, e.project_id, e.actor_id, e.type, e.data, e.created_at
        from soundstage.project_events e
        where e.id > $2
          and e.project_id in (select id from soundstage.projects where owner_id = $1
                               union all
                               select project_id from soundstage.project_members where user_id = $1)
        order by e.id
        limit $3
        """,
        user_id,
        last_id,
        limit,
    )


async def last_event_id(conn: Connection) -> int:
    last: int | None = await conn.fetchval("select max(id) from soundstage.project_events")
    return last or 0


# --------------------------------------------------------- stored objects


async def acquire_object(
    conn: Connection, sha256: str, bucket: str, path: str, size: int, content_type: str
) -> bool:
    """Register (or lock) an object until this transaction ends; True if it is
    new, so its bytes must be stored before the transaction commits."""
    created: bool = await conn.fetchval(
        "select soundstage_private.acquire_object($1, $2, $3, $4, $5)",
        sha256,
        bucket,
        path,
        size,
        content_type,
    )
    return created


async def lock_unreferenced(conn: Connection, shas: Sequence[str] | None) -> list[asyncpg.Record]:
    """Privileged: objects no commit names any more (among ``shas``, or all),
    locked; rows another transaction holds are skipped (it is using them)."""
    return await conn.fetch(
        """
        select sha256, bucket, object_path from soundstage_private.stored_objects
        where refcount = 0 and ($1::text[] is null or sha256 = any($1::text[]))
        order by sha256
        for update skip locked
        """,
        list(shas) if shas is not None else None,
    )


async def delete_objects(conn: Connection, shas: Sequence[str]) -> None:
    await conn.execute(
        "delete from soundstage_private.stored_objects where sha256 = any($1::text[]) and "
        "refcount = 0",
        list(shas),
    )


async def object_refcounts(conn: Connection, shas: Sequence[str]) -> dict[str, int]:
    """Privileged (tests and maintenance): the stored reference counts."""
    rows = await conn.fetch(
        "select sha256, refcount from soundstage_private.stored_objects where sha256 = "
        "any($1::text[])",
        list(shas),
    )
    return {r["sha256"]: r["refcount"] for r in rows}


async def true_refcounts(conn: Connection, shas: Sequence[str]) -> dict[str, int]:
    """Privileged: the references actually present, to check the counts against."""
    rows = await conn.fetch(
        "select sha256, count(*)::int as n from soundstage.commit_files where sha256 = "
        "any($1::text[]) "
        "group by sha256",
        list(shas),
    )
    return {r["sha256"]: r["n"] for r in rows}
