"""OpenAI (and OpenAI-compatible) speech against fakes that speak its HTTP protocol."""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
import respx

from soundstage.errors import PermanentError, RetryableError
from soundstage.providers.tts.openai import OpenAITTSProvider

KEY = "sk-test-5Ecr3tKeyValue0123456789"
API = "https://api.openai.com/v1"
SPEECH = f"{API}/audio/speech"


def make(**kwargs: object) -> OpenAITTSProvider:
    options: dict[str, object] = {"api_key": KEY, "retry_wait": 0.01, "timeout": 5.0}
    options.update(kwargs)
    return OpenAITTSProvider(**options)  # type: ignore[arg-type]


def openai_error(
    status: int,
    message: str,
    *,
    type_: str,
    code: str | None = None,
    param: str | None = None,
    headers: dict[str, str] | None = None,
) -> httpx.Response:
    body = {"error": {"message": message, "type": type_, "param": param, "code": code}}
    return httpx.Response(status, json=body, headers=headers)


def speech_api(mp3_bytes: bytes, seen: list[dict[str, object]]) -> respx.Route:
    """A fake /audio/speech that insists on what the real one insists on."""

    def handler(request: httpx.Request) -> httpx.Response:
        if request.headers.get("authorization") != f"Bearer {KEY}":
            return openai_error(
                401,
                "Incorrect API key provided",
                type_="invalid_request_error",
                code="invalid_api_key",
            )
        body = json.loads(request.content)
        seen.append(body)
        if not {"model", "input", "voice"} <= body.keys():
            return openai_error(400, "Missing required parameter", type_="invalid_request_error")
        if len(body["input"]) > 4096:
            return openai_error(400, "input too long", type_="invalid_request_error")
        return httpx.Response(200, content=mp3_bytes, headers={"content-type": "audio/mpeg"})

    return respx.post(SPEECH).mock(side_effect=handler)


@respx.mock
async def test_speaks_with_gpt_4o_mini_tts_and_instructions(
    mp3_bytes: bytes, out_dir: Path
) -> None:
    seen: list[dict[str, object]] = []
    route = speech_api(mp3_bytes, seen)
    tts = make(instructions="Calm narrator.")
    result = await tts.synthesize("Chapter one.", "openai:coral", out_dir)
    assert route.call_count == 1
    assert seen == [
        {
            "model": "gpt-4o-mini-tts",
            "input": "Chapter one.",
            "voice": "coral",
            "response_format": "mp3",
            "instructions": "Calm narrator.",
        }
    ]
    assert result.path.read_bytes() == mp3_bytes and result.path.suffix == ".mp3"
    assert (result.sample_rate, result.request_id) == (24_000, None)
    # per-call instructions win over the configured ones
    await tts.synthesize("Two.", "coral", out_dir, instructions="Whisper.")
    assert seen[-1]["instructions"] == "Whisper."


@respx.mock
async def test_tts_1_gets_no_instructions(mp3_bytes: bytes, out_dir: Path) -> None:
    seen: list[dict[str, object]] = []
    speech_api(mp3_bytes, seen)
    await make(model="tts-1-hd", instructions="Calm.").synthesize("Hi.", "alloy", out_dir)
    assert "instructions" not in seen[0] and seen[0]["model"] == "tts-1-hd"


@respx.mock
async def test_429_waits_for_retry_after_without_retrying_inside(out_dir: Path) -> None:
    route = respx.post(SPEECH).mock(
        return_value=openai_error(
            429,
            "Rate limit reached for requests",
            type_="requests",
            code="rate_limit_exceeded",
            headers={"Retry-After": "20"},
        )
    )
    with pytest.raises(RetryableError, match="rate limiting") as caught:
        await make().synthesize("Hi.", "alloy", out_dir)
    assert caught.value.retry_after == 20.0
    assert route.call_count == 1  # long waits are the job queue's business

    route.mock(
        return_value=openai_error(
            429,
            "slow down",
            type_="requests",
            headers={"retry-after-ms": "1500", "Retry-After": "9"},
        )
    )
    with pytest.raises(RetryableError) as caught:
        await make().synthesize("Hi.", "alloy", out_dir)
    assert caught.value.retry_after == 1.5


@respx.mock
async def test_429_out_of_credit_is_permanent(out_dir: Path) -> None:
    respx.post(SPEECH).mock(
        return_value=openai_error(
            429,
            "You exceeded your current quota, please check your plan",
            type_="insufficient_quota",
            code="insufficient_quota",
        )
    )
    with pytest.raises(PermanentError, match="insufficient_quota"):
        await make().synthesize("Hi.", "alloy", out_dir)


@respx.mock
async def test_5xx_blips_are_retried_inside_the_call(mp3_bytes: bytes, out_dir: Path) -> None:
    ok = httpx.Response(200, content=mp3_bytes, headers={"content-type": "audio/mpeg"})
    route = respx.post(SPEECH).mock(side_effect=[httpx.Response(503), httpx.Response(502), ok])
    result = await make().synthesize("Hi.", "alloy", out_dir)
    assert route.call_count == 3 and result.path.read_bytes() == mp3_bytes

    route.mock(
        side_effect=None,
        return_value=openai_error(500, "The server had an error", type_="server_error"),
    )
    route.reset()
    with pytest.raises(RetryableError, match="HTTP 500"):
        await make().synthesize("Hi.", "alloy", out_dir)
    assert route.call_count == 3  # one call and two quick retries, then the queue


@respx.mock
async def test_503_with_a_long_retry_after_goes_to_the_queue(out_dir: Path) -> None:
    route = respx.post(SPEECH).mock(
        return_value=httpx.Response(503, headers={"Retry-After": "120"})
    )
    with pytest.raises(RetryableError) as caught:
        await make().synthesize("Hi.", "alloy", out_dir)
    assert caught.value.retry_after == 120.0 and route.call_count == 1


@respx.mock
async def test_connection_resets_are_retried(mp3_bytes: bytes, out_dir: Path) -> None:
    ok = httpx.Response(200, content=mp3_bytes)
    route = respx.post(SPEECH).mock(
        side_effect=[httpx.RemoteProtocolError("peer closed connection"), ok]
    )
    await make().synthesize("Hi.", "alloy", out_dir)
    assert route.call_count == 2
    route.mock(side_effect=httpx.ConnectError("connection refused"))
    with pytest.raises(RetryableError, match="could not be reached"):
        await make().synthesize("Hi.", "alloy", out_dir)


@respx.mock
async def test_a_read_timeout_is_retryable_at_once(out_dir: Path) -> None:
    route = respx.post(SPEECH).mock(side_effect=httpx.ReadTimeout("timed out"))
    with pytest.raises(RetryableError, match="did not answer within 5 s"):
        await make().synthesize("Hi.", "alloy", out_dir)
    assert route.call_count == 1


@respx.mock
async def test_a_refused_key_fails_at_once_without_showing_it(out_dir: Path) -> None:
    # OpenAI quotes a masked key back; neither it nor ours may reach the user.
    respx.post(SPEECH).mock(
        return_value=openai_error(
            401,
            f"Incorrect API key provided: {KEY[:8]}****6789. You can find your API key at ...",
            type_="invalid_request_error",
            code="invalid_api_key",
        )
    )
    with pytest.raises(PermanentError) as caught:
        await make().synthesize("Hi.", "alloy", out_dir)
    message = caught.value.message
    assert message == "the OpenAI API key was refused: check SOUNDSTAGE_OPENAI_API_KEY"
    assert KEY[:8] not in message


@respx.mock
async def test_an_unknown_voice_fails_at_once_naming_it(out_dir: Path) -> None:
    route = respx.post(SPEECH).mock(
        return_value=openai_error(
            400,
            "Invalid value: 'brian'. Supported values are: 'alloy', 'ash', 'ballad', 'coral'",
            type_="invalid_request_error",
            param="voice",
            code="invalid_value",
        )
    )
    with pytest.raises(PermanentError, match="OpenAI has no voice 'brian'") as caught:
        await make().synthesize("Hi.", "openai:brian", out_dir)
    assert "voices?provider=openai" in caught.value.message
    assert route.call_count == 1


@respx.mock
async def test_other_4xx_show_the_apis_message_without_the_key(out_dir: Path) -> None:
    respx.post(SPEECH).mock(
        return_value=openai_error(
            400, f"Something odd about request from {KEY}", type_="invalid_request_error"
        )
    )
    with pytest.raises(PermanentError, match="HTTP 400") as caught:
        await make().synthesize("Hi.", "alloy", out_dir)
    assert KEY not in caught.value.message and "Something odd" in caught.value.message


async def test_text_over_the_limit_is_refused_before_any_request(out_dir: Path) -> None:
    with respx.mock(assert_all_called=False) as mock:
        route = mock.post(SPEECH)
        with pytest.raises(PermanentError, match="at most 4096 characters"):
            await make().synthesize("x" * 4097, "alloy", out_dir)
        assert not route.called


@respx.mock
async def test_concurrency_is_limited_per_provider(mp3_bytes: bytes, out_dir: Path) -> None:
    in_flight = peak = 0

    async def slow(request: httpx.Request) -> httpx.Response:
        nonlocal in_flight, peak
        in_flight += 1
        peak = max(peak, in_flight)
        await asyncio.sleep(0.05)
        in_flight -= 1
        return httpx.Response(200, content=mp3_bytes)

    respx.post(SPEECH).mock(side_effect=slow)
    tts = make(concurrency=2)
    await asyncio.gather(*(tts.synthesize(f"Line {i}.", "alloy", out_dir) for i in range(6)))
    assert peak == 2


async def test_official_voices_need_no_request() -> None:
    with respx.mock:  # any request would fail: none is expected
        voices = await make().voices()
        assert len(voices) == 13 and voices[0].id == "openai:alloy"
        assert {v.language for v in voices} == {"multilingual"}
        assert len(await make(model="tts-1").voices()) == 9
    assert make().cost_per_million_chars() == 15.0
    assert make(model="tts-1-hd").cost_per_million_chars() == 30.0


@respx.mock
async def test_a_compatible_server_lists_its_own_voices(mp3_bytes: bytes, out_dir: Path) -> None:
    base = "http://kokoro.test:8880/v1"
    catalogue = respx.get(f"{base}/audio/voices").mock(
        return_value=httpx.Response(200, json={"voices": ["af_heart", "am_adam"]})
    )
    tts = make(base_url=base)
    assert [v.id for v in await tts.voices()] == ["openai:af_heart", "openai:am_adam"]
    assert tts.cost_per_million_chars() is None
    respx.post(f"{base}/audio/speech").mock(return_value=httpx.Response(200, content=mp3_bytes))
    result = await tts.synthesize("Hi.", "af_heart", out_dir)
    assert result.sample_rate is None  # not promised by an unknown server

    catalogue.mock(return_value=httpx.Response(404, json={"detail": "Not Found"}))
    assert len(await make(base_url=base).voices()) == 13  # falls back to OpenAI's names
    catalogue.mock(return_value=httpx.Response(401, json={"detail": "Invalid API key"}))
    with pytest.raises(PermanentError, match="SOUNDSTAGE_OPENAI_API_KEY"):
        await make(base_url=base).voices()


@respx.mock
async def test_a_compatible_servers_unknown_voice(out_dir: Path) -> None:
    base = "http://kokoro.test:8880/v1"
    # Kokoro-FastAPI's error shape
    body = {
        "detail": {
            "error": "validation_error",
            "message": "Voice 'zz' not found",
            "type": "invalid_request_error",
        }
    }
    respx.post(f"{base}/audio/speech").mock(return_value=httpx.Response(400, json=body))
    with pytest.raises(PermanentError, match="no voice 'zz'"):
        await make(base_url=base).synthesize("Hi.", "zz", out_dir)


@contextlib.asynccontextmanager
async def silent_server() -> AsyncIterator[int]:
    """A real TCP server on loopback that accepts requests and never answers."""
    held: list[asyncio.StreamWriter] = []

    async def accept(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        held.append(writer)
        await reader.read(65536)

    server = await asyncio.start_server(accept, "127.0.0.1", 0)
    try:
        yield server.sockets[0].getsockname()[1]
    finally:
        for writer in held:
            writer.close()
        server.close()
        await server.wait_closed()


async def test_a_real_timeout(out_dir: Path) -> None:
    async with silent_server() as port:
        tts = make(base_url=f"http://127.0.0.1:{port}/v1", timeout=0.3)
        with pytest.raises(RetryableError, match=r"did not answer within 0\.3 s"):
            await tts.synthesize("Hi.", "alloy", out_dir)


async def test_a_refused_connection(out_dir: Path) -> None:
    with socket.socket() as s:  # a port that was free a moment ago: nothing listens
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    tts = make(base_url=f"http://127.0.0.1:{port}/v1")
    with pytest.raises(RetryableError, match="could not be reached"):
        await tts.synthesize("Hi.", "alloy", out_dir)
