"""What the Realtime Broadcast triggers cost each write of ``soundstage.jobs``.

Run it from the repository root::

    .venv/bin/python bench/realtime_broadcast.py                 # about a minute
    .venv/bin/python bench/realtime_broadcast.py --jobs 4000 --rounds 7

``bench/queue.py`` measures the whole queue, but on a shared machine its
figures move by more than the triggers can cost. This one times the database
alone: one embedded Postgres, one connection, the job's life as set-based
statements over ``--jobs`` jobs (so each statement fires the row triggers
``--jobs`` times and the round trip is amortized), timed by the server's
clock:

  insert        the jobs are created (queued)               a transition
  claim         queued -> running, lease set                a transition
  progress x4   progress, stage and message change          2 sent, 2 held
  lease x4      the lease alone is extended                 the WHEN skips it
  finish        running -> succeeded                        a transition

in three modes, interleaved round by round (the best of ``--rounds`` per mode
and statement: other load only ever adds time):

  off           the migration's triggers disabled: the schema before it
  no-realtime   the triggers on, no ``realtime`` schema (embedded, plain Postgres)
  stand-in      the triggers on, a ``realtime.send`` like Supabase's recording
                into ``realtime.messages`` (one insert per send)

Prints microseconds per job per statement and each mode's total over ``off``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import sys
import tempfile
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "apps" / "engine"))

TRIGGERS = (
    "jobs_broadcast_mark",
    "jobs_broadcast_mark_update",
    "jobs_broadcast_insert",
    "jobs_broadcast_update",
    "jobs_broadcast_delete",
)

# Supabase's realtime.send, reduced: it sets the topic and inserts the message.
STAND_IN = """
create schema realtime;
create table realtime.messages (
  id uuid not null default gen_random_uuid(), topic text not null, extension text not null,
  event text, payload jsonb, private boolean default false,
  inserted_at timestamptz not null default now()
);
create function realtime.send(payload jsonb, event text, topic text, private boolean default true)
returns void language plpgsql as $f$
begin
  perform set_config('realtime.topic', topic, true);
  insert into realtime.messages (payload, event, topic, private, extension)
  values (payload, event, topic, private, 'broadcast');
end
$f$;
"""

STATEMENTS: list[tuple[str, str]] = [
    (
        "insert",
        "insert into soundstage.jobs (user_id, kind) "
        "select $1, 'bench_noop' from generate_series(1, $2)",
    ),
    (
        "claim",
        "update soundstage.jobs set status = 'running', attempts = attempts + 1, "
        "lease_owner = 'w', lease_expires_at = now() + interval '30 s', "
        "started_at = now(), stage = 'starting' where status = 'queued'",
    ),
    *[
        (
            "progress",
            f"update soundstage.jobs set lease_expires_at = now() + interval '30 s', "
            f"progress = {p}, stage = 'step {p}', message = 'chunk {p}' where status = 'running'",
        )
        for p in (20, 40, 60, 80)
    ],
    *[
        (
            "lease",
            "update soundstage.jobs set lease_expires_at = now() + interval '30 s' "
            "where status = 'running'",
        )
    ]
    * 4,
    (
        "finish",
        "update soundstage.jobs set status = 'succeeded', progress = 100, stage = 'done', "
        "finished_at = now(), lease_owner = null, lease_expires_at = null "
        "where status = 'running'",
    ),
]
STEPS = ["insert", "claim", "progress", "lease", "finish"]
MODES = ["off", "no-realtime", "stand-in"]


@contextlib.asynccontextmanager
async def embedded_postgres(root: Path) -> AsyncIterator[str]:
    from soundstage.db.embedded import ensure_embedded, stop_embedded

    try:
        yield await ensure_embedded(root)
    finally:
        await asyncio.to_thread(stop_embedded, root)


async def one_round(
    conn: asyncpg.Connection, mode: str, jobs: int, user: uuid.UUID
) -> dict[str, float]:
    """Seconds per statement kind (summed over repeats) for one job life of ``jobs`` jobs."""
    verb = "disable" if mode == "off" else "enable"
    for trigger in TRIGGERS:
        await conn.execute(f"alter table soundstage.jobs {verb} trigger {trigger}")
    await conn.execute("drop schema if exists realtime cascade")
    if mode == "stand-in":
        await conn.execute(STAND_IN)
    await conn.execute("truncate soundstage.jobs cascade")
    await conn.execute("vacuum analyze soundstage.jobs")
    spent = dict.fromkeys(STEPS, 0.0)
    progress_seen = 0
    for step, sql in STATEMENTS:
        if step == "progress":
            # A worker writes progress twice a second: every other write comes
            # a second after the last send and goes, the others are held.
            if progress_seen % 2 == 0:
                await asyncio.sleep(1.05)
            progress_seen += 1
        args = (user, jobs) if step == "insert" else ()
        # The server's clock around the statement alone (no round trip).
        async with conn.transaction():
            start = await conn.fetchval("select extract(epoch from clock_timestamp())")
            await conn.execute(sql, *args)
            end = await conn.fetchval("select extract(epoch from clock_timestamp())")
        spent[step] += float(end) - float(start)
    return spent


async def main(args: argparse.Namespace) -> None:
    from soundstage.db.migrate import migrate

    with tempfile.TemporaryDirectory(prefix="soundstage-bench-broadcast-") as tmp:
        async with embedded_postgres(Path(tmp) / "db") as dsn:
            await migrate(dsn)
            conn = await asyncpg.connect(dsn)
            try:
                user = await conn.fetchval(
                    "insert into auth.users (email) values ('bench@example.com') returning id"
                )
                best: dict[str, dict[str, float]] = {m: {} for m in MODES}
                await one_round(conn, "off", args.jobs, user)  # warm-up
                for r in range(args.rounds):
                    for mode in MODES:
                        spent = await one_round(conn, mode, args.jobs, user)
                        for step, s in spent.items():
                            best[mode][step] = min(best[mode].get(step, s), s)
                    print(f"round {r + 1}/{args.rounds} done", file=sys.stderr)
                sends = await conn.fetchval("select count(*) from realtime.messages")
            finally:
                await conn.close()

    n = args.jobs
    print(f"{n:,} jobs per round, best of {args.rounds} rounds; microseconds per job")
    header = f"{'mode':12s}" + "".join(f"{s:>10s}" for s in STEPS) + f"{'total':>10s}{'ratio':>8s}"
    print(header)
    base = sum(best["off"].values())
    for mode in MODES:
        total = sum(best[mode].values())
        cells = "".join(f"{best[mode][s] / n * 1e6:10.2f}" for s in STEPS)
        print(f"{mode:12s}{cells}{total / n * 1e6:10.2f}{total / base:8.3f}")
    print("(progress and lease: four statements each, summed)")
    print(f"stand-in, last round: {sends:,} sends for {n:,} jobs ({sends / n:.1f} per job)")


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--jobs", type=int, default=2000)
    p.add_argument("--rounds", type=int, default=5)
    asyncio.run(main(p.parse_args()))
