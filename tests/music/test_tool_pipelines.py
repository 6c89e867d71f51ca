"""The ``analysis`` and ``effects`` job kinds through the API and a real worker."""

from __future__ import annotations

import asyncio
import json
import subprocess
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pytest

from soundstage.audio.analysis import read_audio
from soundstage.audio.compose import KICK, SNARE
from soundstage.audio.ffmpeg import ffmpeg_exe
from soundstage.audio.notes import Note
from soundstage.audio.render import render_notes
from soundstage.audio.wav import write_wav
from soundstage.worker import Worker
from support import MakeUser, User, wait_for_status


def _drums_wav(path: Path, bpm: float = 120, seconds: float = 8.0) -> Path:
    beat = 60 / bpm
    notes = [
        Note(i * beat, i * beat + 0.1, KICK if i % 2 == 0 else SNARE, 110)
        for i in range(int(seconds / beat))
    ]
    audio = render_notes(notes, "drums", 22050, duration_s=seconds)
    write_wav(path, (audio / np.max(np.abs(audio)) * 0.8).astype(np.float32), 22050)
    return path


async def _upload(client: httpx.AsyncClient, user: User, path: Path) -> dict[str, Any]:
    data = await asyncio.to_thread(path.read_bytes)
    r = await client.post("/v1/uploads", files={"file": (path.name, data)}, headers=user.headers)
    assert r.status_code == 201, r.text
    body: dict[str, Any] = r.json()
    return body


async def _job(client: httpx.AsyncClient, user: User, kind: str, params: Any) -> httpx.Response:
    return await client.post(
        "/v1/jobs", json={"kind": kind, "params": params}, headers=user.headers
    )


async def _download(client: httpx.AsyncClient, output: dict[str, Any], target: Path) -> Path:
    r = await client.get(output["url"])
    assert r.status_code == 200
    await asyncio.to_thread(target.write_bytes, r.content)
    return target


async def test_analysis_job_end_to_end(
    client: httpx.AsyncClient, make_user: MakeUser, worker: Worker, tmp_path: Path
) -> None:
    user = await make_user()
    upload = await _upload(client, user, _drums_wav(tmp_path / "drums.wav", bpm=120))
    r = await _job(client, user, "analysis", {"upload_id": upload["id"]})
    assert r.status_code == 202, r.text
    done = await wait_for_status(client, user, r.json()["id"], {"succeeded", "failed"}, within=90)
    assert done["status"] == "succeeded", done
    outputs = {o["name"]: o for o in done["outputs"]}  # type: ignore[union-attr]
    report = json.loads((await _download(client, outputs["analysis.json"], tmp_path / "a.json"))
                        .read_text())  # fmt: skip
    assert abs(report["tempo_bpm"] - 120) <= 2
    assert report["duration_s"] == pytest.approx(8.0, abs=0.05)
    assert set(report) >= {"key", "mode", "beat_times", "integrated_lufs", "true_peak_db"}


async def test_effects_job_end_to_end(
    client: httpx.AsyncClient, make_user: MakeUser, worker: Worker, tmp_path: Path
) -> None:
    user = await make_user()
    src = tmp_path / "tone.wav"
    await asyncio.to_thread(
        subprocess.run,
        [ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi",
         "-i", "sine=frequency=440:sample_rate=44100:duration=4", str(src)],
        check=True,
    )  # fmt: skip
    upload = await _upload(client, user, src)
    chain = [
        {"type": "trim", "start_s": 0.5, "end_s": 3.5},
        {"type": "gain", "db": 6},
        {"type": "pitch_shift", "semitones": 12},
        {"type": "fade", "in_s": 0.2, "out_s": 0.5},
    ]
    r = await _job(
        client, user, "effects", {"upload_id": upload["id"], "chain": chain, "format": "flac"}
    )
    assert r.status_code == 202, r.text
    done = await wait_for_status(client, user, r.json()["id"], {"succeeded", "failed"}, within=90)
    assert done["status"] == "succeeded", done
    outputs = {o["name"]: o for o in done["outputs"]}  # type: ignore[union-attr]
    assert outputs["processed.flac"]["content_type"] == "audio/flac"
    y, sr = read_audio(await _download(client, outputs["processed.flac"], tmp_path / "o.flac"),
                       sr=44100)  # fmt: skip
    assert len(y) / sr == pytest.approx(3.0, abs=0.05)
    spectrum = np.abs(np.fft.rfft(y[sr : 2 * sr]))
    assert float(np.fft.rfftfreq(sr, 1 / sr)[int(np.argmax(spectrum))]) == pytest.approx(
        880, rel=0.01
    )
    middle = float(np.sqrt(np.mean(y[sr : 2 * sr] ** 2)))
    assert float(np.sqrt(np.mean(y[-sr // 20 :] ** 2))) < middle / 8  # faded out


async def test_effects_and_analysis_jobs_refuse_bad_requests(
    client: httpx.AsyncClient, make_user: MakeUser, tmp_path: Path
) -> None:
    alice, bob = await make_user(), await make_user()
    audio = await _upload(client, alice, _drums_wav(tmp_path / "d.wav", seconds=2.0))
    text = tmp_path / "notes.txt"
    text.write_text("Not audio.\n")
    manuscript = await _upload(client, alice, text)

    def params(**over: Any) -> dict[str, Any]:
        return {"upload_id": audio["id"], "chain": [{"type": "gain", "db": 1}], **over}

    cases: list[tuple[str, dict[str, Any], str]] = [
        ("effects", params(chain=[{"type": "flanger"}]), "gain"),
        ("effects", params(chain=[{"type": "gain", "db": 99}]), "less than or equal"),
        ("effects", params(chain=[{"type": "pitch_shift", "semitones": -13}]), "greater"),
        ("effects", params(chain=[{"type": "delay", "ms": 100, "feedback": 1}]), "feedback"),
        ("effects", params(chain=[{"type": "gain", "db": 0}] * 21), "20"),
        ("effects", params(chain=[]), "chain"),
        ("effects", params(format="ogg"), "format"),
        ("effects", params(upload_id=manuscript["id"]), "not audio"),
        ("analysis", {"upload_id": manuscript["id"]}, "not audio"),
        ("analysis", {"upload_id": audio["id"], "extra": 1}, "extra"),
    ]
    for kind, body, needle in cases:
        r = await _job(client, alice, kind, body)
        assert r.status_code == 422, (body, r.text)
        assert needle in r.text, (needle, r.text)
    # the unknown type's error names every valid effect type
    r = await _job(client, alice, "effects", params(chain=[{"type": "flanger"}]))
    for name in ("loudnorm", "eq", "compressor", "reverb", "time_stretch"):
        assert name in r.text
    # another user's upload does not exist for bob
    r = await _job(client, bob, "analysis", {"upload_id": audio["id"]})
    assert r.status_code == 422 and "no such upload" in r.text
