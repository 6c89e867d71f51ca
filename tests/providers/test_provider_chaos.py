"""Audiobook jobs on the remote TTS providers (OpenAI, ElevenLabs, Inworld)
while their APIs misbehave 30% of the time (tests/provider_chaos.py): every
job succeeds, no chunk is billed twice, no provider sees more requests at once
than its concurrency setting; permanent refusals fail the job at once with the
provider's reason."""

from __future__ import annotations

import asyncio
import base64
import json
import os
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest
import respx
from pydantic import SecretStr

from provider_chaos import Chaos
from soundstage.config import Settings
from soundstage.worker import Worker
from support import User, wait_for_status

MakeUser = Callable[[], Awaitable[User]]
JOBS = int(os.environ.get("SOUNDSTAGE_CHAOS_JOBS", "12"))
OPENAI = "https://chaos-openai.test/v1"
ELEVEN = "https://chaos-11.test"
INWORLD = "https://chaos-inworld.test"
ELEVEN_VOICE = "21m00Tcm4TlvDq8ikWAM"


def _book(n: int) -> str:
    # every sentence names its book: the fakes bill by request text, so two
    # books must never send the same text
    return (
        f"# Part One of Book {n}\n\nBook {n} begins. The mill of book {n} stood by the river.\n\n"
        f"# Part Two of Book {n}\n\nBook {n} ends. The rain on book {n} came down.\n"
    )


def _fakes(mp3: bytes, chaos: dict[str, Chaos]) -> None:
    def openai(request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        if body["voice"] == "nosuchvoice":
            return httpx.Response(
                400,
                json={"error": {"message": "Invalid voice 'nosuchvoice'", "param": "voice",
                                "type": "invalid_request_error", "code": None}},
            )  # fmt: skip
        if "forbidden words" in body["input"]:
            error = {
                "message": "This request was rejected by our content policy",
                "type": "invalid_request_error",
                "code": "content_policy_violation",
            }
            return httpx.Response(400, json={"error": error})
        return httpx.Response(200, content=mp3, headers={"content-type": "audio/mpeg"})

    def eleven(request: httpx.Request, voice_id: str) -> httpx.Response:
        return httpx.Response(200, content=mp3, headers={"content-type": "audio/mpeg"})

    def inworld(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            200, json={"audioContent": base64.b64encode(mp3).decode(), "usage": {}}
        )

    def text_of(field: str) -> Callable[[httpx.Request], str]:
        return lambda request: str(json.loads(request.content)[field])

    respx.post(f"{OPENAI}/audio/speech").mock(
        side_effect=chaos["openai"].wrap(openai, bill=text_of("input"))
    )
    respx.post(url__regex=rf"{ELEVEN}/v1/text-to-speech/(?P<voice_id>[^/?]+)").mock(
        side_effect=chaos["elevenlabs"].wrap(eleven, bill=text_of("text"))
    )
    respx.post(f"{INWORLD}/tts/v1/voice").mock(
        side_effect=chaos["inworld"].wrap(inworld, bill=text_of("text"))
    )
    respx.route(host="127.0.0.1").pass_through()
    respx.route(host="localhost").pass_through()


@pytest.fixture
def remote_providers(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Settings:
    for name, value in (
        ("openai_api_key", SecretStr("sk-chaos-0000000000000000")),
        ("openai_base_url", OPENAI),
        ("elevenlabs_api_key", SecretStr("xi-chaos-0000000000000000")),
        ("elevenlabs_base_url", ELEVEN),
        ("inworld_api_key", SecretStr("aW53b3JsZDpjaGFvcw==")),
        ("inworld_base_url", INWORLD),
        ("tts_timeout_seconds", 2.0),
        ("max_attempts", 20),  # 30% faults: some attempts end in a wait
        ("retry_max_seconds", 1.0),
    ):
        monkeypatch.setattr(settings, name, value)
    # The pipeline re-synthesises a take that fails its quality checks (the
    # fakes' half second of sine would); one take per unit here, so every
    # repeated request the fakes count is one the faults caused.
    from soundstage.audiobooks import pipeline

    monkeypatch.setattr(pipeline, "MAX_RETRIES", 0)
    return settings


@respx.mock
async def test_fifty_jobs_succeed_through_chaos(
    client: httpx.AsyncClient,
    make_user: MakeUser,
    worker: Worker,
    remote_providers: Settings,
    mp3_bytes: bytes,
) -> None:
    chaos = {name: Chaos(seed=i) for i, name in enumerate(("openai", "elevenlabs", "inworld"))}
    _fakes(mp3_bytes, chaos)
    voices = ["openai:alloy", f"elevenlabs:{ELEVEN_VOICE}", "inworld:Ashley"]
    user = await make_user()
    ids: list[str] = []
    for n in range(JOBS):
        voice = voices[n % 3]
        params: dict[str, Any] = {
            "text": _book(n),
            "provider": voice.split(":")[0],
            "narrator_voice": voice,
            "formats": ["mp3"],
        }
        r = await client.post(
            "/v1/jobs", json={"kind": "audiobook", "params": params}, headers=user.headers
        )
        assert r.status_code == 202, r.text
        ids.append(r.json()["id"])
    finals = await asyncio.gather(
        *(wait_for_status(client, user, i, {"succeeded", "failed"}, 60 + JOBS * 6) for i in ids)
    )
    assert [f["status"] for f in finals] == ["succeeded"] * JOBS, [f["error"] for f in finals]
    for name, c in chaos.items():
        # the figures docs/reliability.md quotes (pytest -s shows them)
        print(
            f"chaos {name}: {c.calls} calls, injected {dict(c.injected)}, "
            f"billed {sum(c.billed.values())} for {len(c.billed)} chunks, "
            f"max in flight {c.max_in_flight}"
        )
        assert sum(c.injected.values()) > 0, name  # the chaos did happen
        assert all(n == 1 for n in c.billed.values()), (name, c.billed.most_common(3))
        limit = getattr(remote_providers, f"{name}_concurrency")
        assert c.max_in_flight <= limit, (name, c.max_in_flight, limit)


@respx.mock
@pytest.mark.parametrize(
    ("voice", "text", "reason"),
    [
        ("openai:nosuchvoice", "Hello there.", "nosuchvoice"),
        ("openai:alloy", "Some forbidden words here.", "content policy"),
    ],
)
async def test_permanent_refusals_fail_the_job_at_once_with_the_reason(
    client: httpx.AsyncClient,
    make_user: MakeUser,
    worker: Worker,
    remote_providers: Settings,
    mp3_bytes: bytes,
    voice: str,
    text: str,
    reason: str,
) -> None:
    chaos = {name: Chaos(rate=0.0) for name in ("openai", "elevenlabs", "inworld")}
    _fakes(mp3_bytes, chaos)
    user = await make_user()
    params = {"text": f"# One\n\n{text}\n", "provider": "openai", "narrator_voice": voice}
    r = await client.post(
        "/v1/jobs", json={"kind": "audiobook", "params": params}, headers=user.headers
    )
    assert r.status_code == 202, r.text
    done = await wait_for_status(client, user, r.json()["id"], {"succeeded", "failed"}, 60)
    assert done["status"] == "failed"
    assert done["attempts"] == 1  # not after retries
    assert reason in done["error"]["message"], done["error"]
