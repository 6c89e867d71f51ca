"""Audio and MIDI uploads are decoded before they are accepted: a corrupt or
over-long file is a 422 in the request, never a failed job later."""

from __future__ import annotations

import struct
import subprocess
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from pipelines_for_tests import TEST_KINDS
from soundstage.app import create_app
from soundstage.audio.decode import UndecodableError, check_audio
from soundstage.audio.ffmpeg import ffmpeg_exe
from soundstage.audio.midi import check_midi
from soundstage.config import Settings
from support import MakeUser, User


def _ffmpeg(path: Path, seconds: float, *codec: str) -> Path:
    subprocess.run(
        [ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi",
         "-i", f"sine=frequency=440:sample_rate=22050:duration={seconds}", *codec, str(path)],
        check=True,
    )  # fmt: skip
    return path


def _midi(seconds_per_note: float, notes: int) -> bytes:
    """A type-0 file at 120 BPM (480 ticks a beat): ``notes`` notes in a row."""
    ticks = int(seconds_per_note * 2 * 480)

    def vlq(n: int) -> bytes:
        out = [n & 0x7F]
        while n > 0x7F:
            n >>= 7
            out.append((n & 0x7F) | 0x80)
        return bytes(reversed(out))

    events = b""
    for _ in range(notes):
        events += b"\x00\x90\x3c\x64" + vlq(ticks) + b"\x80\x3c\x00"
    events += b"\x00\xff\x2f\x00"
    return (
        b"MThd" + struct.pack(">IHHH", 6, 0, 1, 480) + b"MTrk" + struct.pack(">I", len(events))
        + events
    )  # fmt: skip


@pytest.fixture
async def short_cap_client(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    """The same database and storage, with a 5 s cap on audio and MIDI."""
    app = create_app(
        settings.model_copy(update={"max_audio_seconds": 5.0, "db_pool_min": 1}),
        pipelines=TEST_KINDS,
    )
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
            yield c


async def _upload(client: httpx.AsyncClient, user: User, name: str, data: bytes) -> httpx.Response:
    return await client.post("/v1/uploads", files={"file": (name, data)}, headers=user.headers)


async def test_audio_and_midi_within_the_cap_are_accepted(
    short_cap_client: httpx.AsyncClient, make_user: MakeUser, tmp_path: Path
) -> None:
    user = await make_user()
    for name, codec in (("a.wav", ()), ("a.mp3", ("-c:a", "libmp3lame")), ("a.flac", ())):
        r = await _upload(short_cap_client, user, name, _ffmpeg(tmp_path / name, 4, *codec)
                          .read_bytes())  # fmt: skip
        assert r.status_code == 201, (name, r.text)
    r = await _upload(short_cap_client, user, "a.mid", _midi(0.5, 8))  # 4 s
    assert r.status_code == 201, r.text


async def test_too_long_audio_and_midi_are_422(
    short_cap_client: httpx.AsyncClient, make_user: MakeUser, tmp_path: Path
) -> None:
    user = await make_user()
    for name, codec in (("long.wav", ()), ("long.mp3", ("-c:a", "libmp3lame"))):
        r = await _upload(short_cap_client, user, name, _ffmpeg(tmp_path / name, 7, *codec)
                          .read_bytes())  # fmt: skip
        assert r.status_code == 422, (name, r.text)
        assert "at most 5 s" in r.json()["error"]["message"]
    r = await _upload(short_cap_client, user, "long.mid", _midi(0.5, 14))  # 7 s
    assert r.status_code == 422, r.text
    assert "MIDI" in r.json()["error"]["message"]
    r = await short_cap_client.get("/v1/uploads", headers=user.headers)
    assert r.json()["items"] == []  # nothing refused was kept


async def test_corrupt_audio_and_midi_are_422(
    client: httpx.AsyncClient, make_user: MakeUser, tmp_path: Path
) -> None:
    user = await make_user()
    good = _ffmpeg(tmp_path / "good.mp3", 3, "-c:a", "libmp3lame").read_bytes()
    # a valid first frame header (so the sniffer says MP3), then noise
    broken = good[:600] + bytes(range(256)) * 40
    r = await _upload(client, user, "broken.mp3", broken)
    assert r.status_code == 422, r.text
    # a structurally valid MIDI header whose track claims more bytes than it has
    midi = _midi(0.5, 4)
    r = await _upload(client, user, "cut.mid", midi[:-6])
    assert r.status_code == 422, r.text
    assert "ends too early" in r.json()["error"]["message"]
    # running status with no previous status byte: the parser refuses it
    bad_events = b"\x00\x3c\x64\x00\xff\x2f\x00"
    bad = b"MThd" + struct.pack(">IHHH", 6, 0, 1, 480) + b"MTrk" + struct.pack(
        ">I", len(bad_events)) + bad_events  # fmt: skip
    r = await _upload(client, user, "bad.mid", bad)
    assert r.status_code == 422, r.text


def test_decoding_checks_directly(tmp_path: Path) -> None:
    wav = _ffmpeg(tmp_path / "a.wav", 3)
    info = check_audio(wav, 10)
    assert info.duration_s == pytest.approx(3.0, abs=0.05)
    assert (info.sample_rate, info.channels) == (22050, 1)
    with pytest.raises(UndecodableError, match="at most 2 s"):
        check_audio(wav, 2)
    garbage = tmp_path / "g.wav"
    garbage.write_bytes(b"RIFF" + b"\x00" * 200)
    with pytest.raises(UndecodableError):
        check_audio(garbage, 10)
    mid = tmp_path / "a.mid"
    mid.write_bytes(_midi(0.5, 6))
    assert check_midi(mid, 10) == pytest.approx(3.0, abs=0.01)
    with pytest.raises(UndecodableError):
        check_midi(mid, 2)
