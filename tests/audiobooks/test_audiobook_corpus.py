"""The corpus book through the real flow: upload the Gutenberg text, render
one chapter with the local voices, read the M4B's chapters back; and resume
after a worker is killed mid-book."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest

from soundstage.audio.master import measure, read_chapters
from soundstage.worker import Worker
from support import MakeUser, User, wait_for_status


async def _upload_book(client: httpx.AsyncClient, user: User, corpus: Path) -> str:
    data = (corpus / "little-colonels-hero" / "15122-8.txt").read_bytes()
    r = await client.post(
        "/v1/uploads", files={"file": ("15122-8.txt", data, "text/plain")}, headers=user.headers
    )
    assert r.status_code == 201, r.text
    upload_id: str = r.json()["id"]
    return upload_id


async def test_corpus_chapter_renders_end_to_end_with_a_local_voice(
    client: httpx.AsyncClient,
    make_user: MakeUser,
    worker: Worker,
    corpus: Path,
    tmp_path: Path,
) -> None:
    user = await make_user()
    upload_id = await _upload_book(client, user, corpus)
    # Chapter V is the shortest; one (fast) voice and the M4B only keep this
    # within CI time. Two voices are rendered in test_audiobook_pipeline.py.
    params = {
        "upload_id": upload_id, "chapters": [5], "mode": "single", "loudness": "podcast",
        "formats": ["m4b"],
    }  # fmt: skip
    r = await client.post("/v1/audiobooks/preview", json=params, headers=user.headers)
    assert r.status_code == 200, r.text
    preview = r.json()
    assert preview["title"] == "The Little Colonel's Hero"
    assert preview["author"] == "Annie Fellows Johnston"
    [chapter] = preview["chapters"]
    assert chapter["number"] == 5 and chapter["title"] == "CHAPTER V. THE RED CROSS OF GENEVA"

    r = await client.post(
        "/v1/jobs", json={"kind": "audiobook", "params": params}, headers=user.headers
    )
    assert r.status_code == 202, r.text
    done = await wait_for_status(client, user, r.json()["id"], {"succeeded", "failed"}, within=600)
    assert done["status"] == "succeeded", done
    outputs = {o["name"]: o for o in done["outputs"]}  # type: ignore[union-attr]
    m4b_name = next(n for n in outputs if n.endswith(".m4b"))
    assert m4b_name == "the-little-colonel-s-hero.m4b"
    m4b = tmp_path / "book.m4b"
    m4b.write_bytes((await client.get(outputs[m4b_name]["url"])).content)
    [(start, end, title)] = await read_chapters(m4b)
    assert title == chapter["title"] and start == 0 and end > 30
    # podcast target, measured independently on the delivered M4B
    levels = await measure([m4b])
    assert levels.integrated_lufs == pytest.approx(-16, abs=1.0)
    assert levels.true_peak_db <= -1.0 + 0.3  # AAC encoding may add a little
    report = json.loads((await client.get(outputs["report.json"]["url"])).content)
    assert report["passed"], report


@pytest.fixture
def spawn_worker(dsn: str, data_dir: Path) -> Iterator[Any]:
    procs: list[subprocess.Popen[bytes]] = []

    def spawn() -> subprocess.Popen[bytes]:
        env = {
            **os.environ,
            "DATABASE_URL": dsn,
            "SOUNDSTAGE_DATA_DIR": str(data_dir),
            "SOUNDSTAGE_LEASE_SECONDS": "3",
            "SOUNDSTAGE_WORKER_POLL_SECONDS": "0.5",
        }
        proc = subprocess.Popen(
            [sys.executable, "-m", "soundstage", "worker", "--concurrency", "1"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        procs.append(proc)
        return proc

    yield spawn
    for p in procs:
        if p.poll() is None:
            p.kill()
            p.wait()


async def test_a_book_interrupted_mid_way_resumes_without_rendering_finished_chunks(
    client: httpx.AsyncClient, make_user: MakeUser, corpus: Path, dsn: str, spawn_worker: Any
) -> None:
    user = await make_user()
    upload_id = await _upload_book(client, user, corpus)
    params = {"upload_id": upload_id, "chapters": [5], "formats": ["mp3"]}
    r = await client.post(
        "/v1/jobs", json={"kind": "audiobook", "params": params}, headers=user.headers
    )
    job_id = r.json()["id"]
    conn = await asyncpg.connect(dsn)
    try:
        first = spawn_worker()
        for _ in range(600):
            n = await conn.fetchval(
                "select count(*) from soundstage.job_checkpoints where job_id = $1 and unit like "
                "'c%'",
                job_id,
            )
            if n >= 4:
                break
            await asyncio.sleep(0.1)
        first.send_signal(signal.SIGKILL)
        first.wait()
        before = {
            r["unit"]: r["created_at"]
            for r in await conn.fetch(
                "select unit, created_at from soundstage.job_checkpoints where job_id = $1 and "
                "unit like 'c%'",
                job_id,
            )
        }
        assert before, "no chunk was finished before the kill"
        spawn_worker()
        done = await wait_for_status(client, user, job_id, {"succeeded", "failed"}, within=600)
        assert done["status"] == "succeeded", done
        assert done["attempts"] == 2
        after = {
            r["unit"]: r["created_at"]
            for r in await conn.fetch(
                "select unit, created_at from soundstage.job_checkpoints where job_id = $1 and "
                "unit like 'c%'",
                job_id,
            )
        }
    finally:
        await conn.close()
    # every chunk finished before the crash was reused, not rendered again
    assert all(after[unit] == created for unit, created in before.items())
    assert len(after) > len(before)
