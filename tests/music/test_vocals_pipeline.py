"""The ``vocals`` job with the local (draft) voice, end to end through the API and
a real worker: inline notes, a ``music`` job's MIDI and backing, key changes,
MIDI uploads; pitch and timing measured on the result; and every melody that
cannot carry the lyrics refused when the job is created (422)."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import httpx
import librosa
import mido
import numpy as np
import pytest
import soundfile as sf

from soundstage.audio.singing import MelodyNote
from soundstage.worker import Worker
from sung import check_sung
from support import MakeUser, User, wait_for_status

# C D E F G, a beat each with a half-beat rest, at 120 bpm: 0.5 s notes every 0.75 s
SCALE = [{"pitch": p, "start": 1.5 * i, "beats": 1} for i, p in enumerate([60, 62, 64, 65, 67])]
LYRICS = "[00:01.00] Morning light is here"  # LRC is accepted; 5 syllables


async def _job(client: httpx.AsyncClient, user: User, kind: str, params: Any) -> httpx.Response:
    return await client.post(
        "/v1/jobs", json={"kind": kind, "params": params}, headers=user.headers
    )


async def _done(client: httpx.AsyncClient, user: User, r: httpx.Response) -> dict[str, Any]:
    assert r.status_code == 202, r.text
    done = await wait_for_status(client, user, r.json()["id"], {"succeeded", "failed"}, within=180)
    assert done["status"] == "succeeded", done
    return {**done, "outputs": {o["name"]: o for o in done["outputs"]}}  # type: ignore[attr-defined]


async def _get(client: httpx.AsyncClient, output: dict[str, Any]) -> bytes:
    r = await client.get(output["url"])
    assert r.status_code == 200
    return r.content


def _audio(data: bytes) -> tuple[np.ndarray, int]:
    audio, sr = sf.read(io.BytesIO(data), dtype="float32", always_2d=True)
    return audio.mean(axis=1), int(sr)


def _error(r: httpx.Response) -> str:
    assert r.status_code == 422, r.text
    return json.dumps(r.json()["error"])


async def test_inline_notes_sung_in_the_asked_key(
    client: httpx.AsyncClient, make_user: MakeUser, worker: Worker
) -> None:
    user = await make_user()
    params = {"lyrics": LYRICS, "melody": SCALE, "bpm": 120, "key": "D major"}
    done = await _done(client, user, await _job(client, user, "vocals", params))
    assert set(done["outputs"]) == {"vocals.wav", "alignment.json"}
    report = json.loads(await _get(client, done["outputs"]["alignment.json"]))
    assert report["draft"] is True and "draft" in report["quality"]
    assert report["melody"]["key"] == {"melody": "C major", "asked": "D major", "semitones": 2,
                                       "sung": "D major"}  # fmt: skip
    assert report["melody"]["source"] == "inline" and report["melody"]["unsung_notes"] == 0
    syllables = report["syllables"]
    assert [s["text"] for s in syllables] == ["Mor", "ning", "light", "is", "here"]
    assert [s["notes"][0]["name"] for s in syllables] == ["D4", "E4", "F#4", "G4", "A4"]
    assert [s["start_s"] for s in syllables] == [0.0, 0.75, 1.5, 2.25, 3.0]
    audio, sr = _audio(await _get(client, done["outputs"]["vocals.wav"]))
    assert len(audio) / sr == pytest.approx(3.5 + 0.5, abs=0.02)
    # the first note starts at 0 s, where pYIN cannot see an onset: measure the rest
    sung = [MelodyNote(0.75 * i, 0.75 * i + 0.5, p + 2) for i, p in enumerate([60, 62, 64, 65, 67])]
    check_sung(audio, sr, sung[1:])


def _midi_bytes(notes: list[tuple[float, float, int]], channel: int = 0) -> bytes:
    """A type-0 file at 100 bpm (480 ticks per beat); notes in beats."""
    mid = mido.MidiFile(type=0, ticks_per_beat=480)
    track = mido.MidiTrack()
    track.append(mido.MetaMessage("set_tempo", tempo=mido.bpm2tempo(100), time=0))
    events = []
    for start, beats, pitch in notes:
        on, off = round(start * 480), round((start + beats) * 480)
        events += [(on, 1, mido.Message("note_on", channel=channel, note=pitch, velocity=90)),
                   (off, 0, mido.Message("note_off", channel=channel, note=pitch))]  # fmt: skip
    now = 0
    for tick, _, msg in sorted(events, key=lambda e: (e[0], e[1])):
        track.append(msg.copy(time=tick - now))
        now = tick
    mid.tracks.append(track)
    buf = io.BytesIO()
    mid.save(file=buf)
    return buf.getvalue()


async def _upload(client: httpx.AsyncClient, user: User, name: str, data: bytes) -> str:
    r = await client.post("/v1/uploads", files={"file": (name, data)}, headers=user.headers)
    assert r.status_code == 201, r.text
    return str(r.json()["id"])


async def test_a_midi_upload_retimed_to_the_bpm_as_mp3(
    client: httpx.AsyncClient, make_user: MakeUser, worker: Worker
) -> None:
    user = await make_user()
    tune = [(1 + i, 0.7, p) for i, p in enumerate([57, 60, 62, 64])]
    upload = await _upload(client, user, "tune.mid", _midi_bytes(tune))
    params = {"lyrics": "sing it to me", "melody": {"upload_id": upload}, "bpm": 120,
              "format": "mp3"}  # fmt: skip
    done = await _done(client, user, await _job(client, user, "vocals", params))
    assert set(done["outputs"]) == {"vocals.mp3", "alignment.json"}
    assert done["outputs"]["vocals.mp3"]["content_type"] == "audio/mpeg"
    report = json.loads(await _get(client, done["outputs"]["alignment.json"]))
    assert report["melody"]["source"] == "upload" and report["melody"]["file_bpm"] == 100
    # re-timed from 100 to 120 bpm: beat 1 -> 0.5 s
    assert [s["start_s"] for s in report["syllables"]] == [0.5, 1.0, 1.5, 2.0]


async def test_a_music_jobs_midi_sung_over_its_own_backing(
    client: httpx.AsyncClient, make_user: MakeUser, worker: Worker, tmp_path: Path
) -> None:
    user = await make_user()
    music_params = {"bpm": 100, "key": "C major", "mood": "calm", "duration_s": 10, "seed": 3,
                    "format": "wav"}  # fmt: skip
    music = await _done(client, user, await _job(client, user, "music", music_params))
    melody = {"job_id": music["id"], "output": "music.mid"}
    backing = {"job_id": music["id"], "output": "music.wav"}
    params = {"lyrics": "la la la la la la", "melody": melody, "backing": backing}
    done = await _done(client, user, await _job(client, user, "vocals", params))
    assert set(done["outputs"]) == {"vocals.wav", "mix.wav", "alignment.json"}
    report = json.loads(await _get(client, done["outputs"]["alignment.json"]))
    assert report["melody"]["source"] == "job_output" and report["melody"]["track"] == "melody"
    assert report["melody"]["unsung_notes"] == 0
    syllables = report["syllables"]
    assert (
        len(syllables) == 6 and sum(len(s["notes"]) for s in syllables) == report["melody"]["notes"]
    )  # the composer's tune is longer than six syllables: melismas
    vocals, sr = _audio(await _get(client, done["outputs"]["vocals.wav"]))
    # each sung note long enough to measure is within 30 cents
    f0, voiced, _ = librosa.pyin(vocals.astype(float), fmin=100, fmax=1000, sr=sr,
                                 frame_length=1024, hop_length=128)  # fmt: skip
    times = librosa.times_like(f0, sr=sr, hop_length=128)
    measured = 0
    for s in syllables:
        for note in s["notes"]:
            mid = (times > note["start_s"] + 0.08) & (times < note["end_s"] - 0.06) & voiced
            if note["end_s"] - note["start_s"] >= 0.3 and mid.sum() >= 3:
                error = float(np.median(librosa.hz_to_midi(f0[mid])) - note["pitch"]) * 100
                assert abs(error) <= 30, (note, error)
                measured += 1
    assert measured >= 5
    mix, _ = _audio(await _get(client, done["outputs"]["mix.wav"]))
    bed, _ = _audio(await _get(client, music["outputs"]["music.wav"]))
    assert len(mix) >= len(bed) - 10
    assert float(np.max(np.abs(mix))) <= 0.96
    # the voice is in the mix: it differs from the backing alone where a note is sung
    first = syllables[0]["notes"][0]
    a, b = round(first["start_s"] * sr) + 2000, round(first["end_s"] * sr) - 500
    residual = mix[a:b] - bed[a:b] * 10 ** (-6 / 20) * (np.dot(mix[a:b], bed[a:b]) / max(
        1e-9, np.dot(bed[a:b], bed[a:b]) * 10 ** (-6 / 20)))  # fmt: skip
    assert float(np.sqrt(np.mean(residual**2))) > 0.01


async def test_melodies_that_cannot_carry_the_lyrics_are_422(
    client: httpx.AsyncClient, make_user: MakeUser, worker: Worker
) -> None:
    user = await make_user()

    async def vocals(**params: Any) -> httpx.Response:
        return await _job(client, user, "vocals", {"lyrics": LYRICS, "melody": SCALE, **params})

    # inline: four notes for five syllables
    message = _error(await vocals(melody=SCALE[:4]))
    assert "melody is shorter than the lyrics: 4 notes for 5 syllables" in message
    # a MIDI upload with notes only on the drum channel, and a damaged one
    drums = await _upload(client, user, "drums.mid", _midi_bytes([(0, 1, 36)], channel=9))
    assert "the MIDI file has no notes" in _error(await vocals(melody={"upload_id": drums}))
    short = await _upload(client, user, "short.mid", _midi_bytes([(0, 1, 60), (1, 1, 62)]))
    assert "2 notes for 5 syllables" in _error(await vocals(melody={"upload_id": short}))
    wav = io.BytesIO()
    sf.write(wav, np.zeros(4410, dtype=np.float32), 44100, format="WAV")
    audio = await _upload(client, user, "a.wav", wav.getvalue())
    assert "is audio, not a MIDI file" in _error(await vocals(melody={"upload_id": audio}))
    assert "no such upload" in _error(
        await vocals(melody={"upload_id": "00000000-0000-0000-0000-000000000000"})
    )
    # a music job's MIDI too short for long lyrics, and an output that is not MIDI
    music = await _done(client, user, await _job(client, user, "music", {
        "duration_s": 5, "bpm": 120, "seed": 1, "format": "wav"}))  # fmt: skip
    long_lyrics = " ".join(["la"] * 200)
    ref = {"job_id": music["id"], "output": "music.mid"}
    assert "for 200 syllables" in _error(await vocals(lyrics=long_lyrics, melody=ref))
    wav_ref = {"job_id": music["id"], "output": "music.wav"}
    assert "its MIDI outputs: music.mid" in _error(await vocals(melody=wav_ref))
    # the backing must be audio; the voice must exist; words must be there
    assert "not audio" in _error(await vocals(backing={"upload_id": drums}))
    assert "no local voice 'local:nobody'" in _error(await vocals(voice="local:nobody"))
    assert "no words to sing" in _error(await vocals(lyrics="[00:01.00] 123 ..."))
    assert "not a note" in _error(await vocals(melody=[{"pitch": "H2", "start": 0, "beats": 1}]))
    # another user's upload reads as missing
    other = await make_user()
    theirs = await _upload(client, other, "t.mid", _midi_bytes([(i, 1, 60) for i in range(9)]))
    assert "no such upload" in _error(await vocals(melody={"upload_id": theirs}))
