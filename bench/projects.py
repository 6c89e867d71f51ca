"""Fork and history of a 500-commit project: server time.

Run it from the repository root::

    .venv/bin/python bench/projects.py                 # 500 commits x 4 files, 20 runs each
    .venv/bin/python bench/projects.py --commits 500 --files 4 --runs 20 --json out.json

What it does: starts a private embedded Postgres in a temporary data dir (no
``DATABASE_URL``), applies the migrations, opens the engine in-process, writes
a linear project of ``--commits`` commits with ``--files`` files each straight
into the tables (2,000 distinct stored objects by default), and then measures:

* ``fork``: ``POST /v1/projects/{id}/fork`` of the whole history, by another
  user (a reader of a public project);
* ``history``: ``GET /v1/projects/{id}/history`` (500 commits and the branches);

each twice: the service call alone (database round trips, RLS, the copy or
the graph; "server time") and the whole route through the ASGI app in-process
(plus routing, auth, validation and JSON; no network). Prints p50 / p95 / max
in milliseconds and checks the targets: fork under 200 ms, history under
50 ms (p50 of the service time). ``--strict`` exits 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from types import MappingProxyType

import asyncpg
import httpx

from soundstage.app import create_app, open_engine
from soundstage.auth.tokens import Principal, mint_local_token
from soundstage.config import Settings
from soundstage.db.embedded import ensure_embedded, stop_embedded
from soundstage.db.migrate import migrate
from soundstage.projects.schemas import ForkCreate
from soundstage.projects.service import ProjectService

TARGETS_MS = {"fork": 200.0, "history": 50.0}


async def _user(conn: asyncpg.Connection, settings: Settings) -> tuple[Principal, str]:
    email = f"bench-{uuid.uuid4().hex[:8]}@example.com"
    uid = await conn.fetchval("insert into auth.users (email) values ($1) returning id", email)
    claims = {"sub": str(uid), "email": email, "role": "authenticated",
              "exp": int(time.time()) + 3600}  # fmt: skip
    return Principal(uid, email, MappingProxyType(claims)), mint_local_token(settings, uid, email)


async def _seed(conn: asyncpg.Connection, owner: uuid.UUID, commits: int, files: int) -> uuid.UUID:
    pid: uuid.UUID = await conn.fetchval(
        "insert into soundstage.projects (owner_id, name, visibility) values ($1, 'bench', "
        "'public') "
        "returning id",
        owner,
    )
    shas = [uuid.uuid4().hex + uuid.uuid4().hex for _ in range(commits * files)]
    await conn.execute(
        "insert into soundstage_private.stored_objects (sha256, bucket, object_path, bytes, "
        "content_type) "
        "select s, 'renders', 'objects/' || s, 1, 'audio/wav' from unnest($1::text[]) s",
        shas,
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
        select md5($1::uuid::text || (1 + (k - 1) / $3))::uuid, $1::uuid, 'r' || ((k - 1) % $3),
               ($2::text[])[k], 'f.wav', 1, 'audio/wav'
        from generate_series(1, $4) k
        """,
        pid,
        shas,
        files,
        commits * files,
    )
    await conn.execute(
        "insert into soundstage.branches (project_id, name, head_id) "
        "values ($1, 'main', md5($1::uuid::text || $2::int)::uuid)",
        pid,
        commits,
    )
    return pid


def _summary(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "p50_ms": round(statistics.median(ordered), 2),
        "p95_ms": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))], 2),
        "max_ms": round(ordered[-1], 2),
    }


async def run(commits: int, files: int, runs: int) -> dict[str, dict[str, float]]:
    data_dir = Path(tempfile.mkdtemp(prefix="soundstage-bench-projects-"))
    try:
        dsn = await ensure_embedded(data_dir)
        await migrate(dsn)
        settings = Settings(_env_file=None, env="development", data_dir=data_dir,  # type: ignore[call-arg]
                            database_url=dsn)  # fmt: skip
        conn = await asyncpg.connect(dsn)
        owner, _ = await _user(conn, settings)
        forker, forker_token = await _user(conn, settings)
        pid = await _seed(conn, owner.user_id, commits, files)
        await conn.execute("analyze")
        results: dict[str, dict[str, float]] = {}
        async with open_engine(settings, dsn) as engine:
            service = ProjectService(engine)
            for _ in range(3):  # warm the pool and the plans
                await service.history(forker, pid)
                await service.fork(forker, pid, ForkCreate())
            fork_s, hist_s = [], []
            for _ in range(runs):
                t = time.perf_counter()
                await service.fork(forker, pid, ForkCreate())
                fork_s.append((time.perf_counter() - t) * 1000)
                t = time.perf_counter()
                await service.history(forker, pid)
                hist_s.append((time.perf_counter() - t) * 1000)
            results["fork (service)"] = _summary(fork_s)
            results["history (service)"] = _summary(hist_s)
        app = create_app(settings)
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            headers = {"Authorization": f"Bearer {forker_token}"}
            async with httpx.AsyncClient(transport=transport, base_url="http://bench") as c:
                fork_r, hist_r = [], []
                for i in range(runs + 3):
                    t = time.perf_counter()
                    r = await c.post(f"/v1/projects/{pid}/fork", json={}, headers=headers)
                    f_ms = (time.perf_counter() - t) * 1000
                    assert r.status_code == 201, r.text
                    t = time.perf_counter()
                    r = await c.get(f"/v1/projects/{pid}/history", headers=headers)
                    h_ms = (time.perf_counter() - t) * 1000
                    assert r.status_code == 200 and len(r.json()["commits"]) == commits
                    if i >= 3:
                        fork_r.append(f_ms)
                        hist_r.append(h_ms)
                results["fork (route)"] = _summary(fork_r)
                results["history (route)"] = _summary(hist_r)
        copied = (
            await conn.fetchval("select count(*) from soundstage.commit_files") - commits * files
        )
        results["check"] = {"files_copied_as_rows": float(copied),
                            "stored_objects": float(await conn.fetchval(
                                "select count(*) from "
                                "soundstage_private.stored_objects"))}  # fmt: skip
        await conn.close()
        return results
    finally:
        stop_embedded(data_dir)
        shutil.rmtree(data_dir, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--commits", type=int, default=500)
    parser.add_argument("--files", type=int, default=4)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--strict", action="store_true")
    args = parser.parse_args()
    results = asyncio.run(run(args.commits, args.files, args.runs))
    print(f"project: {args.commits} commits x {args.files} files, {args.runs} runs each")
    for name, figures in results.items():
        print(f"  {name:20s} " + "  ".join(f"{k}={v:g}" for k, v in figures.items()))
    missed = [
        name
        for name, target in TARGETS_MS.items()
        if results[f"{name} (service)"]["p50_ms"] >= target
    ]
    for name, target in TARGETS_MS.items():
        p50 = results[f"{name} (service)"]["p50_ms"]
        print(f"  target {name} < {target:g} ms: {'met' if p50 < target else 'MISSED'} ({p50} ms)")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    return 1 if (args.strict and missed) else 0


if __name__ == "__main__":
    sys.exit(main())
