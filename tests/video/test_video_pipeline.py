"""The `video` job end to end: API, a real worker, the local script writer,
Pillow scene art, local TTS, procedural music and ffmpeg, checked by reading
the MP4 back."""

from __future__ import annotations

import io
import json
from collections.abc import Awaitable, Callable
from pathlib import Path

import asyncpg
import httpx
import numpy as np
import pytest
from PIL import Image

from soundstage.audio.master import measure
from soundstage.worker import Worker, runner
from support import User, wait_for_status
from video_media import audio_envelope, frame_rgb, probe, vtt_cues

MakeUser = Callable[[], Awaitable[User]]


async def _download(
    client: httpx.AsyncClient, job: dict[str, object], tmp: Path
) -> dict[str, Path]:
    files = {}
    for output in job["outputs"]:  # type: ignore[attr-defined]
        got = await client.get(output["url"])
        assert got.status_code == 200, got.text
        files[output["name"]] = tmp / output["name"]
        files[output["name"]].write_bytes(got.content)
    return files


async def _progress_events(dsn: str, job_id: str) -> list[dict[str, object]]:
    conn = await asyncpg.connect(dsn)
    try:
        rows = await conn.fetch(
            "select data from soundstage.job_progress_events where job_id = $1 order by id",
            job_id,
        )
    finally:
        await conn.close()
    return [json.loads(r["data"]) if isinstance(r["data"], str) else dict(r["data"]) for r in rows]


async def test_three_scene_video_from_a_topic(
    client: httpx.AsyncClient,
    make_user: MakeUser,
    worker: Worker,
    tmp_path: Path,
    dsn: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Every progress call the pipeline makes: the heartbeat coalesces them, so a
    # fast stage's messages may never reach job_events (by design).
    reported: list[tuple[float, str | None, str | None]] = []
    original = runner._Context.progress

    async def record(
        self: runner._Context, percent: float, stage: str | None = None, message: str | None = None
    ) -> None:
        reported.append((percent, stage, message))
        await original(self, percent, stage, message)

    monkeypatch.setattr(runner._Context, "progress", record)
    user = await make_user()
    params = {
        "topic": "The Vanishing Lighthouse", "story_type": "scary_horror",
        "image_style": "cinematic", "image_mode": "ai_only", "duration": 0.5,
        "hook_intensity": "extreme", "pacing": "dynamic", "num_scenes": 3,
        "characters": [{"name": "Sarah", "description": "25 years old, brown hair"}],
        "aspect": "9:16", "resolution": "480p", "music": True, "subtitles": "both",
    }  # fmt: skip
    r = await client.post(
        "/v1/jobs", json={"kind": "video", "params": params}, headers=user.headers
    )
    assert r.status_code == 202, r.text
    job_id = r.json()["id"]
    done = await wait_for_status(client, user, job_id, {"succeeded", "failed"}, within=240)
    assert done["status"] == "succeeded", done
    files = await _download(client, done, tmp_path)
    assert set(files) == {"video.mp4", "poster.jpg", "captions.vtt", "script.json"}

    report = json.loads(files["script.json"].read_text())
    assert report["writer"] == "local-template"
    assert any("local template writer" in n for n in report["notes"])
    assert len(report["scenes"]) == 3
    assert all(s["image"]["provider"] == "local" for s in report["scenes"])
    assert all("Sarah" in s["image_prompt"] for s in report["scenes"] if "Sarah" in s["characters"])

    info = probe(files["video.mp4"])
    assert (info.width, info.height) == (480, 854)
    assert info.video_codec.startswith("h264") and info.audio_codec == "aac"
    # the video lasts as long as the narration (head, scenes, pauses, tail)
    narration_end = report["scenes"][-1]["narration_end"]
    assert abs(info.duration - report["duration_seconds"]) <= 0.3
    assert narration_end < info.duration <= narration_end + 1.0 + 0.3
    levels = await measure([files["video.mp4"]])
    assert abs(levels.integrated_lufs - (-16.0)) <= 1.0, levels

    # captions: each scene's first cue starts with its narration, its last ends with it
    cues = vtt_cues(files["captions.vtt"].read_text())
    for scene in report["scenes"]:
        mine = [c for c in cues if scene["narration_start"] - 0.01 <= c[0] < scene["narration_end"]]
        assert mine, scene
        assert abs(mine[0][0] - scene["narration_start"]) <= 0.3
        assert abs(mine[-1][1] - scene["narration_end"]) <= 0.3
    with Image.open(files["poster.jpg"]) as poster:
        assert poster.size == (480, 854)

    events = await _progress_events(dsn, job_id)
    stages = [(e.get("progress"), e.get("stage"), e.get("message")) for e in events]
    bounds = {"script": (0, 25), "images": (25, 50), "narration": (50, 75),
              "compilation": (75, 100)}  # fmt: skip
    for percent, stage, _ in stages:
        if stage in bounds:
            lo, hi = bounds[stage]
            assert lo <= float(percent) <= hi, stages  # type: ignore[arg-type]
    order = [s for _, s, _ in stages if s in bounds]
    assert order == sorted(order, key=list(bounds).index), order
    assert any(m and "scene" in m and "of 3" in m for _, _, m in reported), reported
    for percent, stage, _ in reported:
        if stage in bounds:
            lo, hi = bounds[stage]
            assert lo <= percent <= hi, reported


def _png(rgb: tuple[int, int, int], size: tuple[int, int]) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, rgb).save(buf, "PNG")
    return buf.getvalue()


async def test_manual_images_in_order_and_speech_where_the_captions_say(
    client: httpx.AsyncClient, make_user: MakeUser, worker: Worker, tmp_path: Path
) -> None:
    user = await make_user()
    colours = [(220, 30, 30), (30, 200, 40), (30, 60, 220)]
    ids = []
    for i, rgb in enumerate(colours):
        # a portrait, a landscape and a square: each is cropped to cover the frame
        size = [(300, 500), (640, 360), (400, 400)][i]
        r = await client.post(
            "/v1/uploads", files={"file": (f"scene{i}.png", _png(rgb, size), "image/png")},
            headers=user.headers,
        )  # fmt: skip
        assert r.status_code == 201, r.text
        ids.append(r.json()["id"])
    script = [
        {"title": "Red", "narration": "The first room was red, from floor to ceiling."},
        {"title": "Green", "narration": "The second room was green, like a forest in spring."},
        {"title": "Blue", "narration": "And the last room was blue, as deep as the sea."},
    ]
    params = {"topic": "Three rooms", "image_mode": "manual", "manual_image_paths": ids,
              "script": script, "aspect": "16:9", "resolution": "480p", "music": False,
              "subtitles": "none", "pacing": "slow"}  # fmt: skip
    r = await client.post(
        "/v1/jobs", json={"kind": "video", "params": params}, headers=user.headers
    )
    assert r.status_code == 202, r.text
    done = await wait_for_status(client, user, r.json()["id"], {"succeeded", "failed"}, within=180)
    assert done["status"] == "succeeded", done
    files = await _download(client, done, tmp_path)
    assert set(files) == {"video.mp4", "poster.jpg", "script.json"}
    report = json.loads(files["script.json"].read_text())
    assert report["writer"] == "user"
    info = probe(files["video.mp4"])
    assert (info.width, info.height) == (854, 480)

    for scene, rgb in zip(report["scenes"], colours, strict=True):
        middle = (scene["start"] + scene["end"]) / 2
        got = frame_rgb(files["video.mp4"], middle)
        assert np.abs(got - np.array(rgb)).max() < 25, (scene["title"], got, rgb)

    # Speech begins where the report (and so the captions) place each scene's
    # narration: the first loud 20 ms after the scene's cut.
    env = audio_envelope(files["video.mp4"])
    loud = env > env.max() * 0.1
    for scene in report["scenes"]:
        first = int(scene["start"] / 0.02)
        onset = (first + int(np.argmax(loud[first:]))) * 0.02
        assert abs(onset - scene["narration_start"]) <= 0.3, (scene, onset)
