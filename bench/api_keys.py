"""What an API key costs per request, against an access token.

Run it from the repository root::

    .venv/bin/python bench/api_keys.py              # --requests 400

Starts its own ``soundstage api`` (embedded Postgres, fresh temporary data
dir), mints a development token, makes an API key with it and one ``tone``
job, then reads the job back ``--requests`` times over one keep-alive
connection with each credential in turn (token, ``X-API-Key``, token again),
after an unmeasured warm-up, and prints p50 / p90 / p99 latency. A key is
looked up in Postgres on every request (no cache, so revocation is immediate
on every replica); a token's verification is cached in process until it
expires. The difference is that lookup. Sequential on purpose: it measures the
added latency, not throughput. Linux, standard library plus httpx.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).parent))
from engine_proc import Server, engine_env, free_port, mint_token, soundstage, stop_database


def _measure(client: httpx.Client, path: str, headers: dict[str, str], n: int) -> list[float]:
    for _ in range(min(50, n)):  # warm-up: pool connections, caches, plans
        client.get(path, headers=headers).raise_for_status()
    out: list[float] = []
    for _ in range(n):
        start = time.perf_counter()
        client.get(path, headers=headers).raise_for_status()
        out.append((time.perf_counter() - start) * 1000)
    return sorted(out)


def _pct(values: list[float], p: float) -> float:
    return values[min(len(values) - 1, int(p * len(values)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=400)
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="soundstage-bench-keys-"))
    env = engine_env(root / "data", drop_prefixes=("SOUNDSTAGE_",))
    env.update({"SOUNDSTAGE_ENV": "development", "SOUNDSTAGE_DATA_DIR": str(root / "data")})
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    server = Server(
        "engine",
        soundstage("api", "--host", "127.0.0.1", "--port", str(port), "--no-access-log"),
        env,
        root / "engine.log",
    )
    try:
        server.wait_ready(f"{url}/ready")
        token = mint_token("bench-keys@example.com", env, root)
        bearer = {"Authorization": f"Bearer {token}"}
        with httpx.Client(base_url=url, timeout=30) as client:
            key = client.post(
                "/v1/api-keys",
                json={"name": "bench", "scopes": ["jobs:read", "jobs:write"]},
                headers=bearer,
            ).json()["key"]
            job = client.post(
                "/v1/jobs", json={"kind": "tone", "params": {"seconds": 1}}, headers=bearer
            ).json()["id"]
            path = f"/v1/jobs/{job}"
            runs = [
                ("token", _measure(client, path, bearer, args.requests)),
                ("X-API-Key", _measure(client, path, {"X-API-Key": key}, args.requests)),
                ("token (again)", _measure(client, path, bearer, args.requests)),
            ]
        print(f"GET /v1/jobs/{{id}}, {args.requests} sequential requests each, one connection")
        print(f"{'credential':<14} {'p50 ms':>8} {'p90 ms':>8} {'p99 ms':>8} {'mean ms':>8}")
        for name, values in runs:
            print(
                f"{name:<14} {_pct(values, 0.5):>8.2f} {_pct(values, 0.9):>8.2f} "
                f"{_pct(values, 0.99):>8.2f} {statistics.fmean(values):>8.2f}"
            )
        tokens = statistics.median(runs[0][1] + runs[2][1])
        print(f"added by the key lookup (p50): {statistics.median(runs[1][1]) - tokens:+.2f} ms")
    finally:
        server.stop()
        stop_database(env, root)
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
