"""The `music` job end to end: API, a real worker, the procedural provider, ffmpeg."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import mido
import numpy as np

from soundstage.audio.analysis import read_audio
from soundstage.worker import Worker
from support import MakeUser, wait_for_status


async def test_music_job_renders_audio_midi_and_info(
    client: httpx.AsyncClient, make_user: MakeUser, worker: Worker, tmp_path: Path
) -> None:
    user = await make_user()
    params = {"prompt": "a sunny walk", "bpm": 128, "mood": "happy", "key": "E minor",
              "duration_s": 6.5, "seed": 99, "format": "mp3"}  # fmt: skip
    r = await client.post(
        "/v1/jobs", json={"kind": "music", "params": params}, headers=user.headers
    )
    assert r.status_code == 202, r.text
    done = await wait_for_status(client, user, r.json()["id"], {"succeeded", "failed"}, within=60)
    assert done["status"] == "succeeded", done
    outputs = {o["name"]: o for o in done["outputs"]}  # type: ignore[union-attr]
    assert set(outputs) == {"music.mp3", "music.mid", "info.json"}

    files = {}
    for name, output in outputs.items():
        got = await client.get(output["url"])
        assert got.status_code == 200
        files[name] = tmp_path / name
        files[name].write_bytes(got.content)

    samples, sr = read_audio(files["music.mp3"], sr=22050)
    assert abs(len(samples) / sr - 6.5) <= 0.2
    assert float(np.sqrt(np.mean(samples**2))) > 0.05
    info = json.loads(files["info.json"].read_text())
    assert info["provider"] == "procedural" and info["seed"] == 99
    assert (info["bpm"], info["key"], info["prompt"]) == (128, "E minor", "a sunny walk")
    mid = mido.MidiFile(str(files["music.mid"]))
    assert [m.tempo for m in mid.tracks[0] if m.type == "set_tempo"] == [mido.bpm2tempo(128)]


async def test_music_job_refuses_bad_params_and_unconfigured_providers(
    client: httpx.AsyncClient, make_user: MakeUser
) -> None:
    user = await make_user()

    async def post(**params: object) -> httpx.Response:
        body = {"kind": "music", "params": {"duration_s": 5, **params}}
        return await client.post("/v1/jobs", json=body, headers=user.headers)

    for bad in ({"bpm": 59}, {"bpm": 201}, {"duration_s": 301}, {"key": "H dorian"},
                {"format": "ogg"}, {"mood": "grumpy"}):  # fmt: skip
        r = await post(**bad)
        assert r.status_code == 422, (bad, r.text)
    r = await post(provider="nope")
    assert r.status_code == 422 and "valid providers" in r.text
    r = await post(provider="acestep")
    assert r.status_code == 422 and "SOUNDSTAGE_ACESTEP_URL" in r.text
