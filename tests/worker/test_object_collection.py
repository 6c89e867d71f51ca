"""The worker's reaper also sweeps project files that nothing names any more
(those a cascade released), so they do not stay in storage for ever."""

from __future__ import annotations

import asyncio
import hashlib
from pathlib import Path

import asyncpg
import pytest

from pipelines_for_tests import TEST_KINDS
from soundstage.config import Settings
from soundstage.resources import Engine
from soundstage.worker import Worker, runner


async def test_the_reaper_collects_unreferenced_objects(
    engine: Engine, settings: Settings, dsn: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = b"a stem nobody keeps"
    sha = hashlib.sha256(data + tmp_path.name.encode()).hexdigest()
    path = f"objects/{sha[:2]}/{sha}"
    source = tmp_path / "object.bin"
    source.write_bytes(data)
    await engine.storage.put_file("renders", path, source, "application/octet-stream")
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute(
            "insert into soundstage_private.stored_objects (sha256, bucket, object_path, bytes, "
            "content_type)"
            " values ($1, 'renders', $2, $3, 'application/octet-stream')",
            sha,
            path,
            len(data),
        )
        monkeypatch.setattr(runner, "COLLECT_OBJECTS_SECONDS", 0.0)
        worker = Worker(
            engine.db, engine.storage, settings, dsn=dsn, concurrency=1, pipelines=TEST_KINDS
        )
        task = asyncio.create_task(worker.run(grace_seconds=1))
        try:
            for _ in range(100):
                if (
                    await conn.fetchval(
                        "select count(*) from soundstage_private.stored_objects where sha256 = $1",
                        sha,
                    )
                    == 0
                ):
                    break
                await asyncio.sleep(0.1)
        finally:
            worker.stop()
            await task
        assert (
            await conn.fetchval(
                "select count(*) from soundstage_private.stored_objects where sha256 = $1", sha
            )
            == 0
        )
        assert not await engine.storage.exists("renders", path)
    finally:
        await conn.close()
