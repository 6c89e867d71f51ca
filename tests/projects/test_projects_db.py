"""The projects schema at the database itself: RLS for every role and
visibility (as the frontend's `authenticated` and the engine's
`soundstage_api`), reference counts under concurrent forks and deletes, and a
fork of a 500-commit, 2,000-file project in one transaction."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from types import MappingProxyType

import asyncpg
import pytest

from soundstage.auth.tokens import Principal
from soundstage.engine import Engine
from soundstage.errors import NotFound
from soundstage.projects import objects
from soundstage.projects import repository as repo
from soundstage.projects.schemas import ForkCreate
from soundstage.projects.service import ProjectService
from support import User

MakeUser = Callable[[], Awaitable[User]]


def principal(user: User) -> Principal:
    claims = {"sub": str(user.id), "email": user.email, "role": "authenticated",
              "exp": int(time.time()) + 600}  # fmt: skip
    return Principal(user_id=user.id, email=user.email, claims=MappingProxyType(claims))


@contextlib.asynccontextmanager
async def acting(
    conn: asyncpg.Connection, role: str, user: User | None, token: str | None = None
) -> AsyncIterator[asyncpg.Connection]:
    """As Database.as_user does: role and claims local to one transaction (rolled back)."""
    tx = conn.transaction()
    await tx.start()
    try:
        claims = json.dumps({"sub": str(user.id), "role": "authenticated"}) if user else ""
        await conn.execute(
            "select set_config('role', $1, true), set_config('request.jwt.claims', $2, true), "
            "set_config('soundstage.link_token', $3, true)",
            role,
            claims,
            token or "",
        )
        yield conn
    finally:
        await tx.rollback()


async def seed_project(
    conn: asyncpg.Connection,
    owner: uuid.UUID,
    *,
    commits: int,
    files_per_commit: int,
    visibility: str = "private",
    shas: list[str] | None = None,
) -> uuid.UUID:
    """A linear history written straight into the tables (privileged), each
    commit with its own objects (no bytes: these objects are rows only)."""
    pid = await conn.fetchval(
        "insert into soundstage.projects (owner_id, name, visibility) values ($1, 'seeded', $2) "
        "returning id",
        owner,
        visibility,
    )
    n_files = commits * files_per_commit
    own = shas or [uuid.uuid4().hex + uuid.uuid4().hex for _ in range(n_files)]
    await conn.execute(
        """
        insert into soundstage_private.stored_objects (sha256, bucket, object_path, bytes,
          content_type)
        select s, 'renders', 'objects/' || left(s, 2) || '/' || s, 1000, 'audio/wav'
        from unnest($1::text[]) s on conflict do nothing
        """,
        own,
    )
    await conn.execute(
        """
        insert into soundstage.commits (id, project_id, parent_id, author_id, message, bpm)
        select md5($1::uuid::text || i)::uuid, $1::uuid,
               case when i = 1 then null else md5($1::uuid::text || (i - 1))::uuid end,
               $2, 'commit ' || i, 120
        from generate_series(1, $3) i order by i
        """,
        pid,
        owner,
        commits,
    )
    await conn.execute(
        """
        insert into soundstage.commit_files (commit_id, project_id, role, sha256, name, bytes,
          content_type)
        select md5($1::uuid::text || (1 + (k - 1) / $3))::uuid, $1::uuid,
               'r' || ((k - 1) % $3), ($2::text[])[k], 'f.wav', 1000, 'audio/wav'
        from generate_series(1, $4) k
        """,
        pid,
        own,
        files_per_commit,
        n_files,
    )
    await conn.execute(
        "insert into soundstage.branches (project_id, name, head_id) "
        "values ($1, 'main', md5($1::uuid::text || $2::int)::uuid)",
        pid,
        commits,
    )
    return pid


# ----------------------------------------------------------------- RLS


async def test_rls_every_role_and_visibility(dsn: str, make_user: MakeUser) -> None:
    owner, viewer, editor, stranger = [await make_user() for _ in range(4)]
    conn = await asyncpg.connect(dsn)
    try:
        pid = await seed_project(conn, owner.id, commits=2, files_per_commit=1)
        token = await conn.fetchval("select link_token from soundstage.projects where id = $1", pid)
        await conn.execute(
            "insert into soundstage.project_members (project_id, user_id, role) values ($1, $2, "
            "'viewer'), "
            "($1, $3, 'editor')",
            pid,
            viewer.id,
            editor.id,
        )

        async def sees(role: str, user: User, tok: str | None = None) -> dict[str, int]:
            async with acting(conn, role, user, tok) as c:
                return {
                    t: await c.fetchval(
                        f"select count(*) from soundstage.{t} where project_id = $1", pid
                    )
                    for t in ("commits", "commit_files", "branches", "project_members")
                } | {
                    "projects": await c.fetchval(
                        "select count(*) from soundstage.projects where id = $1", pid
                    )
                }

        everything = {"commits": 2, "commit_files": 2, "branches": 1, "project_members": 2,
                      "projects": 1}  # fmt: skip
        nothing = dict.fromkeys(everything, 0)
        for role in ("authenticated", "soundstage_api"):
            assert await sees(role, owner) == everything
            assert await sees(role, viewer) == everything
            assert await sees(role, editor) == everything
            assert await sees(role, stranger) == nothing
            # a wrong token is no token
            assert await sees(role, stranger, "0" * 64) == nothing

        await conn.execute(
            "update soundstage.projects set visibility = 'unlisted' where id = $1", pid
        )
        assert await sees("authenticated", stranger) == nothing
        assert await sees("authenticated", stranger, token) == everything
        await conn.execute(
            "update soundstage.projects set visibility = 'public' where id = $1", pid
        )
        assert await sees("authenticated", stranger) == everything

        # the frontend never reads the link token, nor the objects table
        async with acting(conn, "authenticated", owner) as c:
            with pytest.raises(asyncpg.InsufficientPrivilegeError):
                await c.fetchval("select link_token from soundstage.projects where id = $1", pid)
        for role in ("authenticated", "soundstage_api"):
            async with acting(conn, role, owner) as c:
                with pytest.raises(asyncpg.InsufficientPrivilegeError):
                    await c.fetchval("select count(*) from soundstage_private.stored_objects")
            async with acting(conn, "authenticated", owner) as c:
                with pytest.raises(asyncpg.InsufficientPrivilegeError):
                    await c.execute(
                        "insert into soundstage.branches (project_id, name) values ($1, 'x')", pid
                    )

        # writes by role, as the engine's request role
        async def can_branch(user: User) -> bool:
            async with acting(conn, "soundstage_api", user) as c:
                try:
                    await c.execute(
                        "insert into soundstage.branches (project_id, name) values ($1, 'x')", pid
                    )
                except asyncpg.InsufficientPrivilegeError:
                    return False
                return True

        async def can_rename(user: User) -> bool:
            async with acting(conn, "soundstage_api", user) as c:
                done = await c.execute(
                    "update soundstage.projects set name = 'y' where id = $1", pid
                )
                return str(done) == "UPDATE 1"

        async def can_invite(user: User) -> bool:
            async with acting(conn, "soundstage_api", user) as c:
                try:
                    await c.execute(
                        "insert into soundstage.project_members (project_id, user_id, role) "
                        "values ($1, $2, 'viewer')",
                        pid,
                        stranger.id,
                    )
                except asyncpg.InsufficientPrivilegeError:
                    return False
                return True

        assert [await can_branch(u) for u in (owner, editor, viewer, stranger)] == [
            True, True, False, False]  # fmt: skip
        assert [await can_rename(u) for u in (owner, editor, viewer, stranger)] == [
            True, False, False, False]  # fmt: skip
        assert [await can_invite(u) for u in (owner, editor, viewer, stranger)] == [
            True, False, False, False]  # fmt: skip

        # promoted to owner: owner powers at once; removed: nothing at once
        await conn.execute(
            "update soundstage.projects set visibility = 'private' where id = $1", pid
        )
        await conn.execute(
            "update soundstage.project_members set role = 'owner' where project_id = $1 and "
            "user_id = $2",
            pid,
            viewer.id,
        )
        assert await can_rename(viewer)
        await conn.execute(
            "delete from soundstage.project_members where project_id = $1 and user_id = $2",
            pid,
            viewer.id,
        )
        assert await sees("authenticated", viewer) == nothing
        assert not await can_branch(viewer)

        # the policies use indexes and one evaluation of auth.uid() per statement
        plan = await conn.fetchval(
            "select pg_get_functiondef('soundstage_private.project_level(uuid,uuid)'::regprocedure)"
        )
        assert "security definer" in plan.lower().replace("\n", " ") or "SECURITY DEFINER" in plan
        assert "search_path" in plan
        policies = await conn.fetch(
            "select qual, with_check from pg_policies where tablename in "
            "('projects','commits','commit_files','branches','project_members','project_events')"
        )
        for p in policies:
            text = f"{p['qual'] or ''} {p['with_check'] or ''}"
            assert "auth.uid()" not in text.replace("( SELECT auth.uid() AS uid)", "")
    finally:
        await conn.close()


# ---------------------------------------------------------- refcounts


async def _assert_counts_true(conn: asyncpg.Connection, shas: list[str]) -> None:
    stored = await repo.object_refcounts(conn, shas)
    true = await repo.true_refcounts(conn, shas)
    for sha in shas:
        if sha in stored:
            assert stored[sha] == true.get(sha, 0), sha
        else:
            assert true.get(sha, 0) == 0, f"{sha} named by a commit but its object is gone"


async def test_refcounts_under_concurrent_forks_and_deletes(
    engine: Engine, dsn: str, make_user: MakeUser, tmp_path_factory: pytest.TempPathFactory
) -> None:
    service = ProjectService(engine)
    owner = await make_user()
    forkers = [await make_user() for _ in range(4)]
    conn = await asyncpg.connect(dsn)
    try:
        # real objects, with bytes in storage, shared by two projects
        tmp = tmp_path_factory.mktemp("objs")
        blobs = []
        for i in range(6):
            blobs.append(tmp / f"{i}.bin")
            blobs[-1].write_bytes(f"object {i} {uuid.uuid4()}".encode())
        shas: list[str] = []
        for _round in range(3):
            # (re)registered with their bytes: the last round's deletes collected them
            shas = []
            for f in blobs:
                async with engine.db.privileged() as c, c.transaction():
                    sha, _ = await objects.store(c, engine.storage, f, "audio/wav")
                shas.append(sha)
            a = await seed_project(conn, owner.id, commits=5, files_per_commit=2,
                                   visibility="public", shas=shas + shas[:4])  # fmt: skip
            b = await seed_project(conn, owner.id, commits=3, files_per_commit=2,
                                   visibility="public", shas=shas)  # fmt: skip
            await _assert_counts_true(conn, shas)

            async def fork(user: User, pid: uuid.UUID) -> uuid.UUID | None:
                try:
                    made = await service.fork(principal(user), pid, ForkCreate())
                except NotFound:
                    return None  # the source was deleted first: a clean refusal
                return made.id

            async def delete(pid: uuid.UUID) -> None:
                await service.delete(principal(owner), pid)

            results = await asyncio.gather(
                *(fork(u, a) for u in forkers[:2]),
                delete(a),
                *(fork(u, b) for u in forkers[2:]),
                delete(b),
            )
            forks = [r for r in results if isinstance(r, uuid.UUID)]
            await _assert_counts_true(conn, shas)
            # every object still named has its bytes
            named = await repo.true_refcounts(conn, shas)
            for sha in named:
                assert await engine.storage.exists(objects.BUCKET, objects.object_key(sha))
            # now delete the forks, concurrently
            owners = {r["id"]: r["owner_id"] for r in await conn.fetch(
                "select id, owner_id from soundstage.projects where id = "
                "any($1::uuid[])", forks)}  # fmt: skip
            by_id = {u.id: u for u in forkers}
            await asyncio.gather(*(service.delete(principal(by_id[owners[f]]), f) for f in forks))
            await _assert_counts_true(conn, shas)
        await objects.collect(engine.db, engine.storage, shas)
        # nothing names them any more: rows and bytes are gone, none leaked
        assert await repo.true_refcounts(conn, shas) == {}
        assert await repo.object_refcounts(conn, shas) == {}
        for sha in shas:
            assert not await engine.storage.exists(objects.BUCKET, objects.object_key(sha))
    finally:
        await conn.close()


async def test_an_object_in_use_is_never_collected(
    engine: Engine, dsn: str, make_user: MakeUser, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Collection skips objects someone is registering (their row is locked),
    and one registered after a collection gets its bytes written again."""
    f = tmp_path_factory.mktemp("one") / "x.bin"
    f.write_bytes(uuid.uuid4().bytes)
    async with engine.db.privileged() as c, c.transaction():
        sha, _ = await objects.store(c, engine.storage, f, "audio/wav")
    # refcount 0 and not locked: collected
    assert await objects.collect(engine.db, engine.storage, [sha]) == 1
    assert not await engine.storage.exists(objects.BUCKET, objects.object_key(sha))
    # registered again, and held while a collection runs: skipped
    async with engine.db.privileged() as c, c.transaction():
        await objects.store(c, engine.storage, f, "audio/wav")
        assert await objects.collect(engine.db, engine.storage, [sha]) == 0
        assert await engine.storage.exists(objects.BUCKET, objects.object_key(sha))
    assert await objects.collect(engine.db, engine.storage, [sha]) == 1


# ---------------------------------------------------------------- fork


async def test_fork_of_500_commits_and_2000_files_in_one_transaction(
    engine: Engine, dsn: str, make_user: MakeUser, monkeypatch: pytest.MonkeyPatch
) -> None:
    owner, forker = await make_user(), await make_user()
    service = ProjectService(engine)
    conn = await asyncpg.connect(dsn)
    try:
        pid = await seed_project(
            conn, owner.id, commits=500, files_per_commit=4, visibility="public"
        )
        shas = [r["sha256"] for r in await conn.fetch(
            "select sha256 from soundstage.commit_files where project_id = $1", pid)]  # fmt: skip
        assert len(shas) == 2000
        made = await service.fork(principal(forker), pid, ForkCreate(name="big fork"))
        new = made.id
        assert (
            await conn.fetchval(
                "select count(*) from soundstage.commits where project_id = $1", new
            )
            == 500
        )
        assert (
            await conn.fetchval(
                "select count(*) from soundstage.commit_files where project_id = $1", new
            )
            == 2000
        )
        # the same objects, each now named twice; no bytes anywhere were written
        assert set(await repo.object_refcounts(conn, shas)) == set(shas)
        assert set((await repo.object_refcounts(conn, shas)).values()) == {2}
        # the graph's shape survives: one root, a chain, the branch at the copy of the head
        hist = await service.history(principal(forker), new)
        assert [len(c.parents) for c in hist.commits] == [0] + [1] * 499
        assert hist.branches[0].head_id == hist.commits[-1].id
        assert [c.message for c in hist.commits] == [f"commit {i}" for i in range(1, 501)]
        # one transaction: a fork that fails at its last statement leaves nothing
        commits_before = await conn.fetchval("select count(*) from soundstage.commits")

        async def boom(*args: object) -> None:
            raise RuntimeError("failed after the copies")

        monkeypatch.setattr(repo, "insert_event", boom)
        with pytest.raises(RuntimeError):
            await service.fork(principal(forker), pid, ForkCreate(name="doomed"))
        assert await conn.fetchval("select count(*) from soundstage.commits") == commits_before
        assert await conn.fetchval(
            "select count(*) from soundstage.projects where owner_id = "
            "$1", forker.id) == 1  # fmt: skip
        assert set((await repo.object_refcounts(conn, shas)).values()) == {2}
    finally:
        await conn.close()
