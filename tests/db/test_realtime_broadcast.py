"""Live progress by Supabase Realtime Broadcast from the database
(supabase/migrations/20261205002000_realtime_broadcast.sql, docs/realtime.md).

Supabase's ``realtime`` schema is not part of Postgres, so these tests install
a stand-in with the same surface the migration uses: ``realtime.send(payload
jsonb, event text, topic text, private boolean default true)``, which (like
Supabase's) sets ``realtime.topic`` and inserts into ``realtime.messages``;
``realtime.topic()``; and ``realtime.messages`` under RLS. Every call is thus a
row to check: topic, event, payload, private flag, and the time it was made.

The heartbeats are the repository's own statements (``jobs.repository``),
driven faster than a worker's twice a second; one test runs a real job through
a real worker.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import uuid
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest

import pipelines_for_tests  # noqa: F401  (registers the test_steps kind)
from soundstage.db.migrate import default_migrations_dir, migrate
from soundstage.jobs import repository as repo
from soundstage.worker import Worker
from supabase_like import MakeDb, Server, acting_as, connected
from support import MakeUser, wait_for_status

BROADCAST_SQL = (default_migrations_dir() / "20261205002000_realtime_broadcast.sql").read_text()
ONE_SECOND = timedelta(seconds=1)
FIELDS = {"job_id", "kind", "status", "progress", "stage", "message", "error", "attempts", "at"}

# Supabase's realtime schema, reduced to what the migration touches. `{owner}`
# owns it (Supabase: supabase_realtime_admin); `{caller}` may send and read
# (Supabase grants postgres both).
REALTIME_STAND_IN = """
create schema realtime authorization {owner};
create table realtime.messages (
  id uuid not null default gen_random_uuid(),
  topic text not null,
  extension text not null,
  event text,
  payload jsonb,
  private boolean default false,
  inserted_at timestamptz not null default clock_timestamp(),
  seq bigint generated always as identity primary key  -- call order, for the tests
);
alter table realtime.messages owner to {owner};
alter table realtime.messages enable row level security;
create function realtime.topic() returns text language sql stable as $f$
  select nullif(current_setting('realtime.topic', true), '')::text
$f$;
create function realtime.send(payload jsonb, event text, topic text, private boolean default true)
returns void language plpgsql as $f$
begin
  perform set_config('realtime.topic', topic, true);
  insert into realtime.messages (payload, event, topic, private, extension)
  values (payload, event, topic, private, 'broadcast');
end
$f$;
alter function realtime.topic() owner to {owner};
alter function realtime.send(jsonb, text, text, boolean) owner to {owner};
grant usage on schema realtime to authenticated, {caller};
grant select, insert on realtime.messages to authenticated;
grant select, insert on realtime.messages to {caller};
"""


async def _realtime_db(server: Server, make_db: MakeDb, *, ours: bool = True) -> str:
    """A Supabase-like database with a realtime schema, then our migrations."""
    name = await make_db()
    async with connected(server.db(name, as_migrator=False)) as admin:
        await admin.execute(
            "do $$ begin if not exists (select from pg_roles where rolname = "
            "'supabase_realtime_admin') then create role supabase_realtime_admin nologin; "
            "end if; end $$"
        )
        if ours:  # Supabase's postgres may manage policies on realtime.messages
            await admin.execute(f"grant supabase_realtime_admin to {server.migrator}")
        else:
            await admin.execute(f"revoke supabase_realtime_admin from {server.migrator}")
        await admin.execute(
            REALTIME_STAND_IN.format(owner="supabase_realtime_admin", caller=server.migrator)
        )
    await migrate(server.db(name))
    return name


async def _user(conn: asyncpg.Connection) -> uuid.UUID:
    user_id = uuid.uuid4()
    await conn.execute(
        "insert into auth.users (id, email, aud, role) "
        "values ($1, $2, 'authenticated', 'authenticated')",
        user_id,
        f"{user_id.hex[:8]}@example.com",
    )
    return user_id


async def _sent(conn: asyncpg.Connection, topic: str | None = None) -> list[dict[str, Any]]:
    rows = await conn.fetch(
        "select topic, event, payload, private, extension from realtime.messages "
        "where $1::text is null or topic = $1 order by seq",
        topic,
    )
    return [
        {**dict(r), "payload": json.loads(r["payload"])} for r in rows
    ]  # no jsonb codec on a bare connection


def _at(message: dict[str, Any]) -> datetime:
    return datetime.fromisoformat(message["payload"]["at"])


def _check_rate(messages: list[dict[str, Any]]) -> None:
    """Every progress broadcast comes a second or more after the job's previous one."""
    for before, after in itertools.pairwise(messages):
        if after["event"] == "job.progress":
            assert _at(after) - _at(before) >= ONE_SECOND, (before, after)


# --------------------------------------------------------------------- tests


async def test_progress_goes_at_most_once_a_second_and_the_final_state_always(
    server: Server, make_db: MakeDb
) -> None:
    name = await _realtime_db(server, make_db)
    async with connected(server.db(name)) as conn:
        alice, bob = await _user(conn), await _user(conn)
        topic = f"soundstage:user:{alice}"
        job = await conn.fetchval(
            "insert into soundstage.jobs (user_id, kind) values ($1, 'tone') returning id", alice
        )
        claimed = await repo.claim(conn, "w1", 30, limit=1, max_running_per_user=10)
        assert [r["id"] for r in claimed] == [job]

        # Heartbeats with new progress every 0.2 s (five a second, a worker's
        # are two), each its own transaction as in the worker.
        loop = asyncio.get_running_loop()
        started, beats = loop.time(), 0
        while loop.time() - started < 3.2:
            beats += 1
            status = await repo.heartbeat(
                conn, job, "w1", 30, min(beats * 3, 99), f"step {beats}", f"chunk {beats}"
            )
            assert status == "running"
            await asyncio.sleep(0.2)
        elapsed = loop.time() - started
        assert beats >= 12
        # The last change was almost certainly held back (sent < 1 s ago):
        # the job's end must carry it anyway.
        assert await repo.finish(conn, job, "w1", "succeeded", stage="done", error=None)

        sent = await _sent(conn)
        assert {m["topic"] for m in sent} == {topic}
        assert all(m["private"] is True and m["extension"] == "broadcast" for m in sent)
        assert all(set(m["payload"]) == FIELDS for m in sent)
        assert all(m["payload"]["job_id"] == str(job) for m in sent)

        events = [(m["event"], m["payload"]["status"]) for m in sent]
        assert events[:2] == [("job.status", "queued"), ("job.status", "running")]
        assert events[-1] == ("job.status", "succeeded")
        progress = [m for m in sent if m["event"] == "job.progress"]
        assert set(events[2:-1]) == {("job.progress", "running")}
        # Rate: a second between sends; so at most one per started second.
        _check_rate(sent)
        assert 2 <= len(progress) <= int(elapsed) + 1, (len(progress), elapsed)
        # Sends carry the row's state at that moment: increasing, never stale.
        values = [m["payload"]["progress"] for m in progress]
        assert values == sorted(values) and len(set(values)) == len(values)
        assert all(
            m["payload"]["stage"] == f"step {m['payload']['progress'] // 3}"
            and m["payload"]["message"] == f"chunk {m['payload']['progress'] // 3}"
            for m in progress
        )
        final = sent[-1]["payload"]
        assert (final["status"], final["progress"], final["stage"]) == ("succeeded", 100, "done")
        assert final["message"] == f"chunk {beats}"  # the held-back last message, delivered
        assert final["attempts"] == 1 and final["error"] is None

        # Outputs and deletions are announced on the same topic.
        await conn.execute(
            "insert into soundstage.job_outputs (job_id, user_id, name, content_type, bytes, "
            "object_path) values ($1, $2, 'out.wav', 'audio/wav', 44, $3)",
            job,
            alice,
            f"{alice}/{job}/out.wav",
        )
        await conn.execute("delete from soundstage.jobs where id = $1", job)
        tail = await _sent(conn)
        assert [(m["event"], m["payload"]) for m in tail[len(sent) :]] == [
            ("job.output",
             {"job_id": str(job), "name": "out.wav", "content_type": "audio/wav", "bytes": 44}),
            ("job.deleted", {"job_id": str(job)}),
        ]  # fmt: skip

        # Who may join: a private channel's join is a SELECT on
        # realtime.messages as the user, with realtime.topic() set to the topic.
        async def join(topic: str) -> int:
            await conn.execute("select set_config('realtime.topic', $1, true)", topic)
            count: int = await conn.fetchval("select count(*) from realtime.messages")
            return count

        async with acting_as(conn, "authenticated", alice):
            assert await join(topic) == len(tail)
        async with acting_as(conn, "authenticated", bob):
            assert await join(topic) == 0
            # his own topic he may join (what the rows say does not matter:
            # Realtime checks the policy with a row it inserts and rolls back)
            assert await join(f"soundstage:user:{bob}") > 0
        async with acting_as(conn, "anon", None):
            with pytest.raises(asyncpg.InsufficientPrivilegeError):
                await join(topic)
        # Browsers cannot send on it: no INSERT policy.
        async with acting_as(conn, "authenticated", alice):
            with pytest.raises(asyncpg.InsufficientPrivilegeError):
                await conn.execute(
                    "insert into realtime.messages (topic, extension, event, payload) "
                    "values ($1, 'broadcast', 'job.status', '{}')",
                    topic,
                )


async def test_a_held_back_change_goes_with_the_next_heartbeat_a_second_later(
    server: Server, make_db: MakeDb
) -> None:
    name = await _realtime_db(server, make_db)
    async with connected(server.db(name)) as conn:
        alice = await _user(conn)
        job = await conn.fetchval(
            "insert into soundstage.jobs (user_id, kind) values ($1, 'tone') returning id", alice
        )
        await repo.claim(conn, "w1", 30, limit=1, max_running_per_user=10)
        # Right after the claim's broadcast: held.
        assert await repo.heartbeat(conn, job, "w1", 30, 40, "mixing", None) == "running"
        assert [m["event"] for m in await _sent(conn)] == ["job.status", "job.status"]
        assert await conn.fetchval(
            "select broadcast_pending from soundstage.jobs where id = $1", job
        )
        # A lease-only heartbeat (nothing new to flush) more than a second later
        # sends what was held.
        await asyncio.sleep(1.1)
        assert await repo.heartbeat(conn, job, "w1", 30, None, None, None) == "running"
        sent = await _sent(conn)
        assert sent[-1]["event"] == "job.progress"
        assert (sent[-1]["payload"]["progress"], sent[-1]["payload"]["stage"]) == (40, "mixing")
        _check_rate(sent)
        # Nothing pending, nothing new: lease-only heartbeats send nothing.
        await asyncio.sleep(1.1)
        for _ in range(3):
            assert await repo.heartbeat(conn, job, "w1", 30, None, None, None) == "running"
        assert len(await _sent(conn)) == len(sent)
        # Cancellation (by the API's request role, which has no USAGE on schema
        # realtime) and the worker's end are transitions: sent at once.
        async with conn.transaction():
            await conn.execute(
                "select set_config('role', 'soundstage_api', true), "
                "set_config('request.jwt.claims', $1, true)",
                json.dumps({"sub": str(alice), "role": "authenticated"}),
            )
            await conn.execute("update soundstage.jobs set status = 'canceling' where id = $1", job)
        assert await repo.finish(conn, job, "w1", "canceled", stage=None, error=None)
        assert [(m["event"], m["payload"]["status"]) for m in (await _sent(conn))[-2:]] == [
            ("job.status", "canceling"),
            ("job.status", "canceled"),
        ]


async def test_without_realtime_the_triggers_do_nothing(server: Server, make_db: MakeDb) -> None:
    """No realtime schema (the embedded default, plain Postgres): the migration
    applies, jobs run, nothing is recorded for the limit, no policy is made."""
    name = await make_db()
    await migrate(server.db(name))
    async with connected(server.db(name)) as conn:
        assert await conn.fetchval("select to_regnamespace('realtime')") is None
        alice = await _user(conn)
        job = await conn.fetchval(
            "insert into soundstage.jobs (user_id, kind) values ($1, 'tone') returning id", alice
        )
        await repo.claim(conn, "w1", 30, limit=1, max_running_per_user=10)
        for i in range(5):
            assert await repo.heartbeat(conn, job, "w1", 30, i * 10, f"s{i}", None) == "running"
        assert await repo.finish(conn, job, "w1", "failed", stage=None, error=None)
        row = await conn.fetchrow(
            "select status, broadcast_at, broadcast_pending from soundstage.jobs where id = $1",
            job,
        )
        assert tuple(row) == ("failed", None, False)
        await conn.execute("delete from soundstage.jobs where id = $1", job)


async def test_publication_has_job_events_and_not_jobs(server: Server, make_db: MakeDb) -> None:
    """What Postgres Changes subscribers receive: soundstage.job_events INSERTs
    (transitions, outputs, progress changes), never a jobs row per heartbeat."""
    name = await make_db()  # with a supabase_realtime publication that is ours
    target = server.db(name)
    await migrate(target)

    async def published(conn: asyncpg.Connection) -> set[str]:
        rows = await conn.fetch(
            "select schemaname || '.' || tablename as t from pg_publication_tables "
            "where pubname = 'supabase_realtime'"
        )
        return {r["t"] for r in rows}

    async with connected(target) as conn:
        assert await published(conn) == {"soundstage.job_events"}
        await conn.execute(BROADCAST_SQL)  # again, by hand: no change
        assert await published(conn) == {"soundstage.job_events"}
        # A database where someone put jobs back: the file takes it out again.
        await conn.execute("alter publication supabase_realtime add table soundstage.jobs")
        await conn.execute(BROADCAST_SQL)
        assert await published(conn) == {"soundstage.job_events"}


async def test_policy_not_ours_to_create_is_left_with_a_warning(
    server: Server, make_db: MakeDb
) -> None:
    name = await _realtime_db(server, make_db, ours=False)
    async with connected(server.db(name)) as conn:
        assert (
            await conn.fetchval(
                "select count(*) from pg_policies where schemaname = 'realtime' "
                "and tablename = 'messages'"
            )
            == 0
        )
        # The broadcasts themselves still go: sending needs no policy.
        alice = await _user(conn)
        await conn.execute("insert into soundstage.jobs (user_id, kind) values ($1, 'tone')", alice)
        assert [m["event"] for m in await _sent(conn)] == ["job.status"]


async def test_a_real_job_broadcasts_through_a_real_worker(
    client: httpx.AsyncClient, users: MakeUser, worker: Worker, dsn: str, tmp_path: Path
) -> None:
    """The session's database (the embedded default) gains the stand-in for the
    length of this test: the triggers look realtime.send up on every call."""
    admin = await asyncpg.connect(dsn)
    try:
        await admin.execute(
            REALTIME_STAND_IN.format(owner="current_user", caller="current_user").replace(
                "grant usage on schema realtime to authenticated, current_user;",
                "grant usage on schema realtime to authenticated;",
            )
        )
        user = await users()
        r = await client.post(
            "/v1/jobs",
            # progress, 2.5 s of quiet, progress, 2.5 s of quiet, done
            json={"kind": "test_steps", "params": {"steps": 2, "step_seconds": 2.5}},
            headers=user.headers,
        )
        assert r.status_code == 202, r.text
        job_id = r.json()["id"]
        done = await wait_for_status(client, user, job_id, {"succeeded", "failed"})
        assert done["status"] == "succeeded"

        sent = await _sent(admin, f"soundstage:user:{user.id}")
        assert sent and all(m["private"] is True for m in sent)
        assert all(m["payload"]["job_id"] == job_id for m in sent)
        statuses = [m["payload"]["status"] for m in sent if m["event"] == "job.status"]
        assert statuses == ["queued", "running", "succeeded"]
        assert sent[-1]["event"] == "job.status"
        assert (sent[-1]["payload"]["progress"], sent[-1]["payload"]["stage"]) == (100, "done")
        # The first step's progress reaches the database within a second of the
        # claim's broadcast, so it is held; the pipeline then says nothing for
        # 2.5 s, and the worker's trailing write (a second after) sends it. Without
        # that write it would never go out: the next one carries step 2.
        progress = [m for m in sent if m["event"] == "job.progress"]
        assert "step 1/2" in [m["payload"]["stage"] for m in progress], progress
        _check_rate(sent)
        # The SSE stream still has every change: dev and API clients are
        # unaffected. The published table has only the transitions and outputs.
        r = await client.get(f"/v1/jobs/{job_id}/events", headers=user.headers)
        assert r.status_code == 200
        assert "event: progress" in r.text
        published_types = await admin.fetch(
            "select distinct type from soundstage.job_events where job_id = $1", job_id
        )
        assert {t["type"] for t in published_types} <= {"status", "output"}
        assert await admin.fetchval(
            "select count(*) from soundstage.job_progress_events where job_id = $1", job_id
        )
    finally:
        await admin.execute("drop schema if exists realtime cascade")
        await admin.close()
