"""storage3 (the supabase SDK's storage client) against the Supabase backend's
hand-written calls, for the two it does not make: storing and fetching a large
object (see docs/architecture.md, "Supabase Storage: SDK and hand-written calls").

Run it from the repository root::

    .venv/bin/python bench/storage_sdk.py            # a 64 MiB object
    .venv/bin/python bench/storage_sdk.py --mib 256

The fake Storage server of the tests (tests/fake_supabase_storage.py, real HTTP
on localhost) runs in a child process, so only the client's memory is counted.
For each way, one run under tracemalloc gives the peak of Python memory the
call allocated, and one run without it gives the wall time and the longest
stall of the event loop (a task that sleeps 5 ms and notes how late it wakes):
what a worker's other jobs, or an API process's other requests, would wait.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
import time
import tracemalloc
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
KEY = "bench-service-key-" + "k" * 32


def serve_forever() -> None:
    sys.path.insert(0, str(ROOT / "tests"))
    from fake_supabase_storage import FakeSupabaseStorage, serve

    with serve(FakeSupabaseStorage(KEY)) as fake:
        fake.add_bucket("renders")
        print(fake.url, flush=True)
        sys.stdin.read()  # until the parent closes it


async def stall_while(call: Callable[[], Awaitable[object]]) -> tuple[float, float]:
    """(wall seconds, longest event-loop stall in ms) while ``call`` runs."""
    loop = asyncio.get_running_loop()
    worst = 0.0
    done = asyncio.Event()

    async def tick() -> None:
        nonlocal worst
        while not done.is_set():
            before = loop.time()
            await asyncio.sleep(0.005)
            worst = max(worst, loop.time() - before - 0.005)

    ticker = asyncio.create_task(tick())
    started = time.perf_counter()
    await call()
    wall = time.perf_counter() - started
    done.set()
    await ticker
    return wall, worst * 1000


async def peak_while(call: Callable[[], Awaitable[object]]) -> float:
    """Peak of Python allocations in MiB while ``call`` runs."""
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        await call()
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


async def main(url: str, mib: int) -> None:
    from storage3 import AsyncStorageClient

    from soundstage.storage.supabase import SupabaseStorage

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        source = work / "take.wav"
        block = os.urandom(1 << 20)
        with source.open("wb") as out:
            for _ in range(mib):
                out.write(block)
        async with httpx.AsyncClient(timeout=httpx.Timeout(120.0, connect=5.0)) as http:
            storage = SupabaseStorage(url, KEY, http)
            headers = {"Authorization": f"Bearer {KEY}", "apikey": KEY}
            sdk_client = AsyncStorageClient(f"{url}/storage/v1/", headers, http_client=http)
            sdk = sdk_client.from_("renders")
            stored = f"{uuid.uuid4()}/{uuid.uuid4()}/take.wav"
            await storage.put_file("renders", stored, source, "audio/wav")

            async def sdk_download() -> None:
                data = await sdk.download(stored)
                await asyncio.to_thread((work / "sdk.wav").write_bytes, data)

            ways: dict[str, Callable[[], Awaitable[object]]] = {
                "upload, hand-written (raw body)": lambda: storage.put_file(
                    "renders", f"u/{uuid.uuid4()}/a.wav", source, "audio/wav"
                ),
                "upload, storage3 (multipart)": lambda: sdk.upload(
                    f"u/{uuid.uuid4()}/b.wav",
                    source,
                    {"content-type": "audio/wav", "upsert": "true"},
                ),
                "download to disk, hand-written": lambda: storage.download(
                    "renders", stored, work / "hand.wav"
                ),
                "download to disk, storage3": sdk_download,
            }
            print(f"{mib} MiB object, Python {sys.version.split()[0]}, httpx {httpx.__version__}")
            print(f"{'':34} {'wall s':>7} {'loop stall ms':>14} {'peak MiB':>9}")
            for name, call in ways.items():
                await call()  # warm: connections, imports
                wall, stall = await stall_while(call)
                peak = await peak_while(call)
                print(f"{name:34} {wall:7.2f} {stall:14.1f} {peak:9.1f}")


if __name__ == "__main__":
    if "--serve" in sys.argv:
        serve_forever()
    else:
        parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
        parser.add_argument("--mib", type=int, default=64, help="object size in MiB")
        args = parser.parse_args()
        server = subprocess.Popen(
            [sys.executable, __file__, "--serve"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert server.stdout and server.stdin
        try:
            asyncio.run(main(server.stdout.readline().strip(), args.mib))
        finally:
            server.stdin.close()
            server.wait(10)
