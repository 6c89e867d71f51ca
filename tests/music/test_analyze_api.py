"""``POST /v1/analyze``: short files answered within the request."""

from __future__ import annotations

import subprocess
from pathlib import Path

import httpx
import numpy as np
import pytest

from soundstage.audio.compose import KICK, SNARE
from soundstage.audio.ffmpeg import ffmpeg_exe
from soundstage.audio.notes import Note
from soundstage.audio.render import render_notes
from soundstage.audio.wav import write_wav
from support import MakeUser


def _song(path: Path, seconds: float = 10.0, bpm: float = 120) -> Path:
    """Drums at ``bpm`` and an A-minor arpeggio (A C E / D F A / E G# B)."""
    beat = 60 / bpm
    drums = [
        Note(i * beat, i * beat + 0.1, KICK if i % 2 == 0 else SNARE, 110)
        for i in range(int(seconds / beat))
    ]
    chords = [(57, 60, 64), (62, 65, 69), (64, 68, 71), (57, 60, 64)]
    keys = [
        Note(i * beat / 2, i * beat / 2 + 0.24, chords[(i // 8) % 4][i % 3], 100)
        for i in range(int(seconds / beat * 2))
    ]
    sr = 22050
    audio = render_notes(drums, "drums", sr, duration_s=seconds) + 0.6 * render_notes(
        keys, "keys", sr, duration_s=seconds
    )
    write_wav(path, (audio / np.max(np.abs(audio)) * 0.8).astype(np.float32), sr)
    return path


def _ffmpeg_tone(path: Path, seconds: float, codec: str = "libmp3lame") -> Path:
    subprocess.run(
        [ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi",
         "-i", f"sine=frequency=440:sample_rate=22050:duration={seconds}",
         "-c:a", codec, str(path)],
        check=True,
    )  # fmt: skip
    return path


async def test_a_ten_second_file_is_analysed_in_the_request(
    client: httpx.AsyncClient, make_user: MakeUser, tmp_path: Path
) -> None:
    user = await make_user()
    wav = _song(tmp_path / "song.wav")
    r = await client.post(
        "/v1/analyze", files={"file": ("song.wav", wav.read_bytes())}, headers=user.headers
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["duration_s"] == pytest.approx(10.0, abs=0.05)
    assert (body["sample_rate"], body["channels"]) == (22050, 1)
    assert abs(body["tempo_bpm"] - 120) <= 2
    assert (body["key"], body["mode"]) in {("A", "minor"), ("C", "major")}
    assert len(body["beat_times"]) >= 15
    assert body["integrated_lufs"] < 0 and body["true_peak_db"] <= 0.5


async def test_an_upload_is_analysed_by_id_and_only_for_its_owner(
    client: httpx.AsyncClient, make_user: MakeUser, tmp_path: Path
) -> None:
    alice, bob = await make_user(), await make_user()
    mp3 = _ffmpeg_tone(tmp_path / "tone.mp3", 5)
    r = await client.post(
        "/v1/uploads", files={"file": ("tone.mp3", mp3.read_bytes())}, headers=alice.headers
    )
    assert r.status_code == 201, r.text
    upload_id = r.json()["id"]
    r = await client.post("/v1/analyze", json={"upload_id": upload_id}, headers=alice.headers)
    assert r.status_code == 200, r.text
    assert r.json()["duration_s"] == pytest.approx(5.0, abs=0.1)
    r = await client.post("/v1/analyze", json={"upload_id": upload_id}, headers=bob.headers)
    assert r.status_code == 404, r.text
    r = await client.post("/v1/analyze", json={"upload": upload_id}, headers=alice.headers)
    assert r.status_code == 422, r.text


async def test_too_long_wrong_type_and_unauthenticated_are_refused(
    client: httpx.AsyncClient, make_user: MakeUser, tmp_path: Path
) -> None:
    user = await make_user()
    long_mp3 = _ffmpeg_tone(tmp_path / "long.mp3", 61.5)
    r = await client.post(
        "/v1/analyze", files={"file": ("long.mp3", long_mp3.read_bytes())}, headers=user.headers
    )
    assert r.status_code == 422, r.text
    assert "60 s" in r.json()["error"]["message"] and "analysis" in r.json()["error"]["message"]

    r = await client.post(
        "/v1/analyze", files={"file": ("a.mp3", b"Plain text, not audio.\n" * 10)},
        headers=user.headers,
    )  # fmt: skip
    assert r.status_code == 415, r.text
    r = await client.post("/v1/analyze", files={"other": ("a.wav", b"x")}, headers=user.headers)
    assert r.status_code == 422, r.text
    r = await client.post("/v1/analyze", files={"file": ("a.wav", b"x")})
    assert r.status_code == 401
