"""``soundstage demo``: the first chapter of the corpus book, rendered with the
local voices on this machine, to show the whole path works (no key, no network)."""

from __future__ import annotations

import asyncio
import time
import uuid
from pathlib import Path

from soundstage.audiobooks.manuscript import decode_text
from soundstage.auth.repository import ensure_user
from soundstage.auth.tokens import Principal
from soundstage.config import Settings
from soundstage.db.migrate import migrate
from soundstage.engine import open_engine, resolve_dsn
from soundstage.jobs import repository as jobs_repo
from soundstage.jobs.schemas import JobCreate, JobStatus
from soundstage.jobs.service import JobService
from soundstage.worker import Worker

DEMO_EMAIL = "demo@soundstage.local"
# The public-domain book the test suite uses, in the source tree
CORPUS_BOOK = (
    Path(__file__).resolve().parents[3]
    / "tests" / "data" / "corpus" / "little-colonels-hero" / "15122-8.txt"
)  # fmt: skip


async def render_demo(
    settings: Settings, manuscript: Path, out_dir: Path, *, chapter: int = 1, dual: bool = True
) -> list[Path]:
    """Render one chapter through the real API service and a real worker;
    return the files written to ``out_dir``."""

    dsn = await resolve_dsn(settings)
    await migrate(dsn)
    async with open_engine(settings, dsn) as engine:
        async with engine.db.privileged() as conn:
            user_id = await ensure_user(conn, DEMO_EMAIL)
        who = Principal(
            user_id=user_id,
            email=DEMO_EMAIL,
            claims={"sub": str(user_id), "role": "authenticated", "aud": "authenticated"},
        )
        text = decode_text(await asyncio.to_thread(manuscript.read_bytes))
        body = JobCreate(
            kind="audiobook",
            params={
                "text": text,
                "chapters": [chapter],
                "mode": "dual" if dual else "single",
            },
        )
        service = JobService(engine)
        job = await service.create(who, body, f"demo-{uuid.uuid4()}", "http://127.0.0.1")
        print(f"job {job.id}: rendering chapter {chapter} of {manuscript.name} ...", flush=True)
        worker = Worker(
            engine.db, engine.storage, settings, dsn=dsn, concurrency=1, pipelines=engine.pipelines
        )
        running = asyncio.create_task(worker.run(grace_seconds=5))
        started = time.monotonic()
        last = ""
        try:
            while True:
                current = await service.get(who, job.id, "http://127.0.0.1")
                line = f"  {current.progress:3d}%  {current.stage or ''}"
                if line != last:
                    print(line, flush=True)
                    last = line
                if current.status in (JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.CANCELED):
                    break
                await asyncio.sleep(0.5)
        finally:
            worker.stop()
            await running
        if current.status is not JobStatus.SUCCEEDED:
            message = current.error.message if current.error else current.status.value
            raise SystemExit(f"the demo job did not finish: {message}")
        await asyncio.to_thread(out_dir.mkdir, parents=True, exist_ok=True)
        written = []
        async with engine.db.as_user(who.claims) as conn:
            rows = await jobs_repo.list_outputs(conn, [job.id])
        for row in rows:
            target = out_dir / row["name"]
            await engine.storage.download(row["bucket"], row["object_path"], target)
            written.append(target)
        print(f"done in {time.monotonic() - started:.0f} s", flush=True)
        return written
