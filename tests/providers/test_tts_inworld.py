"""Inworld against a fake that speaks its HTTP protocol."""

from __future__ import annotations

import base64
import email.utils
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
import respx

from soundstage.errors import PermanentError, RetryableError
from soundstage.providers.tts.inworld import InworldTTSProvider, basic_credential

CREDENTIAL = base64.b64encode(b"key-id:key-secret").decode()
API = "https://api.inworld.ai"
SYNTH = f"{API}/tts/v1/voice"


def make(**kwargs: object) -> InworldTTSProvider:
    options: dict[str, object] = {"api_key": CREDENTIAL, "retry_wait": 0.01, "timeout": 5.0}
    options.update(kwargs)
    return InworldTTSProvider(**options)  # type: ignore[arg-type]


def grpc_error(
    status: int, code: int, message: str, headers: dict[str, str] | None = None
) -> httpx.Response:
    return httpx.Response(
        status, json={"code": code, "message": message, "details": []}, headers=headers
    )


def fake_inworld(audio: bytes, seen: list[dict[str, object]]) -> respx.Route:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.headers.get("authorization") != f"Basic {CREDENTIAL}":
            return grpc_error(401, 16, "Unauthenticated")
        body = json.loads(request.content)
        seen.append(body)
        if len(body["text"]) > 2000:
            return grpc_error(400, 3, "text exceeds 2000 characters")
        if body["voiceId"] not in {"Ashley", "Dennis"}:
            return grpc_error(404, 5, f"Unknown voice: {body['voiceId']} not found")
        return httpx.Response(
            200,
            json={
                "audioContent": base64.b64encode(audio).decode(),
                "usage": {
                    "processedCharactersCount": len(body["text"]),
                    "modelId": body["modelId"],
                },
            },
        )

    return respx.post(SYNTH).mock(side_effect=handler)


@respx.mock
async def test_speaks(mp3_bytes: bytes, out_dir: Path) -> None:
    seen: list[dict[str, object]] = []
    fake_inworld(mp3_bytes, seen)
    result = await make().synthesize("Hello there.", "inworld:Ashley", out_dir)
    assert seen == [
        {
            "text": "Hello there.",
            "voiceId": "Ashley",
            "modelId": "inworld-tts-1.5-max",
            "audioConfig": {"audioEncoding": "MP3", "sampleRateHertz": 48_000},
        }
    ]
    assert result.path.read_bytes() == mp3_bytes and result.path.suffix == ".mp3"
    assert result.sample_rate == 48_000
    assert make().cost_per_million_chars() == 10.0


def test_a_raw_key_and_secret_pair_is_encoded() -> None:
    assert basic_credential("key-id:key-secret") == CREDENTIAL
    assert basic_credential(CREDENTIAL) == CREDENTIAL


async def test_2000_characters_at_most(out_dir: Path) -> None:
    with respx.mock(assert_all_called=False) as mock:
        route = mock.post(SYNTH)
        with pytest.raises(PermanentError, match="at most 2000 characters"):
            await make().synthesize("x" * 2001, "Ashley", out_dir)
        assert not route.called


@respx.mock
async def test_unknown_voice_fails_at_once(mp3_bytes: bytes, out_dir: Path) -> None:
    route = fake_inworld(mp3_bytes, [])
    with pytest.raises(PermanentError, match="Inworld has no voice 'Zed'") as caught:
        await make().synthesize("Hi.", "Zed", out_dir)
    assert "Unknown voice" in caught.value.message and route.call_count == 1
    route.mock(side_effect=None, return_value=grpc_error(400, 3, "Invalid voice id 'Zed'"))
    with pytest.raises(PermanentError, match="no voice 'Zed'"):
        await make().synthesize("Hi.", "Zed", out_dir)


@respx.mock
async def test_bad_key_fails_at_once(mp3_bytes: bytes, out_dir: Path) -> None:
    fake_inworld(mp3_bytes, [])
    other = base64.b64encode(b"someone:else").decode()
    with pytest.raises(PermanentError) as caught:
        await make(api_key=other).synthesize("Hi.", "Ashley", out_dir)
    assert (
        caught.value.message == "the Inworld API key was refused: check SOUNDSTAGE_INWORLD_API_KEY"
    )
    assert other not in caught.value.message


@respx.mock
async def test_429_with_an_http_date(out_dir: Path) -> None:
    when = email.utils.format_datetime(datetime.now(UTC) + timedelta(seconds=90), usegmt=True)
    route = respx.post(SYNTH).mock(
        return_value=grpc_error(429, 8, "Resource exhausted", headers={"Retry-After": when})
    )
    with pytest.raises(RetryableError) as caught:
        await make().synthesize("Hi.", "Ashley", out_dir)
    assert caught.value.retry_after is not None and 80 < caught.value.retry_after <= 90
    assert route.call_count == 1


@respx.mock
async def test_5xx_and_timeouts(mp3_bytes: bytes, out_dir: Path) -> None:
    ok = httpx.Response(200, json={"audioContent": base64.b64encode(mp3_bytes).decode()})
    route = respx.post(SYNTH).mock(side_effect=[grpc_error(502, 14, "unavailable"), ok])
    assert (await make().synthesize("Hi.", "Ashley", out_dir)).path.read_bytes() == mp3_bytes
    route.reset()
    route.mock(side_effect=None, return_value=grpc_error(500, 13, "internal"))
    with pytest.raises(RetryableError, match="Inworld failed with HTTP 500"):
        await make().synthesize("Hi.", "Ashley", out_dir)
    assert route.call_count == 3
    route.mock(side_effect=httpx.WriteTimeout("timed out"))
    with pytest.raises(RetryableError, match="did not answer"):
        await make().synthesize("Hi.", "Ashley", out_dir)


@respx.mock
async def test_a_200_without_audio_is_retryable(out_dir: Path) -> None:
    route = respx.post(SYNTH).mock(return_value=httpx.Response(200, json={"usage": {}}))
    with pytest.raises(RetryableError, match="without readable audio"):
        await make().synthesize("Hi.", "Ashley", out_dir)
    route.mock(return_value=httpx.Response(200, json={"audioContent": "not base64!!"}))
    with pytest.raises(RetryableError, match="without readable audio"):
        await make().synthesize("Hi.", "Ashley", out_dir)


@respx.mock
async def test_the_catalogue() -> None:
    body = {
        "voices": [
            {
                "languages": ["en"],
                "voiceId": "Alex",
                "displayName": "Alex",
                "description": "Energetic male voice",
                "tags": ["male", "energetic"],
            },
            {
                "languages": ["en"],
                "voiceId": "Ashley",
                "displayName": "Ashley",
                "tags": ["female", "warm"],
            },
            {"langCode": "EN_US", "voiceId": "Blake", "displayName": "Blake", "tags": []},
        ]
    }
    route = respx.get(f"{API}/tts/v1/voices").mock(return_value=httpx.Response(200, json=body))
    voices = await make().voices()
    assert route.calls.last.request.headers["authorization"] == f"Basic {CREDENTIAL}"
    assert [(v.id, v.name, v.language, v.gender) for v in voices] == [
        ("inworld:Alex", "Alex", "en", "male"),
        ("inworld:Ashley", "Ashley", "en", "female"),
        ("inworld:Blake", "Blake", "en-US", None),
    ]
