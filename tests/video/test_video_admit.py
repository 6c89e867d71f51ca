"""What the `video` kind refuses at submit time (4xx, no job created)."""

from __future__ import annotations

import io
import struct
import wave
import zlib
from collections.abc import Awaitable, Callable

import httpx
import pytest
from PIL import Image

from support import User

MakeUser = Callable[[], Awaitable[User]]


async def _post(client: httpx.AsyncClient, user: User, **params: object) -> httpx.Response:
    body = {"kind": "video", "params": {"topic": "A test", "resolution": "480p", **params}}
    return await client.post("/v1/jobs", json=body, headers=user.headers)


async def _upload(client: httpx.AsyncClient, user: User, name: str, data: bytes,
                  ctype: str) -> httpx.Response:  # fmt: skip
    return await client.post("/v1/uploads", files={"file": (name, data, ctype)},
                             headers=user.headers)  # fmt: skip


def _png() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (64, 64), (1, 2, 3)).save(buf, "PNG")
    return buf.getvalue()


def _png_with_garbage_pixels() -> bytes:
    """Every chunk well formed (lengths, CRCs, IEND), but the IDAT is not zlib."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    ihdr = struct.pack(">IIBBBBB", 64, 64, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", b"\x00garbage" * 40)
            + chunk(b"IEND", b""))  # fmt: skip


@pytest.mark.parametrize(
    "bad",
    [
        {"num_scenes": 2}, {"num_scenes": 31}, {"duration": 0.4}, {"duration": 10.5},
        {"story_type": "romance"}, {"image_style": "pixel"}, {"image_mode": "psychic"},
        {"hook_intensity": "mild"}, {"pacing": "fast"}, {"aspect": "4:3"},
        {"subtitles": "karaoke"}, {"music": {"mood": "grumpy"}}, {"topic": ""},
        {"image_mode": "manual"}, {"script": [{"narration": "only one"}]},
        {"characters": [{"name": ""}]}, {"surprise": True},
    ],
)  # fmt: skip
async def test_bad_params_are_422(
    client: httpx.AsyncClient, make_user: MakeUser, bad: dict[str, object]
) -> None:
    user = await make_user()
    r = await _post(client, user, **bad)
    assert r.status_code == 422, (bad, r.text)


async def test_voices_are_checked(client: httpx.AsyncClient, make_user: MakeUser) -> None:
    user = await make_user()
    r = await _post(client, user, voice_id="male_narrator_deep")
    assert r.status_code == 422 and "<provider>:<voice>" in r.text
    r = await _post(client, user, voice_id="local:nobody")
    assert r.status_code == 422 and "available" in r.text
    r = await _post(client, user, voice_id="elevenlabs:abc")
    assert r.status_code == 422 and "SOUNDSTAGE_ELEVENLABS_API_KEY" in r.text


async def test_manual_images_must_be_the_callers_readable_images(
    client: httpx.AsyncClient, make_user: MakeUser
) -> None:
    alice, bob = await make_user(), await make_user()
    good = await _upload(client, alice, "a.png", _png(), "image/png")
    assert good.status_code == 201, good.text
    wav = io.BytesIO()
    with wave.open(wav, "wb") as w:
        w.setnchannels(1), w.setsampwidth(2), w.setframerate(8000)
        w.writeframes(b"\x00\x00" * 8000)
    audio = await _upload(client, alice, "a.wav", wav.getvalue(), "audio/wav")
    assert audio.status_code == 201, audio.text
    bobs = await _upload(client, bob, "b.png", _png(), "image/png")
    assert bobs.status_code == 201

    manual = {"image_mode": "manual"}
    r = await _post(client, alice, manual_image_paths=[good.json()["id"], audio.json()["id"]],
                    **manual)  # fmt: skip
    assert r.status_code == 422 and "manual_image_paths[1]" in r.text and "not an image" in r.text
    r = await _post(client, alice, manual_image_paths=[bobs.json()["id"]], **manual)
    assert r.status_code == 422 and "no such upload" in r.text
    r = await _post(client, alice, manual_image_paths=["8d6f6c1e-0000-4000-8000-000000000000"],
                    **manual)  # fmt: skip
    assert r.status_code == 422 and "no such upload" in r.text

    corrupt = await _upload(client, alice, "c.png", _png_with_garbage_pixels(), "image/png")
    # well formed enough for the upload's sniffer; admit decodes it and refuses
    assert corrupt.status_code == 201, corrupt.text
    r = await _post(client, alice, manual_image_paths=[corrupt.json()["id"]], **manual)
    assert r.status_code == 422 and "cannot be decoded" in r.text, r.text

    listed = await client.get("/v1/jobs?kind=video", headers=alice.headers)
    assert listed.json()["items"] == []  # nothing was created
