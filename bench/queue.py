"""Queue throughput and dispatch latency: Soundstage's job queue against Procrastinate.

Run it from the repository root::

    .venv/bin/pip install procrastinate      # the reference; not a project dependency
    .venv/bin/python bench/queue.py
    .venv/bin/python bench/queue.py --jobs 10000 --workers 1,2,4 --json queue.json

What it does, in one run (about 3-4 minutes with the defaults):

1. Starts one embedded Postgres (the ``pgserver`` wheel the engine uses) in a
   temporary directory. Soundstage's schema goes into database ``soundstage``
   (``soundstage.db.migrate``), Procrastinate's into database ``procrastinate``
   on the same server (``app.schema_manager.apply_schema_async()``).
2. Throughput, for each system and each worker count P (``--workers``, default
   1, 2, 4): starts P worker processes with ``--concurrency`` jobs each
   (``python -m soundstage worker`` with the ``bench_noop`` kind from
   ``bench/noop_pipeline.py``; ``procrastinate worker`` with a no-op task), waits
   until every process LISTENs, warms them up, then runs two phases of
   ``--jobs`` no-op jobs each:

   * *process*: all jobs are created in one transaction; the clock starts when
     it commits and stops at the last job's completion. Claim, run, complete.
   * *create+process*: the clock starts, then the jobs are created in
     transactions of ``--batch`` jobs from one client while the workers run;
     it stops at the last completion. Create, claim, run, complete: the figure
     the targets are checked against.

   Completion times come from the database (Soundstage ``jobs.finished_at``,
   Procrastinate's ``succeeded`` event), so polling for the end costs nothing.
   Jobs are created with SQL (Soundstage, spread over ``--users`` users) and with
   ``batch_defer_async`` (Procrastinate), not through the HTTP API.
3. Dispatch latency with one idle worker process: ``--latency-samples`` jobs,
   one at a time with a random pause before each, timed from insert to
   ``running``. Soundstage with LISTEN/NOTIFY, then with
   ``SOUNDSTAGE_WORKER_LISTEN=false`` at each ``--poll-intervals`` value
   (``--poll-samples`` each), and Procrastinate with LISTEN/NOTIFY. Two figures:
   *db* is ``started_at - created_at`` on the database clock (both are
   transaction start times: insert to claim), *client* is from just before the
   insert until a client polling the row every millisecond sees it running
   (conservative: adds the claim's commit and up to ~1 ms of polling). The
   targets are checked against *client*.
4. Prints one table with every figure, the Soundstage/Procrastinate ratio per
   worker count and PASS/FAIL against the targets. Next to jobs/s it prints the
   CPU the workers and the bench's Postgres used during create+process, the
   CPU every *other* process on the machine used (noise: other work slows
   every figure), and worker + Postgres CPU per job, the figure other load
   changes least. The targets: create+process at least
   1,500 jobs/s (best worker count) and at least 5x Procrastinate's (at every
   worker count); dispatch p50 at most 10 ms and p99 at most 50 ms with
   LISTEN/NOTIFY. ``--json FILE`` saves everything; ``--strict`` exits 1 when a
   target is missed; ``--profile DIR`` runs ``py-spy record`` on every worker
   during create+process and leaves raw stacks (flamegraph input) in DIR.
5. Stops the workers and Postgres and removes the temporary directory (unless
   ``--keep``).

Both systems get the same Postgres, worker processes, per-process concurrency
and connection pool size (concurrency + 2). Soundstage's workers run with
``SOUNDSTAGE_QUEUE_MAX_RUNNING_PER_USER`` raised to ``--max-running-per-user``
(1,000) so that the per-user cap does not throttle a few bench users. Both log
at their default level, INFO, into log files here (Procrastinate: two lines
per job; Soundstage: none for a job that succeeds, its per-job lines are DEBUG). The
caller's ``DATABASE_URL``, ``SUPABASE_*`` and ``SOUNDSTAGE_*`` variables are
ignored and no ``.env`` is read. Linux only (CPU figures come from ``/proc``).

This file shares its name with the standard library's ``queue``: a script run
as ``python bench/<other>.py`` has ``bench/`` first on ``sys.path``, and an
``import queue`` there (``concurrent.futures`` does one) would find this file.
The guard below hands such an importer the real module, which is why this file
imports only the standard library at module level, and bench's shared modules that
do the same (``procstat``, ``checks``).
"""

from __future__ import annotations

import os
import sys

if __name__ == "queue":  # pragma: no cover - imported in place of the stdlib module
    import importlib.util

    _spec = importlib.util.spec_from_file_location(
        "queue", os.path.join(os.path.dirname(os.__file__), "queue.py")
    )
    assert _spec is not None and _spec.loader is not None
    _stdlib_queue = importlib.util.module_from_spec(_spec)
    sys.modules["queue"] = _stdlib_queue  # the import system returns this one
    _spec.loader.exec_module(_stdlib_queue)
elif sys.path and os.path.abspath(sys.path[0] or ".") == os.path.dirname(os.path.abspath(__file__)):
    # Run as a script: keep bench/ from shadowing the stdlib here too, and put the
    # repository root there instead, so that bench.* imports as in the workers.
    sys.path[0] = os.path.dirname(os.path.abspath(sys.path[0] or "."))

import argparse
import asyncio
import contextlib
import datetime as dt
import json
import logging
import math
import platform
import random
import resource
import shutil
import signal
import tempfile
import time
from collections.abc import AsyncIterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Protocol

try:  # the repository root is on sys.path: run as a script, or the workers' bench.queue
    from bench import procstat
    from bench.checks import Check
except ModuleNotFoundError:  # imported as "queue" by another script, bench/ on sys.path
    import procstat
    from checks import Check

if TYPE_CHECKING:
    import asyncpg

BENCH_DIR = Path(__file__).resolve().parent
REPO = BENCH_DIR.parent
NOOP_MODULE = "bench.noop_pipeline"
NOOP_KIND = "bench_noop"  # = bench.noop_pipeline.KIND (not imported: see the guard above)
PROCRASTINATE_APP = "bench.queue.procrastinate_app"
PROCRASTINATE_DB = "procrastinate"
PROCRASTINATE_DSN_ENV = "BENCH_PROCRASTINATE_DSN"
PROCRASTINATE_POOL_ENV = "BENCH_PROCRASTINATE_POOL"

TARGET_JOBS_PER_S = 1500.0
TARGET_RATIO = 5.0
TARGET_P50_MS = 10.0
TARGET_P99_MS = 50.0


# --------------------------------------------------------------------------- Procrastinate


def make_procrastinate_app(dsn: str, pool_size: int) -> Any:
    """A Procrastinate app on ``dsn`` with one task, ``bench_noop``, that does nothing."""
    import procrastinate

    app = procrastinate.App(
        connector=procrastinate.PsycopgConnector(
            conninfo=dsn, min_size=min(4, pool_size), max_size=pool_size
        )
    )

    @app.task(name=NOOP_KIND)
    async def bench_noop() -> None:
        return None

    return app


def __getattr__(name: str) -> Any:
    # `procrastinate --app bench.queue.procrastinate_app worker` in the worker
    # processes: the app is built on first access from the environment.
    if name == "procrastinate_app":
        app = make_procrastinate_app(
            os.environ[PROCRASTINATE_DSN_ENV], int(os.environ.get(PROCRASTINATE_POOL_ENV, "10"))
        )
        globals()["procrastinate_app"] = app
        return app
    raise AttributeError(name)


# --------------------------------------------------------------------------- results


@dataclass
class Throughput:
    system: str
    workers: int
    concurrency: int
    jobs: int
    # process: jobs created in one transaction, clock from its commit
    bulk_create_s: float
    process_s: float
    process_jobs_per_s: float
    # create+process: jobs created in batches while the workers run
    e2e_create_s: float
    e2e_s: float
    e2e_jobs_per_s: float
    # CPU seconds during the create+process phase
    cpu_workers_s: float
    cpu_postgres_s: float
    cpu_bench_s: float
    cpu_other_s: float  # processes that are not this benchmark's: noise


@dataclass
class Latency:
    system: str
    mode: str
    samples: int
    db_p50_ms: float
    db_p99_ms: float
    client_p50_ms: float
    client_p99_ms: float
    client_max_ms: float


@dataclass
class Report:
    machine: dict[str, Any]
    settings: dict[str, Any]
    throughput: list[Throughput] = field(default_factory=list)
    latency: list[Latency] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)


def percentile(values: Sequence[float], pct: float) -> float:
    """Nearest-rank percentile."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = max(1, math.ceil(pct / 100 * len(ordered)))
    return ordered[rank - 1]


# --------------------------------------------------------------------------- processes


def _open_log(path: Path) -> IO[bytes]:
    return path.open("ab")


def _cpu_seconds(pids: Sequence[int]) -> float:
    """The processes' CPU seconds; one that has exited counts for nothing."""
    return sum((cpu for pid in pids if (cpu := procstat.proc_cpu_seconds(pid)) is not None), 0.0)


@dataclass
class CpuSnapshot:
    """CPU seconds so far: the workers, the bench's Postgres, this process, everything."""

    workers: float
    postgres: float
    bench: float
    machine: float

    @classmethod
    def take(cls, worker_pids: Sequence[int], postmaster: int) -> CpuSnapshot:
        own = resource.getrusage(resource.RUSAGE_SELF)
        return cls(
            workers=_cpu_seconds(worker_pids),
            postgres=_cpu_seconds(procstat.postgres_pids(postmaster)),
            bench=own.ru_utime + own.ru_stime,
            machine=procstat.machine_busy_seconds() or 0.0,  # None only without /proc: not Linux
        )

    def __sub__(self, other: CpuSnapshot) -> CpuSnapshot:
        return CpuSnapshot(
            self.workers - other.workers,
            self.postgres - other.postgres,
            self.bench - other.bench,
            self.machine - other.machine,
        )

    @property
    def other(self) -> float:
        """Everything else on the machine (other users' processes, the kernel's threads)."""
        return max(0.0, self.machine - self.workers - self.postgres - self.bench)


class WorkerGroup:
    """Worker processes with their output in log files; SIGTERM, then SIGKILL."""

    def __init__(self, name: str, log_dir: Path) -> None:
        self.name = name
        self.log_dir = log_dir
        self.procs: list[asyncio.subprocess.Process] = []
        self.logs: list[Path] = []

    async def spawn(self, argv: list[str], env: dict[str, str], count: int) -> None:
        for i in range(count):
            log = self.log_dir / f"{self.name}-{i}.log"
            with _open_log(log) as fh:
                proc = await asyncio.create_subprocess_exec(
                    *argv,
                    env=env,
                    cwd=self.log_dir,  # no stray .env from the caller's directory
                    stdin=asyncio.subprocess.DEVNULL,
                    stdout=fh,
                    stderr=asyncio.subprocess.STDOUT,
                    start_new_session=True,
                )
            self.procs.append(proc)
            self.logs.append(log)

    @property
    def pids(self) -> list[int]:
        return [p.pid for p in self.procs]

    def check_alive(self) -> None:
        for proc, log in zip(self.procs, self.logs, strict=True):
            if proc.returncode is not None:
                tail = "\n".join(log.read_text(errors="replace").splitlines()[-30:])
                raise RuntimeError(
                    f"{self.name} worker exited with {proc.returncode}; log {log}:\n{tail}"
                )

    async def stop(self, within: float = 15.0) -> None:
        for proc in self.procs:
            if proc.returncode is None:
                with contextlib.suppress(ProcessLookupError):
                    proc.send_signal(signal.SIGTERM)
        for proc in self.procs:
            try:
                await asyncio.wait_for(proc.wait(), within)
            except TimeoutError:
                with contextlib.suppress(ProcessLookupError):
                    proc.kill()
                await proc.wait()
        self.procs.clear()
        self.logs.clear()


def _base_env() -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k != "DATABASE_URL" and not k.startswith(("SUPABASE_", "SOUNDSTAGE_", "PROCRASTINATE_"))
    }
    # bench.noop_pipeline and bench.queue import from the repository root.
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), env.get("PYTHONPATH")) if p)
    return env


# --------------------------------------------------------------------------- systems


class QueueSystem(Protocol):
    name: str
    db: str  # database name
    tables: str  # the queue's tables, to ANALYZE
    conn: asyncpg.Connection

    async def reset(self) -> None: ...
    async def create(self, n: int) -> list[Any]: ...
    async def create_one(self) -> Any: ...
    async def unfinished(self) -> int: ...
    async def succeeded(self, ids: Sequence[Any]) -> int: ...
    async def last_finish(self, ids: Sequence[Any]) -> float: ...
    async def is_running(self, job_id: Any) -> bool: ...
    async def db_latencies(self, ids: Sequence[Any]) -> list[float]: ...
    def worker_argv(self, concurrency: int, listen: bool, poll_seconds: float) -> list[str]: ...
    def worker_env(self, concurrency: int, listen: bool, poll_seconds: float) -> dict[str, str]: ...


class Soundstage:
    name = "soundstage"
    db = "soundstage"
    tables = "soundstage.jobs, soundstage.job_events"

    def __init__(
        self, conn: asyncpg.Connection, dsn: str, data_dir: Path, users: int, max_running: int
    ) -> None:
        self.conn = conn
        self.dsn = dsn
        self.data_dir = data_dir
        self.n_users = users
        self.max_running = max_running
        self.users: list[Any] = []

    async def setup(self) -> None:
        self.users = [
            r["id"]
            for r in await self.conn.fetch(
                "insert into auth.users (email) "
                "select 'bench-' || g || '@example.com' from generate_series(1, $1) g "
                "returning id",
                self.n_users,
            )
        ]

    async def reset(self) -> None:
        await self.conn.execute("truncate soundstage.jobs cascade")

    async def create(self, n: int) -> list[Any]:
        offset = random.randrange(len(self.users))
        owners = [self.users[(offset + i) % len(self.users)] for i in range(n)]
        rows = await self.conn.fetch(
            "insert into soundstage.jobs (user_id, kind) select u, $2 from unnest($1::uuid[]) u "
            "returning id",
            owners,
            NOOP_KIND,
        )
        return [r["id"] for r in rows]

    async def create_one(self) -> Any:
        return await self.conn.fetchval(
            "insert into soundstage.jobs (user_id, kind) values ($1, $2) returning id",
            random.choice(self.users),
            NOOP_KIND,
        )

    async def unfinished(self) -> int:
        n: int = await self.conn.fetchval(
            "select count(*) from soundstage.jobs where status in ('queued', 'running', "
            "'canceling')"
        )
        return n

    async def succeeded(self, ids: Sequence[Any]) -> int:
        n: int = await self.conn.fetchval(
            "select count(*) from soundstage.jobs where id = any($1::uuid[]) and status = "
            "'succeeded'",
            list(ids),
        )
        return n

    async def last_finish(self, ids: Sequence[Any]) -> float:
        t: float = await self.conn.fetchval(
            "select extract(epoch from max(finished_at))::float8 from soundstage.jobs "
            "where id = any($1::uuid[])",
            list(ids),
        )
        return t

    async def is_running(self, job_id: Any) -> bool:
        status: str | None = await self.conn.fetchval(
            "select status from soundstage.jobs where id = $1", job_id
        )
        return status != "queued"

    async def db_latencies(self, ids: Sequence[Any]) -> list[float]:
        rows = await self.conn.fetch(
            "select extract(epoch from started_at - created_at)::float8 as s from soundstage.jobs "
            "where id = any($1::uuid[])",
            list(ids),
        )
        return [r["s"] for r in rows]

    def worker_argv(self, concurrency: int, listen: bool, poll_seconds: float) -> list[str]:
        return [sys.executable, "-m", "soundstage", "worker", "--concurrency", str(concurrency)]

    def worker_env(self, concurrency: int, listen: bool, poll_seconds: float) -> dict[str, str]:
        return {
            **_base_env(),
            "DATABASE_URL": self.dsn,
            "SOUNDSTAGE_ENV": "development",
            "SOUNDSTAGE_DATA_DIR": str(self.data_dir),
            "SOUNDSTAGE_PIPELINE_MODULES": json.dumps([NOOP_MODULE]),
            "SOUNDSTAGE_QUEUE_MAX_RUNNING_PER_USER": str(self.max_running),
            "SOUNDSTAGE_DB_POOL_MAX": str(concurrency + 2),
            "SOUNDSTAGE_WORKER_LISTEN": "true" if listen else "false",
            "SOUNDSTAGE_WORKER_POLL_SECONDS": str(poll_seconds),
            "SOUNDSTAGE_WORKER_GRACE_SECONDS": "5",
        }


class Procrastinate:
    name = "procrastinate"
    db = PROCRASTINATE_DB
    tables = "procrastinate_jobs, procrastinate_events"

    def __init__(self, conn: asyncpg.Connection, dsn: str, app: Any) -> None:
        self.conn = conn
        self.dsn = dsn
        self.app = app
        self.task = app.tasks[NOOP_KIND]

    async def reset(self) -> None:
        await self.conn.execute(
            "truncate procrastinate_jobs, procrastinate_events, procrastinate_workers "
            "restart identity cascade"
        )

    async def create(self, n: int) -> list[Any]:
        ids: list[Any] = await self.task.batch_defer_async(*({} for _ in range(n)))
        return ids

    async def create_one(self) -> Any:
        return await self.task.defer_async()

    async def unfinished(self) -> int:
        n: int = await self.conn.fetchval(
            "select count(*) from procrastinate_jobs where status in ('todo', 'doing')"
        )
        return n

    async def succeeded(self, ids: Sequence[Any]) -> int:
        n: int = await self.conn.fetchval(
            "select count(*) from procrastinate_jobs "
            "where id = any($1::bigint[]) and status = 'succeeded'",
            list(ids),
        )
        return n

    async def last_finish(self, ids: Sequence[Any]) -> float:
        t: float = await self.conn.fetchval(
            "select extract(epoch from max(at))::float8 from procrastinate_events "
            "where job_id = any($1::bigint[]) and type = 'succeeded'",
            list(ids),
        )
        return t

    async def is_running(self, job_id: Any) -> bool:
        status: str | None = await self.conn.fetchval(
            "select status::text from procrastinate_jobs where id = $1", job_id
        )
        return status != "todo"

    async def db_latencies(self, ids: Sequence[Any]) -> list[float]:
        rows = await self.conn.fetch(
            """
            select extract(epoch from s.at - d.at)::float8 as s
            from procrastinate_events d
            join procrastinate_events s on s.job_id = d.job_id and s.type = 'started'
            where d.job_id = any($1::bigint[]) and d.type = 'deferred'
            """,
            list(ids),
        )
        return [r["s"] for r in rows]

    def worker_argv(self, concurrency: int, listen: bool, poll_seconds: float) -> list[str]:
        return [
            sys.executable, "-m", "procrastinate", "--app", PROCRASTINATE_APP,
            "worker",
            "--concurrency", str(concurrency),
            "--fetch-job-polling-interval", str(poll_seconds),
            "--shutdown-graceful-timeout", "5",
            "--listen-notify" if listen else "--no-listen-notify",
        ]  # fmt: skip

    def worker_env(self, concurrency: int, listen: bool, poll_seconds: float) -> dict[str, str]:
        return {
            **_base_env(),
            PROCRASTINATE_DSN_ENV: self.dsn,
            PROCRASTINATE_POOL_ENV: str(concurrency + 2),
        }


# --------------------------------------------------------------------------- measurements


async def start_profilers(group: WorkerGroup, out: Path) -> list[asyncio.subprocess.Process]:
    """py-spy on every worker process of the group (raw stacks, one file per process)."""
    py_spy = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    procs = []
    for pid, log in zip(group.pids, group.logs, strict=True):
        argv = [py_spy, "record", "--pid", str(pid), "--rate", "250", "--nonblocking"]
        argv += ["--format", "raw", "--output", str(out / f"{log.stem}.txt")]
        procs.append(
            await asyncio.create_subprocess_exec(
                *argv, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL
            )
        )
    await asyncio.sleep(0.5)  # attached before the clock starts
    return procs


async def stop_profilers(procs: list[asyncio.subprocess.Process]) -> None:
    for proc in procs:
        with contextlib.suppress(ProcessLookupError):
            proc.send_signal(signal.SIGINT)  # py-spy writes its file on SIGINT
    for proc in procs:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(proc.wait(), 30)


async def wait_drained(system: QueueSystem, group: WorkerGroup, within: float) -> None:
    deadline = time.monotonic() + within
    while await system.unfinished():
        group.check_alive()
        if time.monotonic() > deadline:
            raise RuntimeError(f"{system.name}: jobs still unfinished after {within:.0f}s")
        await asyncio.sleep(0.05)


async def wait_listening(system: QueueSystem, group: WorkerGroup, count: int) -> None:
    deadline = time.monotonic() + 120
    while True:
        n = await system.conn.fetchval(
            "select count(*) from pg_stat_activity where datname = $1 and query ilike 'listen %'",
            system.db,
        )
        if n >= count:
            return
        group.check_alive()
        if time.monotonic() > deadline:
            raise RuntimeError(f"{system.name}: {n} of {count} workers LISTENing after 120s")
        await asyncio.sleep(0.05)


async def throughput(
    system: QueueSystem,
    log_dir: Path,
    *,
    workers: int,
    concurrency: int,
    jobs: int,
    batch: int,
    postmaster: int,
    profile_dir: Path | None = None,
) -> Throughput:
    timeout = max(120.0, jobs / 20)
    await system.reset()
    group = WorkerGroup(f"{system.name}-p{workers}", log_dir)
    try:
        await group.spawn(
            system.worker_argv(concurrency, True, 5.0),
            system.worker_env(concurrency, True, 5.0),
            workers,
        )
        await wait_listening(system, group, workers)
        # Warm-up: every process opens its pool and runs its first jobs.
        warm = await system.create(workers * concurrency * 4)
        await wait_drained(system, group, timeout)
        if await system.succeeded(warm) != len(warm):
            raise RuntimeError(f"{system.name}: warm-up jobs did not all succeed")
        await system.conn.execute(f"analyze {system.tables}")

        # process: created in one transaction; the clock starts at its commit
        t = time.time()
        ids = await system.create(jobs)
        committed = time.time()
        bulk_create_s = committed - t
        await wait_drained(system, group, timeout)
        process_s = await system.last_finish(ids) - committed
        ok = await system.succeeded(ids)
        if ok != jobs:
            raise RuntimeError(f"{system.name}: {jobs - ok} jobs did not succeed")

        # create+process: created in batches while the workers run
        profilers = await start_profilers(group, profile_dir) if profile_dir else []
        before = CpuSnapshot.take(group.pids, postmaster)
        t0 = time.time()
        ids = []
        for start in range(0, jobs, batch):
            ids += await system.create(min(batch, jobs - start))
        e2e_create_s = time.time() - t0
        await wait_drained(system, group, timeout)
        cpu = CpuSnapshot.take(group.pids, postmaster) - before
        await stop_profilers(profilers)
        e2e_s = await system.last_finish(ids) - t0
        ok = await system.succeeded(ids)
        if ok != jobs:
            raise RuntimeError(f"{system.name}: {jobs - ok} jobs did not succeed")
    finally:
        await group.stop()
    return Throughput(
        system=system.name,
        workers=workers,
        concurrency=concurrency,
        jobs=jobs,
        bulk_create_s=bulk_create_s,
        process_s=process_s,
        process_jobs_per_s=jobs / process_s,
        e2e_create_s=e2e_create_s,
        e2e_s=e2e_s,
        e2e_jobs_per_s=jobs / e2e_s,
        cpu_workers_s=cpu.workers,
        cpu_postgres_s=cpu.postgres,
        cpu_bench_s=cpu.bench,
        cpu_other_s=cpu.other,
    )


async def latency(
    system: QueueSystem,
    log_dir: Path,
    *,
    mode: str,
    listen: bool,
    poll_seconds: float,
    concurrency: int,
    samples: int,
) -> Latency:
    await system.reset()
    tag = f"{system.name}-{mode}".replace(" ", "").replace("=", "")
    group = WorkerGroup(tag, log_dir)
    # Pauses spread inserts over the poll cycle; short ones with LISTEN.
    max_pause = poll_seconds if not listen else 0.05
    timeout = poll_seconds + 10
    try:
        await group.spawn(
            system.worker_argv(concurrency, listen, poll_seconds),
            system.worker_env(concurrency, listen, poll_seconds),
            1,
        )
        if listen:
            await wait_listening(system, group, 1)
        for _ in range(3):  # warm-up, and proof the worker is up in polling mode
            await system.create_one()
            await wait_drained(system, group, 120)
        ids: list[Any] = []
        client: list[float] = []
        for _ in range(samples):
            await asyncio.sleep(random.uniform(0, max_pause))
            t = time.perf_counter()
            job_id = await system.create_one()
            while not await system.is_running(job_id):
                if time.perf_counter() - t > timeout:
                    group.check_alive()
                    raise RuntimeError(f"{system.name} ({mode}): job not claimed in {timeout}s")
                await asyncio.sleep(0.001)
            client.append(time.perf_counter() - t)
            ids.append(job_id)
        await wait_drained(system, group, 60)
        db = await system.db_latencies(ids)
    finally:
        await group.stop()
    return Latency(
        system=system.name,
        mode=mode,
        samples=samples,
        db_p50_ms=percentile(db, 50) * 1000,
        db_p99_ms=percentile(db, 99) * 1000,
        client_p50_ms=percentile(client, 50) * 1000,
        client_p99_ms=percentile(client, 99) * 1000,
        client_max_ms=max(client) * 1000,
    )


# --------------------------------------------------------------------------- checks and report


def evaluate(report: Report) -> None:
    ours = {t.workers: t for t in report.throughput if t.system == "soundstage"}
    theirs = {t.workers: t for t in report.throughput if t.system == "procrastinate"}
    if ours:
        best = max(t.e2e_jobs_per_s for t in ours.values())
        report.checks.append(
            Check(
                "throughput, create+process (best worker count)",
                best,
                f">= {TARGET_JOBS_PER_S:,.0f} jobs/s",
                best >= TARGET_JOBS_PER_S,
            )
        )
    for p, t in sorted(ours.items()):
        if p in theirs:
            ratio = t.e2e_jobs_per_s / theirs[p].e2e_jobs_per_s
            report.checks.append(
                Check(
                    f"vs Procrastinate, create+process, {p} worker(s)",
                    ratio,
                    f">= {TARGET_RATIO:.0f}x",
                    ratio >= TARGET_RATIO,
                )
            )
    for lat in report.latency:
        if lat.system == "soundstage" and lat.mode == "listen":
            report.checks.append(
                Check(
                    "dispatch p50, LISTEN/NOTIFY",
                    lat.client_p50_ms,
                    f"<= {TARGET_P50_MS:.0f} ms",
                    lat.client_p50_ms <= TARGET_P50_MS,
                )
            )
            report.checks.append(
                Check(
                    "dispatch p99, LISTEN/NOTIFY",
                    lat.client_p99_ms,
                    f"<= {TARGET_P99_MS:.0f} ms",
                    lat.client_p99_ms <= TARGET_P99_MS,
                )
            )


def cpu_ms_per_job(t: Throughput) -> float:
    """Worker and Postgres CPU per job in create+process: what other load on the machine
    changes least."""
    return (t.cpu_workers_s + t.cpu_postgres_s) / t.jobs * 1000


def render(report: Report) -> str:
    out: list[str] = []
    s = report.settings
    m = report.machine
    out.append(
        f"Machine: {m['cpus']} CPUs ({m['cpu_model']}), Python {m['python']}, "
        f"PostgreSQL {m['postgres']}, Procrastinate {m['procrastinate'] or 'n/a'}"
    )
    out.append(
        f"Throughput: {s['jobs']:,} no-op jobs per phase, {s['concurrency']} concurrent jobs per "
        f"worker process, create+process in transactions of {s['batch']} jobs; cpu per job is\n"
        "worker + Postgres CPU per create+process job (lower is better; what other load on the\n"
        "machine changes least)"
    )
    out.append("")
    header = (
        f"{'system':<14}{'procs':>6}{'create+process':>16}{'process only':>14}"
        f"{'bulk create':>13}{'cpu workers':>13}{'cpu postgres':>14}{'cpu other':>11}"
        f"{'cpu per job':>13}"
    )
    out.append(header)
    out.append(
        f"{'':<14}{'':>6}{'jobs/s':>16}{'jobs/s':>14}{'jobs/s':>13}{'cores':>13}{'cores':>14}"
        f"{'cores':>11}{'ms':>13}"
    )
    for t in report.throughput:
        out.append(
            f"{t.system:<14}{t.workers:>6}{t.e2e_jobs_per_s:>16,.0f}{t.process_jobs_per_s:>14,.0f}"
            f"{t.jobs / t.bulk_create_s:>13,.0f}{t.cpu_workers_s / t.e2e_s:>13.2f}"
            f"{t.cpu_postgres_s / t.e2e_s:>14.2f}{t.cpu_other_s / t.e2e_s:>11.2f}"
            f"{cpu_ms_per_job(t):>13.2f}"
        )
    ours = {t.workers: t for t in report.throughput if t.system == "soundstage"}
    theirs = {t.workers: t for t in report.throughput if t.system == "procrastinate"}
    for p in sorted(set(ours) & set(theirs)):
        a, b = ours[p], theirs[p]
        out.append(
            f"{'ratio S/P':<14}{p:>6}{a.e2e_jobs_per_s / b.e2e_jobs_per_s:>15.2f}x"
            f"{a.process_jobs_per_s / b.process_jobs_per_s:>13.2f}x"
            f"{(a.jobs / a.bulk_create_s) / (b.jobs / b.bulk_create_s):>12.2f}x"
            f"{'':>38}{cpu_ms_per_job(a) / cpu_ms_per_job(b):>12.2f}x"
        )
    if report.latency:
        out.append("")
        out.append(
            f"Dispatch latency, insert -> running, one idle worker process "
            f"(concurrency {s['concurrency']})"
        )
        out.append(
            f"{'system':<14}{'mode':<12}{'samples':>8}{'client p50':>12}{'client p99':>12}"
            f"{'client max':>12}{'db p50':>10}{'db p99':>10}"
        )
        for lat in report.latency:
            out.append(
                f"{lat.system:<14}{lat.mode:<12}{lat.samples:>8}{lat.client_p50_ms:>10.1f}ms"
                f"{lat.client_p99_ms:>10.1f}ms{lat.client_max_ms:>10.1f}ms"
                f"{lat.db_p50_ms:>8.1f}ms{lat.db_p99_ms:>8.1f}ms"
            )
    other = m.get("other_cpu_cores")
    if other is not None:
        out.append("")
        out.append(
            f"Other processes on this machine used {other:.2f} cores on average during the run"
            + (
                " - a busy machine: these figures are lower than an idle one gives"
                if other > 0.2
                else ""
            )
        )
    if report.checks:
        out.append("")
        out.append("Targets")
        for c in report.checks:
            value = "n/a" if c.value is None else f"{c.value:,.2f}"
            out.append(f"  {'PASS' if c.passed else 'FAIL'}  {c.name}: {value} (target {c.target})")
    return "\n".join(out)


def machine_info(server_version: str) -> dict[str, Any]:
    from importlib.metadata import PackageNotFoundError, version

    try:
        procrastinate_version: str | None = version("procrastinate")
    except PackageNotFoundError:
        procrastinate_version = None
    return {
        "cpus": os.cpu_count(),
        "cpu_model": procstat.cpu_model() or "unknown",
        "python": platform.python_version(),
        "postgres": server_version,
        "procrastinate": procrastinate_version,
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }


# --------------------------------------------------------------------------- main


@contextlib.asynccontextmanager
async def embedded_postgres(root: Path) -> AsyncIterator[str]:
    from soundstage.db.embedded import ensure_embedded, stop_embedded

    try:
        yield await ensure_embedded(root)
    finally:
        await asyncio.to_thread(stop_embedded, root)


async def run(args: argparse.Namespace, root: Path) -> Report:
    import asyncpg

    from soundstage.db.migrate import migrate

    # SIGTERM cleans up like Ctrl-C: workers stopped, Postgres stopped, temp dir removed.
    main_task = asyncio.current_task()
    assert main_task is not None
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, main_task.cancel)
    # This process defines the Procrastinate task in __main__, which Procrastinate warns about.
    logging.getLogger("procrastinate").setLevel(logging.ERROR)

    log_dir = root / "logs"
    log_dir.mkdir(parents=True, exist_ok=True)
    print(f"Starting the embedded Postgres in {root} ...", file=sys.stderr)
    async with embedded_postgres(root / "db") as dsn:
        await migrate(dsn)
        postmaster = procstat.postmaster_pid(root / "db" / "pg")
        if postmaster is None:
            raise RuntimeError(f"no postmaster.pid in {root / 'db' / 'pg'}")
        run_start, wall_start = CpuSnapshot.take([], postmaster), time.monotonic()
        base, _, query = dsn.partition("?")
        server = base.rsplit("/", 1)[0]
        admin = await asyncpg.connect(f"{server}/postgres?{query}")
        try:
            if not await admin.fetchval(
                "select 1 from pg_database where datname = $1", PROCRASTINATE_DB
            ):
                await admin.execute(f'create database "{PROCRASTINATE_DB}"')
            server_version = await admin.fetchval("show server_version")
        finally:
            await admin.close()

        report = Report(
            machine=machine_info(server_version),
            settings={
                k: getattr(args, k)
                for k in (
                    "jobs",
                    "workers",
                    "concurrency",
                    "batch",
                    "users",
                    "max_running_per_user",
                    "latency_samples",
                    "poll_samples",
                    "poll_intervals",
                )
            },
        )
        ss_conn = await asyncpg.connect(dsn)
        systems: list[QueueSystem] = []
        closers: list[Any] = [ss_conn.close]
        try:
            soundstage = Soundstage(
                ss_conn, dsn, root / "engine", args.users, args.max_running_per_user
            )
            await soundstage.setup()
            systems.append(soundstage)
            if not args.no_procrastinate:
                pdsn = f"{server}/{PROCRASTINATE_DB}?{query}"
                app = make_procrastinate_app(pdsn, 4)
                await app.open_async()
                closers.append(app.close_async)
                await app.schema_manager.apply_schema_async()
                p_conn = await asyncpg.connect(pdsn)
                closers.append(p_conn.close)
                systems.append(Procrastinate(p_conn, pdsn, app))

            for p in args.workers:
                for system in systems:
                    print(f"Throughput: {system.name}, {p} worker process(es) ...", file=sys.stderr)
                    t = await throughput(
                        system,
                        log_dir,
                        workers=p,
                        concurrency=args.concurrency,
                        jobs=args.jobs,
                        batch=args.batch,
                        postmaster=postmaster,
                        profile_dir=args.profile,
                    )
                    report.throughput.append(t)
                    print(
                        f"  create+process {t.e2e_jobs_per_s:,.0f} jobs/s, "
                        f"process only {t.process_jobs_per_s:,.0f} jobs/s",
                        file=sys.stderr,
                    )

            if args.latency_samples:
                plans: list[tuple[QueueSystem, str, bool, float, int]] = [
                    (soundstage, "listen", True, 2.0, args.latency_samples)
                ]
                plans += [
                    (soundstage, f"poll {s:g}s", False, s, args.poll_samples)
                    for s in args.poll_intervals
                    if args.poll_samples
                ]
                if len(systems) > 1:
                    plans.append((systems[1], "listen", True, 5.0, args.latency_samples))
                for system, mode, listen, poll, samples in plans:
                    print(f"Dispatch latency: {system.name}, {mode} ...", file=sys.stderr)
                    lat = await latency(
                        system,
                        log_dir,
                        mode=mode,
                        listen=listen,
                        poll_seconds=poll,
                        concurrency=args.concurrency,
                        samples=samples,
                    )
                    report.latency.append(lat)
                    print(
                        f"  p50 {lat.client_p50_ms:.1f} ms, p99 {lat.client_p99_ms:.1f} ms",
                        file=sys.stderr,
                    )
        finally:
            for close in reversed(closers):
                with contextlib.suppress(Exception):
                    await close()
        used = CpuSnapshot.take([], postmaster) - run_start
        report.machine["other_cpu_cores"] = round(used.other / (time.monotonic() - wall_start), 2)
    evaluate(report)
    return report


def _int_list(value: str) -> list[int]:
    return [int(v) for v in value.split(",") if v.strip()]


def _float_list(value: str) -> list[float]:
    return [float(v) for v in value.split(",") if v.strip()]


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        description="Soundstage queue throughput and dispatch latency, Procrastinate as reference."
    )
    p.add_argument("--jobs", type=int, default=5000, help="no-op jobs per throughput phase")
    p.add_argument("--workers", type=_int_list, default=[1, 2, 4], help="worker process counts")
    p.add_argument("--concurrency", type=int, default=16, help="concurrent jobs per process")
    p.add_argument("--batch", type=int, default=100, help="jobs per insert, create+process")
    p.add_argument("--users", type=int, default=8, help="Soundstage users owning the jobs")
    p.add_argument("--max-running-per-user", type=int, default=1000)
    p.add_argument("--latency-samples", type=int, default=200, help="per LISTEN run; 0 skips")
    p.add_argument("--poll-samples", type=int, default=30, help="per polling run; 0 skips")
    p.add_argument(
        "--poll-intervals",
        type=_float_list,
        default=[2.0, 0.2],
        help="SOUNDSTAGE_WORKER_POLL_SECONDS values for the polling runs (2.0 is the default)",
    )
    p.add_argument("--no-procrastinate", action="store_true", help="Soundstage only")
    p.add_argument(
        "--profile",
        type=Path,
        metavar="DIR",
        help="py-spy every worker during create+process; raw stacks (flamegraph.pl input) here",
    )
    p.add_argument("--json", type=Path, help="save the results here")
    p.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    p.add_argument("--keep", action="store_true", help="keep the temporary directory")
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if not args.no_procrastinate:
        try:
            import procrastinate  # noqa: F401
        except ImportError:
            print(
                "bench/queue.py compares against Procrastinate, which is not installed:\n"
                "    .venv/bin/pip install procrastinate\n"
                "or run Soundstage alone with --no-procrastinate.",
                file=sys.stderr,
            )
            return 2
    if args.profile:
        args.profile.mkdir(parents=True, exist_ok=True)
    root = Path(tempfile.mkdtemp(prefix="soundstage-bench-queue-"))
    try:
        report = asyncio.run(run(args, root))
    except (KeyboardInterrupt, asyncio.CancelledError):
        print("interrupted", file=sys.stderr)
        return 130
    finally:
        if args.keep:
            print(f"kept {root}", file=sys.stderr)
        else:
            shutil.rmtree(root, ignore_errors=True)
    print(render(report))
    if args.json:
        args.json.write_text(json.dumps(asdict(report), indent=2) + "\n")
        print(f"\nsaved {args.json}")
    if args.strict and not all(c.passed for c in report.checks):
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
