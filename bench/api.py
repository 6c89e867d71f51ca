"""API throughput and latency: the engine's authenticated job routes against a bare ASGI app.

Run it from the repository root::

    make bench                      # = .venv/bin/python bench/api.py
    .venv/bin/python bench/api.py --seconds 20 --connections 64 --json bench.json

What it does, in one run:

1. Starts its own engine, ``soundstage api`` (no worker, so created jobs only
   queue), on a free port with a fresh data dir (a temporary one unless
   ``--data-dir`` is given), access log off, and waits for ``/ready``.
2. Mints a development token with ``soundstage token`` and creates one ``tone``
   job to read back.
3. Starts ``bench/hello_asgi.py`` - a bare ASGI hello-world - under uvicorn with
   the engine's own uvicorn options (one process, uvicorn's default event loop
   and HTTP parser: uvloop and httptools when installed).
4. Drives each target in turn with ``--connections`` keep-alive clients for
   ``--seconds`` (after an unmeasured ``--warmup``): the hello-world, then the
   authenticated ``GET /v1/jobs/{id}`` (RLS on: the request runs as the API role
   with the caller's claims), then ``POST /v1/jobs``.
5. Prints requests/s, p50 and p99 latency and errors (non-2xx answers plus socket
   errors and timeouts) per target, the CPU each process used, and checks the
   targets: the job read reaches at least 40% of the hello-world's requests/s
   with a p99 under 100 ms. ``--json FILE`` saves everything; ``--strict`` exits
   1 when a target is missed.
6. Stops both servers and the embedded Postgres (``soundstage db stop``) and
   removes the temporary data dir.

The load generator is ``wrk`` when it is on ``PATH`` (``apt-get install wrk``),
otherwise a small keep-alive HTTP/1.1 client on asyncio streams running in a
separate process (this file, ``_loadgen`` mode). ``--loadgen`` forces either.
Both run closed-loop: each connection sends its next request when the previous
answer arrived, so latency is measured at the offered concurrency.

The engine's settings come from ``SOUNDSTAGE_*`` variables in the environment
(for example ``SOUNDSTAGE_DB_POOL_MAX``), except the data dir and the
environment, which the benchmark sets; ``DATABASE_URL`` and ``SUPABASE_*`` are
dropped and no ``.env`` is read, so the run always uses the embedded database.
Linux only (CPU figures come from ``/proc``).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import json
import math
import os
import platform
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from engine_proc import HOST, Server, engine_env, free_port, mint_token, soundstage, stop_database
from procstat import (
    cpu_model,
    machine_busy_seconds,
    postgres_pids,
    postmaster_pid,
    proc_cpu_seconds,
)

BENCH_DIR = Path(__file__).resolve().parent
EMAIL = "bench@example.com"
TONE_JOB: dict[str, Any] = {
    "kind": "tone",
    "params": {"frequency_hz": 440, "seconds": 1, "format": "wav"},
}
# The same uvicorn options `soundstage api` passes (see soundstage/cli.py).
UVICORN_OPTIONS = [
    "--log-level",
    "warning",
    "--no-access-log",
    "--proxy-headers",
    "--forwarded-allow-ips",
    HOST,
]
# Limits that would otherwise stop a 20 s POST flood from one user and one address
# with 429s. Raised, not turned off (0), so the limiter's own cost is still measured.
ENGINE_ENV = {
    "SOUNDSTAGE_QUEUE_MAX_QUEUED_PER_USER": "1000000",
    "SOUNDSTAGE_RATE_LIMIT_JOBS_PER_MINUTE": "100000000",
    "SOUNDSTAGE_RATE_LIMIT_JOBS_PER_IP_PER_MINUTE": "100000000",
}
TARGET_RATIO = 0.40
TARGET_P99_MS = 100.0


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class Target:
    """One thing to load: a method and URL with its headers and body."""

    name: str
    url: str
    method: str = "GET"
    headers: dict[str, str] = field(default_factory=dict)
    body: str | None = None


@dataclass
class LoadResult:
    """What a load generator measured over one run."""

    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    non_2xx: int
    socket_errors: int

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds > 0 else 0.0


@dataclass
class Row:
    """One line of the report."""

    target: str
    requests: int
    seconds: float
    requests_per_s: float
    p50_ms: float
    p99_ms: float
    errors: int
    non_2xx: int
    socket_errors: int
    server_cpu_pct: float | None
    server_cpu_us_per_request: float | None
    postgres_cpu_pct: float | None
    loadgen_cpu_pct: float | None
    other_cpu_pct: float | None


# --------------------------------------------------------------------------- processes


def http_json(
    url: str, *, method: str = "GET", token: str | None = None, body: Any = None
) -> tuple[int, Any]:
    headers = {"Content-Type": "application/json"} if body is not None else {}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode(errors="replace")


# --------------------------------------------------------------------------- CPU accounting


class CpuMeter:
    """CPU used by the server, the embedded Postgres and the load generator over a run."""

    def __init__(self, server_pid: int, data_dir: Path | None) -> None:
        self.server_pid = server_pid
        self.data_dir = data_dir

    def _sample(self) -> tuple[float | None, dict[int, float], float, float | None]:
        busy = machine_busy_seconds()
        server = proc_cpu_seconds(self.server_pid)
        pg: dict[int, float] = {}
        postmaster = postmaster_pid(self.data_dir / "pg") if self.data_dir is not None else None
        if postmaster is not None:
            for pid in postgres_pids(postmaster):
                if (cpu := proc_cpu_seconds(pid)) is not None:
                    pg[pid] = cpu
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        return server, pg, children.ru_utime + children.ru_stime, busy

    @contextlib.contextmanager
    def measure(self) -> Iterator[dict[str, float | None]]:
        out: dict[str, float | None] = {}
        server0, pg0, kids0, busy0 = self._sample()
        t0 = time.monotonic()
        yield out
        wall = time.monotonic() - t0
        server1, pg1, kids1, busy1 = self._sample()

        def pct(cpu: float | None) -> float | None:
            return None if cpu is None or wall <= 0 else round(100 * cpu / wall, 1)

        server = server1 - server0 if server0 is not None and server1 is not None else None
        out["server_seconds"] = server
        out["server"] = pct(server)
        out["postgres"] = (
            pct(sum(v - pg0.get(pid, 0.0) for pid, v in pg1.items()))
            if self.data_dir is not None
            else None
        )
        # Load generators are the only children reaped during a run.
        out["loadgen"] = pct(kids1 - kids0)
        # Whatever else ran on the machine meanwhile: it competed for the same cores.
        ours = sum(v for k, v in out.items() if v is not None and k != "server_seconds")
        busy = pct(busy1 - busy0 if busy0 is not None and busy1 is not None else None)
        out["other"] = None if busy is None else max(0.0, round(busy - ours, 1))


# --------------------------------------------------------------------------- wrk


def lua_string(text: str) -> str:
    assert "]==]" not in text
    return f"[==[{text}]==]"


def wrk_script(target: Target) -> str:
    lines = [f"wrk.method = {lua_string(target.method)}"]
    if target.body is not None:
        lines.append(f"wrk.body = {lua_string(target.body)}")
    for name, value in target.headers.items():
        lines.append(f"wrk.headers[ {lua_string(name)} ] = {lua_string(value)}")
    # done() sees the totals of every thread; print them as one JSON line.
    lines.append(
        """
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH_RESULT {"requests":%.0f,"duration_us":%.0f,"p50_us":%.1f,"p99_us":%.1f,'
      .. '"connect":%.0f,"read":%.0f,"write":%.0f,"status":%.0f,"timeout":%.0f}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.connect, e.read, e.write, e.status, e.timeout))
end
"""
    )
    return "\n".join(lines)


def wrk_version(wrk: str) -> str:
    proc = subprocess.run([wrk, "-v"], capture_output=True, text=True, check=False)
    first = (proc.stdout or proc.stderr).strip().splitlines()
    return first[0].split(" Copyright")[0] if first else "wrk"


def run_wrk(
    wrk: str, target: Target, seconds: int, connections: int, threads: int, workdir: Path
) -> LoadResult:
    script = workdir / "bench.lua"
    script.write_text(wrk_script(target))
    argv = [
        wrk,
        f"--threads={threads}",
        f"--connections={connections}",
        f"--duration={seconds}s",
        "--timeout=10s",
        "--latency",
        f"--script={script}",
        target.url,
    ]
    proc = subprocess.run(argv, capture_output=True, text=True, check=False)
    for line in proc.stdout.splitlines():
        if line.startswith("BENCH_RESULT "):
            data = json.loads(line.removeprefix("BENCH_RESULT "))
            return LoadResult(
                requests=int(data["requests"]),
                seconds=data["duration_us"] / 1e6,
                p50_ms=data["p50_us"] / 1000,
                p99_ms=data["p99_us"] / 1000,
                # wrk counts answers with a status above 399; 3xx never happens here.
                non_2xx=int(data["status"]),
                socket_errors=int(data["connect"] + data["read"] + data["write"] + data["timeout"]),
            )
    raise RuntimeError(f"wrk failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")


# --------------------------------------------------------------------------- Python client


class _Connection:
    """One keep-alive HTTP/1.1 connection that sends a fixed request."""

    def __init__(self, host: str, port: int, request: bytes) -> None:
        self.host = host
        self.port = port
        self.request = request
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            with contextlib.suppress(OSError, ConnectionError):
                await self.writer.wait_closed()
        self.reader = self.writer = None

    async def roundtrip(self) -> int:
        """Send the request, read the whole answer; return its status."""
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        assert self.reader is not None
        self.writer.write(self.request)
        head = await self.reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        headers: dict[str, str] = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            if name:
                headers[name.strip().lower()] = value.strip()
        if "content-length" in headers:
            await self.reader.readexactly(int(headers["content-length"]))
        elif headers.get("transfer-encoding", "").lower() == "chunked":
            while True:
                size = int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16)
                await self.reader.readexactly(size + 2)
                if size == 0:
                    break
        if headers.get("connection", "").lower() == "close":
            await self.close()
        return status


def _percentile(sorted_values: list[float], p: float) -> float:
    if not sorted_values:
        return float("nan")
    rank = max(1, math.ceil(p / 100 * len(sorted_values)))
    return sorted_values[rank - 1]


async def _python_load(spec: dict[str, Any]) -> dict[str, Any]:
    path = spec["path"]
    body = (spec.get("body") or "").encode()
    head = [f"{spec['method']} {path} HTTP/1.1", f"Host: {spec['host']}:{spec['port']}"]
    head += [f"{k}: {v}" for k, v in spec["headers"].items()]
    if spec["method"] != "GET" or body:
        head.append(f"Content-Length: {len(body)}")
    request = ("\r\n".join(head) + "\r\n\r\n").encode() + body

    latencies: list[float] = []
    statuses: Counter[int] = Counter()
    socket_errors = 0
    start = time.perf_counter()
    deadline = start + spec["seconds"]

    async def client() -> None:
        nonlocal socket_errors
        conn = _Connection(spec["host"], spec["port"], request)
        try:
            while (t0 := time.perf_counter()) < deadline:
                try:
                    status = await conn.roundtrip()
                except (
                    OSError,
                    asyncio.IncompleteReadError,
                    asyncio.LimitOverrunError,
                    ValueError,
                ):
                    socket_errors += 1
                    await conn.close()
                    continue
                t1 = time.perf_counter()
                if t1 <= deadline:
                    latencies.append(t1 - t0)
                    statuses[status] += 1
        finally:
            await conn.close()

    await asyncio.gather(*(client() for _ in range(spec["connections"])))
    latencies.sort()
    return {
        "requests": len(latencies),
        "seconds": deadline - start,
        "p50_ms": _percentile(latencies, 50) * 1000,
        "p99_ms": _percentile(latencies, 99) * 1000,
        "non_2xx": sum(n for s, n in statuses.items() if not 200 <= s < 300),
        "socket_errors": socket_errors,
    }


def loadgen_main(spec_json: str) -> None:
    """``bench/api.py _loadgen SPEC``: run the Python client, print its result as JSON."""
    spec = json.loads(spec_json)
    try:
        import uvloop

        runner: Any = uvloop.run
    except ImportError:
        runner = asyncio.run
    print(json.dumps(runner(_python_load(spec))))


def run_python_client(target: Target, seconds: int, connections: int) -> LoadResult:
    from urllib.parse import urlsplit

    url = urlsplit(target.url)
    spec = {
        "host": url.hostname,
        "port": url.port,
        "path": url.path or "/",
        "method": target.method,
        "headers": target.headers,
        "body": target.body,
        "seconds": seconds,
        "connections": connections,
    }
    proc = subprocess.run(
        [sys.executable, __file__, "_loadgen", json.dumps(spec)],
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"load generator failed ({proc.returncode}):\n{proc.stderr}")
    data = json.loads(proc.stdout.strip().splitlines()[-1])
    return LoadResult(**data)


# --------------------------------------------------------------------------- report


def machine() -> dict[str, Any]:
    return {
        "nproc": os.cpu_count(),
        "cpu_model": cpu_model() or platform.processor() or "unknown",
        "python": platform.python_version(),
        "platform": platform.platform(),
    }


def fmt(value: float | None, digits: int = 1) -> str:
    return "-" if value is None or math.isnan(value) else f"{value:,.{digits}f}"


def print_table(rows: list[Row]) -> None:
    columns = [
        ("target", 22, "<"),
        ("requests/s", 11, ">"),
        ("p50 ms", 8, ">"),
        ("p99 ms", 8, ">"),
        ("errors", 7, ">"),
        ("server CPU%", 12, ">"),
        ("µs CPU/req", 11, ">"),
        ("postgres CPU%", 14, ">"),
        ("loadgen CPU%", 13, ">"),
        ("other CPU%", 11, ">"),
    ]
    print("  ".join(f"{name:{align}{width}}" for name, width, align in columns))
    for row in rows:
        cells = [
            row.target,
            fmt(row.requests_per_s, 0),
            fmt(row.p50_ms, 2),
            fmt(row.p99_ms, 2),
            str(row.errors),
            fmt(row.server_cpu_pct, 0),
            fmt(row.server_cpu_us_per_request, 0),
            fmt(row.postgres_cpu_pct, 0),
            fmt(row.loadgen_cpu_pct, 0),
            fmt(row.other_cpu_pct, 0),
        ]
        print(
            "  ".join(
                f"{cell:{align}{width}}"
                for cell, (_, width, align) in zip(cells, columns, strict=True)
            )
        )


# --------------------------------------------------------------------------- main


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Engine API throughput against a bare ASGI hello-world."
    )
    parser.add_argument("--seconds", type=int, default=20, help="measured seconds per target")
    parser.add_argument("--connections", type=int, default=64, help="concurrent clients")
    parser.add_argument(
        "--warmup", type=int, default=2, help="unmeasured seconds before each target"
    )
    parser.add_argument(
        "--loadgen",
        choices=("auto", "wrk", "python"),
        default="auto",
        help="wrk when on PATH (auto), or the built-in Python client",
    )
    parser.add_argument("--threads", type=int, default=1, help="wrk threads")
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=None,
        help="the engine's data dir (default: a temporary one, removed afterwards)",
    )
    parser.add_argument(
        "--with-health",
        action="store_true",
        help="also load the engine's GET /health (framework overhead without auth or SQL)",
    )
    parser.add_argument("--json", type=Path, default=None, help="also save the results here")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args(argv)
    if args.seconds < 1 or args.connections < 1 or args.warmup < 0 or args.threads < 1:
        parser.error("--seconds, --connections and --threads must be positive")
    if args.threads > args.connections:
        parser.error("--threads may not exceed --connections")
    return args


def run(args: argparse.Namespace) -> int:
    wrk = shutil.which("wrk") if args.loadgen in ("auto", "wrk") else None
    if args.loadgen == "wrk" and wrk is None:
        sys.exit("bench: --loadgen wrk but wrk is not on PATH (apt-get install wrk)")
    loadgen = (
        f"{wrk_version(wrk)} ({args.threads} thread{'s' if args.threads > 1 else ''})"
        if wrk
        else "python asyncio keep-alive client (1 process)"
    )

    temporary = args.data_dir is None
    data_dir = (
        Path(tempfile.mkdtemp(prefix="soundstage-bench-"))
        if temporary
        else args.data_dir.expanduser().resolve()
    )
    data_dir.mkdir(parents=True, exist_ok=True)
    workdir = Path(tempfile.mkdtemp(prefix="soundstage-bench-run-"))
    env = engine_env(data_dir, ENGINE_ENV)
    servers: list[Server] = []
    try:
        print(f"data dir: {data_dir}", file=sys.stderr)
        token = mint_token(EMAIL, env, workdir)

        engine_port = free_port()
        engine = Server(
            "engine",
            soundstage(
                "api",
                "--host",
                HOST,
                "--port",
                str(engine_port),
                "--log-level",
                "warning",
                "--no-access-log",
            ),
            env,
            workdir / "engine.log",
        )
        servers.append(engine)
        hello_port = free_port()
        hello = Server(
            "hello-world",
            [
                sys.executable,
                "-m",
                "uvicorn",
                "hello_asgi:app",
                "--app-dir",
                str(BENCH_DIR),
                "--host",
                HOST,
                "--port",
                str(hello_port),
                *UVICORN_OPTIONS,
            ],
            env,
            workdir / "hello.log",
        )
        servers.append(hello)
        engine_url = f"http://{HOST}:{engine_port}"
        hello_url = f"http://{HOST}:{hello_port}"
        engine.wait_ready(f"{engine_url}/ready")
        hello.wait_ready(f"{hello_url}/")

        status, job = http_json(f"{engine_url}/v1/jobs", method="POST", token=token, body=TONE_JOB)
        if status != 202:
            raise RuntimeError(f"POST /v1/jobs answered {status}: {job}")
        status, read = http_json(f"{engine_url}/v1/jobs/{job['id']}", token=token)
        if status != 200:
            raise RuntimeError(f"GET /v1/jobs/{{id}} answered {status}: {read}")

        auth = {"Authorization": f"Bearer {token}"}
        plan = [
            (hello, None, Target("hello-world (ASGI)", f"{hello_url}/")),
            (
                engine,
                data_dir,
                Target("GET /v1/jobs/{id}", f"{engine_url}/v1/jobs/{job['id']}", headers=auth),
            ),
            (
                engine,
                data_dir,
                Target(
                    "POST /v1/jobs",
                    f"{engine_url}/v1/jobs",
                    method="POST",
                    headers={**auth, "Content-Type": "application/json"},
                    body=json.dumps(TONE_JOB, separators=(",", ":")),
                ),
            ),
        ]
        if args.with_health:
            # The framework's floor: FastAPI and the engine's middleware, no auth, no SQL.
            plan.append((engine, data_dir, Target("GET /health", f"{engine_url}/health")))
        print(
            f"load generator: {loadgen}; {args.connections} connections, "
            f"{args.warmup} s warm-up + {args.seconds} s per target",
            file=sys.stderr,
        )

        def load(target: Target, seconds: int) -> LoadResult:
            if wrk:
                return run_wrk(wrk, target, seconds, args.connections, args.threads, workdir)
            return run_python_client(target, seconds, args.connections)

        rows: list[Row] = []
        for server, pg_dir, target in plan:
            print(f"  {target.name} ...", file=sys.stderr, flush=True)
            if args.warmup:
                load(target, args.warmup)
            meter = CpuMeter(server.pid, pg_dir)
            with meter.measure() as cpu:
                result = load(target, args.seconds)
            rows.append(
                Row(
                    target=target.name,
                    requests=result.requests,
                    seconds=round(result.seconds, 3),
                    requests_per_s=round(result.rps, 1),
                    p50_ms=round(result.p50_ms, 3),
                    p99_ms=round(result.p99_ms, 3),
                    errors=result.non_2xx + result.socket_errors,
                    non_2xx=result.non_2xx,
                    socket_errors=result.socket_errors,
                    server_cpu_pct=cpu["server"],
                    server_cpu_us_per_request=(
                        round(1e6 * server_s / result.requests, 1)
                        if (server_s := cpu["server_seconds"]) is not None and result.requests
                        else None
                    ),
                    postgres_cpu_pct=cpu["postgres"],
                    loadgen_cpu_pct=cpu["loadgen"],
                    other_cpu_pct=cpu["other"],
                )
            )
            if not server.alive():
                raise RuntimeError(f"{server.name} died during the run:\n{server.log_tail()}")

        hello_row, get_row = rows[0], rows[1]
        ratio = get_row.requests_per_s / hello_row.requests_per_s if hello_row.requests_per_s else 0
        ratio_ok = ratio >= TARGET_RATIO
        p99_ok = get_row.p99_ms < TARGET_P99_MS
        errors_ok = get_row.errors == 0

        print()
        print(f"load generator: {loadgen}")
        print(
            f"{args.connections} connections, {args.seconds} s per target "
            f"(after {args.warmup} s warm-up); CPU% is of one core"
        )
        print()
        print_table(rows)
        print()
        print(
            f"GET job / hello-world requests/s: {ratio:.1%} "
            f"(target >= {TARGET_RATIO:.0%}): {'PASS' if ratio_ok else 'FAIL'}"
        )
        print(
            f"GET job p99: {get_row.p99_ms:.1f} ms (target < {TARGET_P99_MS:.0f} ms): "
            f"{'PASS' if p99_ok else 'FAIL'}"
        )
        hello_us, get_us = hello_row.server_cpu_us_per_request, get_row.server_cpu_us_per_request
        if hello_us and get_us:
            # Less sensitive to other load than requests/s: CPU time, not wall time.
            print(
                f"server CPU per request: GET job {get_us:.0f} µs, hello-world {hello_us:.0f} µs "
                f"({get_us / hello_us:.1f}x; a CPU-bound server's ratio is near "
                f"{hello_us / get_us:.1%})"
            )
        if not errors_ok:
            print(f"GET job errors: {get_row.errors} (expected 0)")
        busy_others = [r.target for r in rows if (r.other_cpu_pct or 0) > 10]
        if busy_others:
            print(
                "warning: other processes used more than 10% of a core during "
                f"{', '.join(busy_others)}; those figures are understated"
            )

        if args.json:
            report = {
                "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                "command": " ".join([Path(sys.executable).name, *sys.argv]),
                "machine": machine(),
                "load_generator": loadgen,
                "connections": args.connections,
                "seconds": args.seconds,
                "warmup_seconds": args.warmup,
                "results": [asdict(r) for r in rows],
                "get_to_hello_ratio": round(ratio, 4),
                "get_to_hello_cpu_ratio": (
                    round(hello_us / get_us, 4) if hello_us and get_us else None
                ),
                "targets": {
                    "ratio_min": TARGET_RATIO,
                    "ratio_met": ratio_ok,
                    "p99_max_ms": TARGET_P99_MS,
                    "p99_met": p99_ok,
                },
            }
            args.json.write_text(json.dumps(report, indent=2) + "\n")
            print(f"\nresults saved to {args.json}")
        return 0 if (ratio_ok and p99_ok and errors_ok) or not args.strict else 1
    finally:
        for server in reversed(servers):
            server.stop(timeout=15)
        stop_database(env, workdir)
        shutil.rmtree(workdir, ignore_errors=True)
        if temporary:
            shutil.rmtree(data_dir, ignore_errors=True)


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "_loadgen":
        loadgen_main(sys.argv[2])
        return
    args = parse_args()

    def terminate(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, terminate)
    try:
        sys.exit(run(args))
    except KeyboardInterrupt:
        sys.exit(130)
    except (RuntimeError, subprocess.CalledProcessError) as exc:
        detail = getattr(exc, "stderr", None) or ""
        sys.exit(f"bench: {exc}\n{detail}".rstrip())


if __name__ == "__main__":
    main()
