"""Tool jobs on a generated file: ``stems``, ``effects`` and ``analysis`` read a
``music`` job's output through ``source: {"job_id", "output"}``, end to end
through the API and a real worker; and every way of pointing at the wrong file
is refused when the job is created."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pytest

from pipelines_for_tests import TEST_KINDS
from soundstage.audio.analysis import read_audio
from soundstage.config import Settings
from soundstage.resources import Engine
from soundstage.worker import Worker
from support import MakeUser, User, wait_for_status

BPM = 120
SECONDS = 8.0


async def _job(client: httpx.AsyncClient, user: User, kind: str, params: Any) -> httpx.Response:
    return await client.post(
        "/v1/jobs", json={"kind": kind, "params": params}, headers=user.headers
    )


async def _finished(client: httpx.AsyncClient, user: User, r: httpx.Response) -> dict[str, Any]:
    assert r.status_code == 202, r.text
    done = await wait_for_status(client, user, r.json()["id"], {"succeeded", "failed"}, within=120)
    return {**done, "outputs": {o["name"]: o for o in done["outputs"]}}  # type: ignore[attr-defined]


async def _download(client: httpx.AsyncClient, output: dict[str, Any], target: Path) -> Path:
    r = await client.get(output["url"])
    assert r.status_code == 200
    await asyncio.to_thread(target.write_bytes, r.content)
    return target


async def _music(client: httpx.AsyncClient, user: User) -> dict[str, Any]:
    params = {"bpm": BPM, "key": "A minor", "mood": "energetic", "duration_s": SECONDS,
              "seed": 5, "format": "wav"}  # fmt: skip
    done = await _finished(client, user, await _job(client, user, "music", params))
    assert done["status"] == "succeeded", done
    return done


@asynccontextmanager
async def _running_worker(engine: Engine, settings: Settings, dsn: str) -> AsyncIterator[None]:
    w = Worker(engine.db, engine.storage, settings, dsn=dsn, concurrency=2, pipelines=TEST_KINDS)
    task = asyncio.create_task(w.run(grace_seconds=5))
    try:
        yield
    finally:
        w.stop()
        await asyncio.wait_for(task, 30)


async def test_stems_effects_and_analysis_of_a_generated_track(
    client: httpx.AsyncClient, make_user: MakeUser, worker: Worker, tmp_path: Path
) -> None:
    user = await make_user()
    music = await _music(client, user)
    source = {"job_id": music["id"], "output": "music.wav"}
    chain = [{"type": "trim", "start_s": 1.0, "end_s": 5.0}, {"type": "gain", "db": -6}]
    # Three jobs on one generated file, created together and run concurrently.
    responses = await asyncio.gather(
        _job(client, user, "analysis", {"source": source}),
        _job(client, user, "effects", {"source": source, "chain": chain, "format": "flac"}),
        _job(client, user, "stems", {"source": source}),
    )
    analysis, effects, stems = [await _finished(client, user, r) for r in responses]
    for done in (analysis, effects, stems):
        assert done["status"] == "succeeded", done
        assert done["params"]["source"] == source and done["params"]["upload_id"] is None

    report = json.loads(
        (await _download(client, analysis["outputs"]["analysis.json"], tmp_path / "a.json"))
        .read_text()
    )  # fmt: skip
    assert abs(report["tempo_bpm"] - BPM) <= 2
    assert report["duration_s"] == pytest.approx(SECONDS, abs=0.05)
    assert (report["key"], report["mode"]) in {("A", "minor"), ("C", "major")}

    mix, sr = read_audio(
        await _download(client, music["outputs"]["music.wav"], tmp_path / "mix.wav"), sr=22050
    )
    processed, _ = read_audio(
        await _download(client, effects["outputs"]["processed.flac"], tmp_path / "p.flac"),
        sr=22050,
    )
    assert len(processed) / sr == pytest.approx(4.0, abs=0.05)
    # the trimmed stretch, 6 dB down: the effect ran on the generated file itself
    original = mix[sr : 5 * sr]
    ratio = np.sqrt(np.mean(processed[: len(original)] ** 2) / np.mean(original**2))
    assert 20 * np.log10(ratio) == pytest.approx(-6.0, abs=0.5)

    assert set(stems["outputs"]) == {"drums.wav", "bass.wav", "vocals.wav", "other.wav",
                                     "stems.json"}  # fmt: skip
    meta = json.loads(
        (await _download(client, stems["outputs"]["stems.json"], tmp_path / "s.json")).read_text()
    )
    assert meta["method"] == "dsp-hpss" and meta["seconds"] == pytest.approx(SECONDS, abs=0.05)
    drums, _ = read_audio(
        await _download(client, stems["outputs"]["drums.wav"], tmp_path / "d.wav"), sr=22050
    )
    assert float(np.sqrt(np.mean(drums**2))) > 0.01  # the procedural track has drums


async def test_a_bad_source_is_refused_when_the_job_is_created(
    client: httpx.AsyncClient,
    make_user: MakeUser,
    engine: Engine,
    settings: Settings,
    dsn: str,
    tmp_path: Path,
) -> None:
    alice, bob = await make_user(), await make_user()
    async with _running_worker(engine, settings, dsn):
        music = await _music(client, alice)
    job_id = music["id"]

    async def refused(user: User, kind: str, params: dict[str, Any], status: int = 422) -> str:
        r = await _job(client, user, kind, params)
        assert r.status_code == status, (params, r.text)
        error: dict[str, Any] = r.json()["error"]
        return json.dumps(error)

    one_of = "exactly one of upload_id"
    upload = {"upload_id": "00000000-0000-0000-0000-000000000001"}
    assert one_of in await refused(alice, "stems", {})
    assert one_of in await refused(alice, "analysis", {**upload, "source": {
        "job_id": job_id, "output": "music.wav"}})  # fmt: skip
    assert "extra" in await refused(
        alice, "analysis", {"source": {"job_id": job_id, "output": "music.wav", "x": 1}}
    )
    assert "output" in await refused(alice, "analysis", {"source": {"job_id": job_id}})
    # another user's job reads as missing, like a job that never was
    for who, jid in ((bob, job_id), (alice, "00000000-0000-0000-0000-000000000002")):
        src = {"job_id": jid, "output": "music.wav"}
        assert "source.job_id: no such job" in await refused(who, "stems", {"source": src})
    # a missing output, and outputs that are not audio, name the audio ones
    for name in ("song.mp3", "info.json", "music.mid"):
        body = json.loads(
            await refused(alice, "hum_to_beat", {"source": {"job_id": job_id, "output": name}})
        )
        assert body["message"].startswith("source.output:"), body
        assert body["details"] == {"audio_outputs": ["music.wav"]}
    chain = [{"type": "gain", "db": 1}]
    assert "not audio" in await refused(
        alice, "effects", {"source": {"job_id": job_id, "output": "info.json"}, "chain": chain}
    )

    # A job that has not finished is a 409: the client should wait for it.
    queued = await _job(client, alice, "music", {"duration_s": 5})
    assert queued.status_code == 202
    message = await refused(
        alice, "stems", {"source": {"job_id": queued.json()["id"], "output": "music.mp3"}}, 409
    )
    assert "queued" in message and "succeeded" in message
    r = await client.post(f"/v1/jobs/{queued.json()['id']}/cancel", headers=alice.headers)
    assert r.status_code == 200, r.text

    # Admitted, then its source deleted before a worker ran it: the job fails
    # with the reason, it does not crash.
    r = await _job(client, alice, "analysis", {"source": {"job_id": job_id, "output": "music.wav"}})
    assert r.status_code == 202, r.text
    assert (await client.delete(f"/v1/jobs/{job_id}", headers=alice.headers)).status_code == 204
    async with _running_worker(engine, settings, dsn):
        done = await wait_for_status(client, alice, r.json()["id"], {"succeeded", "failed"})
    assert done["status"] == "failed"
    assert done["error"] == {
        "code": "permanent_error",
        "message": f"job {job_id} no longer has the output 'music.wav'",
    }
