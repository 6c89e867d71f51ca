"""Webhook delivery latency: job completions to signed POSTs at a local receiver.

Run it from the repository root::

    .venv/bin/python bench/webhooks.py
    .venv/bin/python bench/webhooks.py --jobs 1000 --workers 1 --concurrency 8

What it does:

1. Starts an embedded Postgres in a temporary directory and migrates it.
2. Starts a receiver on a local port (asyncio, HTTP/1.1 keep-alive) that
   answers 200 and notes when each request arrived, and registers one webhook
   per ``--users`` user for ``job.succeeded``.
3. Starts ``--workers`` real worker processes (``python -m soundstage worker``,
   the no-op ``bench_noop`` kind) and waits until they are up.
4. Inserts ``--jobs`` jobs (spread over the users, in one transaction). The
   workers run and complete them (the batched success write); the jobs
   table's trigger writes each event to the outbox in the same transaction as
   the state change, and the workers' delivery loops send them.
5. Prints, over all deliveries: p50/p90/p99/max of *state change to receipt*
   (the event's ``timestamp``, which is ``clock_timestamp()`` in the trigger,
   to the receiver's clock on arrival; same machine, same clock) and the
   deliveries per second from the first completion to the last receipt. The
   target: p99 under 5 s. Every signature is checked.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
NOOP_ENTRY = Path(__file__).resolve().parent / "noop_pipeline.py"  # the CLI + bench_noop
TARGET_P99_SECONDS = 5.0


class Receiver:
    """A minimal HTTP/1.1 server: reads each request, answers 200, notes it."""

    def __init__(self) -> None:
        self.arrivals: list[tuple[float, dict[str, str], bytes]] = []
        self.done = asyncio.Event()
        self.expected = 0
        self.server: asyncio.Server | None = None

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                lines = head.decode("latin-1").split("\r\n")
                headers = {}
                for line in lines[1:]:
                    if ":" in line:
                        name, _, value = line.partition(":")
                        headers[name.strip().lower()] = value.strip()
                body = await reader.readexactly(int(headers.get("content-length", "0")))
                self.arrivals.append((time.time(), headers, body))
                writer.write(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n")
                await writer.drain()
                if len(self.arrivals) >= self.expected:
                    self.done.set()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    async def start(self) -> int:
        self.server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        port: int = self.server.sockets[0].getsockname()[1]
        return port


def _percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


@contextlib.asynccontextmanager
async def _embedded(root: Path) -> AsyncIterator[str]:
    from soundstage.db.embedded import ensure_embedded, stop_embedded

    try:
        yield await ensure_embedded(root)
    finally:
        await asyncio.to_thread(stop_embedded, root)


def _worker_env(dsn: str, data_dir: Path, args: argparse.Namespace) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k != "DATABASE_URL" and not k.startswith(("SUPABASE_", "SOUNDSTAGE_"))
    }
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), env.get("PYTHONPATH")) if p)
    return {
        **env,
        "DATABASE_URL": dsn,
        "SOUNDSTAGE_ENV": "development",
        "SOUNDSTAGE_DATA_DIR": str(data_dir),
        "SOUNDSTAGE_QUEUE_MAX_RUNNING_PER_USER": "1000",
        "SOUNDSTAGE_DB_POOL_MAX": str(args.concurrency + 4),
        "SOUNDSTAGE_WEBHOOK_CONCURRENCY": str(args.webhook_concurrency),
        "SOUNDSTAGE_LOG_FORMAT": "json",
    }


def _spawn(dsn: str, root: Path, n: int, args: argparse.Namespace) -> subprocess.Popen[bytes]:
    argv = [sys.executable, str(NOOP_ENTRY), "worker", "--concurrency", str(args.concurrency)]
    with (root / f"worker-{n}.log").open("w") as log:
        return subprocess.Popen(
            argv, env=_worker_env(dsn, root / "data", args), stdout=subprocess.DEVNULL, stderr=log
        )


def _stop(procs: list[subprocess.Popen[bytes]]) -> None:
    for p in procs:
        p.terminate()
    for p in procs:
        try:
            p.wait(10)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()


async def run(args: argparse.Namespace, root: Path) -> int:
    import asyncpg

    from soundstage.db.migrate import migrate
    from soundstage.webhooks.signing import new_secret, sign

    async with _embedded(root / "db") as dsn:
        await migrate(dsn)
        conn = await asyncpg.connect(dsn)
        receiver = Receiver()
        receiver.expected = args.jobs
        port = await receiver.start()
        users: list[uuid.UUID] = []
        secrets: dict[uuid.UUID, str] = {}
        for i in range(args.users):
            user_id = await conn.fetchval(
                "insert into auth.users (email) values ($1) returning id", f"bench-{i}@example.com"
            )
            secret = new_secret()
            await conn.execute(
                "insert into soundstage.webhooks (user_id, url, events, secret) "
                "values ($1, $2, $3, $4)",
                user_id,
                f"http://127.0.0.1:{port}/hook",
                ["job.succeeded"],
                secret,
            )
            users.append(user_id)
            secrets[user_id] = secret

        procs = [_spawn(dsn, root, n, args) for n in range(args.workers)]
        try:
            # up once each worker LISTENs
            deadline = time.monotonic() + 60
            while (
                await conn.fetchval(
                    "select count(*) from pg_stat_activity where query ilike 'listen %'"
                )
                < args.workers
            ):
                if time.monotonic() > deadline:
                    raise RuntimeError("the workers did not start")
                await asyncio.sleep(0.1)

            print(f"{args.jobs} jobs, {args.workers} worker(s) x {args.concurrency} jobs, "
                  f"webhook concurrency {args.webhook_concurrency}", file=sys.stderr)  # fmt: skip
            await conn.execute(
                "insert into soundstage.jobs (user_id, kind) "
                "select ($1::uuid[])[1 + i % $2], 'bench_noop' from generate_series(0, $3 - 1) i",
                users,
                len(users),
                args.jobs,
            )
            await asyncio.wait_for(receiver.done.wait(), args.timeout)
        finally:
            await asyncio.to_thread(_stop, procs)

        first_completion = await conn.fetchval(
            "select extract(epoch from min(finished_at))::float8 from soundstage.jobs"
        )
        outbox = await conn.fetchval(
            "select count(*) from soundstage.webhook_outbox where status = 'succeeded'"
        )
        await conn.close()

    latencies: list[float] = []
    owner_of: dict[str, uuid.UUID] = {}
    bad = 0
    for at, headers, body in receiver.arrivals:
        event = json.loads(body)
        latencies.append(at - datetime.fromisoformat(event["timestamp"]).timestamp())
        owner_of[headers["webhook-id"]] = uuid.UUID(str(event["data"]["id"]))
        # verify against every user's secret (one of them signed it)
        expected = {
            sign(s, headers["webhook-id"], int(headers["webhook-timestamp"]), body)
            for s in secrets.values()
        }
        bad += headers["webhook-signature"] not in expected
    last_receipt = max(at for at, _, _ in receiver.arrivals)
    span = last_receipt - first_completion
    p99 = _percentile(latencies, 99)
    print()
    print(f"deliveries          {len(receiver.arrivals)} (outbox succeeded: {outbox}, "
          f"distinct webhook-ids: {len(owner_of)}, bad signatures: {bad})")  # fmt: skip
    ms = {p: _percentile(latencies, p) * 1000 for p in (50, 90)}
    print(f"state change -> receipt  p50 {ms[50]:.0f} ms  p90 {ms[90]:.0f} ms  "
          f"p99 {p99 * 1000:.0f} ms  max {max(latencies) * 1000:.0f} ms  "
          f"mean {statistics.fmean(latencies) * 1000:.0f} ms")  # fmt: skip
    print(f"throughput          {len(receiver.arrivals) / span:.0f} deliveries/s "
          f"(first completion to last receipt, {span:.2f} s)")  # fmt: skip
    ok = p99 < TARGET_P99_SECONDS and bad == 0 and len(owner_of) == args.jobs
    print(f"target p99 < {TARGET_P99_SECONDS:g} s: {'PASS' if ok else 'FAIL'}")
    return 0 if ok or not args.strict else 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--jobs", type=int, default=1000)
    parser.add_argument("--users", type=int, default=10)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--concurrency", type=int, default=8, help="jobs per worker")
    parser.add_argument("--webhook-concurrency", type=int, default=16)
    parser.add_argument("--timeout", type=float, default=300)
    parser.add_argument("--strict", action="store_true", help="exit 1 when the target is missed")
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="soundstage-bench-webhooks-"))
    try:
        sys.exit(asyncio.run(run(args, root)))
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
