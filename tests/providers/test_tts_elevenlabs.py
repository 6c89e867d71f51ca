"""ElevenLabs against a fake that speaks its HTTP protocol."""

from __future__ import annotations

import json
import wave
from pathlib import Path

import httpx
import pytest
import respx

from soundstage.errors import PermanentError, RetryableError
from soundstage.providers.tts.elevenlabs import ElevenLabsTTSProvider

KEY = "xi-test-key-00000000000000000000"
API = "https://api.elevenlabs.io"
VOICE = "21m00Tcm4TlvDq8ikWAM"
TTS = f"{API}/v1/text-to-speech/{VOICE}"


def make(**kwargs: object) -> ElevenLabsTTSProvider:
    options: dict[str, object] = {"api_key": KEY, "retry_wait": 0.01, "timeout": 5.0}
    options.update(kwargs)
    return ElevenLabsTTSProvider(**options)  # type: ignore[arg-type]


def detail(
    status: int, reason: str, message: str, headers: dict[str, str] | None = None
) -> httpx.Response:
    # Both the legacy "status" and the current "code" field, as ElevenLabs sends them.
    body = {"detail": {"type": "error", "code": reason, "status": reason, "message": message}}
    return httpx.Response(status, json=body, headers=headers)


def fake_tts(audio: bytes, seen: list[tuple[httpx.Request, dict[str, object]]]) -> respx.Route:
    def handler(request: httpx.Request, voice_id: str) -> httpx.Response:
        if request.headers.get("xi-api-key") != KEY:
            return detail(401, "invalid_api_key", "Invalid API key")
        if voice_id != VOICE:
            return detail(404, "voice_not_found", "A voice with the voice_id was not found.")
        body = json.loads(request.content)
        seen.append((request, body))
        return httpx.Response(
            200,
            content=audio,
            headers={"content-type": "audio/mpeg", "request-id": f"req-{len(seen)}"},
        )

    return respx.post(url__regex=rf"{API}/v1/text-to-speech/(?P<voice_id>[^/?]+)").mock(
        side_effect=handler
    )


@respx.mock
async def test_speaks_and_stitches_requests(mp3_bytes: bytes, out_dir: Path) -> None:
    seen: list[tuple[httpx.Request, dict[str, object]]] = []
    fake_tts(mp3_bytes, seen)
    tts = make()
    first = await tts.synthesize("One.", f"elevenlabs:{VOICE}", out_dir, next_text="Two.")
    assert first.request_id == "req-1" and first.sample_rate == 44_100
    assert first.path.read_bytes() == mp3_bytes and first.path.suffix == ".mp3"
    request, body = seen[0]
    assert request.url.params["output_format"] == "mp3_44100_128"
    assert body == {"text": "One.", "model_id": "eleven_multilingual_v2", "next_text": "Two."}

    ids = ["req-a", "req-b", "req-c", first.request_id]
    await tts.synthesize(
        "Two.",
        VOICE,
        out_dir,
        previous_text="One.",
        previous_request_ids=ids,  # type: ignore[list-item]
    )
    # at most three previous requests, the latest ones
    assert seen[1][1]["previous_request_ids"] == ["req-b", "req-c", "req-1"]
    assert seen[1][1]["previous_text"] == "One."


@respx.mock
async def test_v3_does_not_stitch_by_request_id(mp3_bytes: bytes, out_dir: Path) -> None:
    seen: list[tuple[httpx.Request, dict[str, object]]] = []
    fake_tts(mp3_bytes, seen)
    tts = make(model="eleven_v3")
    await tts.synthesize("Two.", VOICE, out_dir, previous_request_ids=["req-1"])
    assert "previous_request_ids" not in seen[0][1]


def test_character_limits_follow_the_model() -> None:
    assert make().max_chars == 10_000
    assert make(model="eleven_flash_v2_5").max_chars == 40_000
    assert make(model="eleven_turbo_v2").max_chars == 30_000
    assert make(model="eleven_v3").max_chars == 5_000
    assert make(model="eleven_future_v9").max_chars == 5_000  # unknown: the safe minimum
    assert make().preferred_chars <= make().max_chars
    assert make().cost_per_million_chars() == 100.0
    assert make(model="eleven_flash_v2_5").cost_per_million_chars() == 50.0


async def test_too_long_for_the_model_is_refused_locally(out_dir: Path) -> None:
    with respx.mock(assert_all_called=False) as mock:
        route = mock.post(url__startswith=f"{API}/v1/text-to-speech/")
        with pytest.raises(PermanentError, match="at most 5000 characters"):
            await make(model="eleven_v3").synthesize("x" * 5001, VOICE, out_dir)
        assert not route.called


@respx.mock
async def test_429_tells_concurrency_from_system_busy(out_dir: Path) -> None:
    route = respx.post(TTS).mock(
        return_value=detail(
            429, "too_many_concurrent_requests", "You have too many concurrent requests."
        )
    )
    with pytest.raises(RetryableError, match="requests in flight") as caught:
        await make().synthesize("Hi.", VOICE, out_dir)
    assert caught.value.retry_after == 2.0  # a slot frees soon: retry soon

    route.mock(return_value=detail(429, "system_busy", "We are experiencing heavy traffic."))
    with pytest.raises(RetryableError, match="system_busy") as caught:
        await make().synthesize("Hi.", VOICE, out_dir)
    assert caught.value.retry_after == 15.0  # overloaded: back off longer

    route.mock(return_value=detail(429, "system_busy", "busy", headers={"Retry-After": "40"}))
    with pytest.raises(RetryableError) as caught:
        await make().synthesize("Hi.", VOICE, out_dir)
    assert caught.value.retry_after == 40.0
    assert route.call_count == 3  # no quick retries on 429


@respx.mock
async def test_unknown_voice_and_bad_key_fail_at_once(mp3_bytes: bytes, out_dir: Path) -> None:
    fake_tts(mp3_bytes, [])
    with pytest.raises(PermanentError, match="ElevenLabs has no voice 'nobody'"):
        await make().synthesize("Hi.", "nobody", out_dir)
    with pytest.raises(PermanentError) as caught:
        await make(api_key="xi-wrong").synthesize("Hi.", VOICE, out_dir)
    assert caught.value.message == (
        "the ElevenLabs API key was refused: check SOUNDSTAGE_ELEVENLABS_API_KEY"
    )


@respx.mock
async def test_quota_and_other_4xx(out_dir: Path) -> None:
    route = respx.post(TTS).mock(
        return_value=detail(
            401, "quota_exceeded", "You have insufficient quota to complete this request"
        )
    )
    with pytest.raises(PermanentError, match="quota_exceeded"):
        await make().synthesize("Hi.", VOICE, out_dir)
    route.mock(
        return_value=detail(
            400,
            "max_character_limit_exceeded",
            "This request's text has 10500 characters and exceeds the limit",
        )
    )
    with pytest.raises(PermanentError, match="too long: This request's text has 10500"):
        await make().synthesize("Hi.", VOICE, out_dir)
    route.mock(return_value=httpx.Response(422, json={"detail": [{"msg": "field required"}]}))
    with pytest.raises(PermanentError, match=r"HTTP 422.*field required"):
        await make().synthesize("Hi.", VOICE, out_dir)


@respx.mock
async def test_server_errors_are_retried_then_queued(mp3_bytes: bytes, out_dir: Path) -> None:
    route = respx.post(TTS).mock(
        side_effect=[httpx.Response(500), httpx.Response(200, content=mp3_bytes)]
    )
    assert (await make().synthesize("Hi.", VOICE, out_dir)).path.exists()
    route.mock(side_effect=None, return_value=httpx.Response(503, text="upstream connect error"))
    route.reset()
    with pytest.raises(RetryableError, match="HTTP 503"):
        await make().synthesize("Hi.", VOICE, out_dir)
    assert route.call_count == 3


@respx.mock
async def test_pcm_output_is_wrapped_as_wav(out_dir: Path) -> None:
    pcm = (b"\x10\x00\xf0\xff" * 2400) + b"\x01"  # 0.2 s at 24 kHz, plus a torn byte
    route = respx.post(TTS).mock(return_value=httpx.Response(200, content=pcm))
    result = await make(output_format="pcm_24000").synthesize("Hi.", VOICE, out_dir)
    assert route.calls.last.request.url.params["output_format"] == "pcm_24000"
    assert result.path.suffix == ".wav" and result.sample_rate == 24_000
    with wave.open(str(result.path)) as w:
        assert (w.getframerate(), w.getsampwidth(), w.getnframes()) == (24_000, 2, 4800)


VOICES_BODY = {
    "voices": [
        {
            "voice_id": VOICE,
            "name": "Rachel",
            "category": "premade",
            "labels": {
                "accent": "american",
                "age": "young",
                "gender": "female",
                "use_case": "narration",
            },
            "preview_url": "https://storage.example/rachel.mp3",
            "verified_languages": [],
        },
        {
            "voice_id": "pNInz6obpgDQGcFmaJgB",
            "name": "Adam",
            "labels": {"gender": "Male", "language": "en"},
            "preview_url": None,
        },
        {
            "voice_id": "clone1",
            "name": "My clone",
            "labels": {},
            "verified_languages": [{"language": "de", "locale": "de-DE"}],
        },
        {"name": "no id: skipped"},
    ]
}


@respx.mock
async def test_the_catalogue_is_fetched_with_the_key_and_cached() -> None:
    route = respx.get(f"{API}/v1/voices").mock(return_value=httpx.Response(200, json=VOICES_BODY))
    tts = make()
    voices = await tts.voices()
    assert route.calls.last.request.headers["xi-api-key"] == KEY
    assert [(v.id, v.name, v.language, v.gender, v.preview_url) for v in voices] == [
        (
            f"elevenlabs:{VOICE}",
            "Rachel",
            "multilingual",
            "female",
            "https://storage.example/rachel.mp3",
        ),
        ("elevenlabs:pNInz6obpgDQGcFmaJgB", "Adam", "en", "male", None),
        ("elevenlabs:clone1", "My clone", "de-DE", None, None),
    ]
    assert await tts.voices() == voices and route.call_count == 1  # cached
    tts.catalogue_ttl_seconds = 0  # type: ignore[misc]
    await tts.voices()
    assert route.call_count == 2


@respx.mock
async def test_a_failed_catalogue_is_not_cached() -> None:
    route = respx.get(f"{API}/v1/voices").mock(
        side_effect=[
            detail(401, "invalid_api_key", "Invalid API key"),
            httpx.Response(200, json=VOICES_BODY),
        ]
    )
    tts = make()
    with pytest.raises(PermanentError, match="SOUNDSTAGE_ELEVENLABS_API_KEY"):
        await tts.voices()
    assert len(await tts.voices()) == 3 and route.call_count == 2


@respx.mock
async def test_voice_ids_cannot_escape_the_path(mp3_bytes: bytes, out_dir: Path) -> None:
    route = respx.post(f"{API}/v1/text-to-speech/..%2Fuser").mock(
        return_value=httpx.Response(200, content=mp3_bytes)
    )
    await make().synthesize("Hi.", "../user", out_dir)
    assert route.called


@respx.mock
async def test_a_key_without_tts_permission_says_so(out_dir: Path) -> None:
    respx.post(TTS).mock(
        return_value=detail(
            401, "missing_permissions", "The API key is missing the permission text_to_speech"
        )
    )
    with pytest.raises(PermanentError, match=r"SOUNDSTAGE_ELEVENLABS_API_KEY.*missing_permissions"):
        await make().synthesize("Hi.", VOICE, out_dir)


@respx.mock
async def test_the_sdk_keeps_the_short_connect_timeout(mp3_bytes: bytes, out_dir: Path) -> None:
    # The SDK sets a timeout on every request; a dead host must still fail its
    # connect in 10 s, not in the whole request's timeout.
    timeouts: list[object] = []

    def handler(request: httpx.Request) -> httpx.Response:
        timeouts.append(request.extensions.get("timeout"))
        return httpx.Response(200, content=mp3_bytes, headers={"request-id": "r"})

    respx.post(TTS).mock(side_effect=handler)
    await make(timeout=120.0).synthesize("Hi.", VOICE, out_dir)
    assert timeouts == [{"connect": 10.0, "read": 120.0, "write": 120.0, "pool": 120.0}]
