"""GET /v1/voices: local voices with real samples; remote catalogues through fakes."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
import respx
from pydantic import SecretStr

from pipelines_for_tests import TEST_KINDS
from soundstage.app import create_app
from soundstage.config import Settings
from soundstage.providers.tts import local_piper
from soundstage.voices.service import SYSTEM_OWNER
from support import MakeUser

ELEVEN_KEY = "xi-voices-api-test-key-0000"


async def test_needs_a_signed_in_user(client: httpx.AsyncClient) -> None:
    r = await client.get("/v1/voices")
    assert r.status_code == 401


async def test_local_voices_come_with_a_real_sample(
    client: httpx.AsyncClient, make_user: MakeUser, settings: Settings
) -> None:
    user = await make_user()
    r = await client.get("/v1/voices", params={"provider": "local"}, headers=user.headers)
    assert r.status_code == 200, r.text
    items = r.json()["items"]
    by_id = {v["id"]: v for v in items}
    hibari = by_id["local:hibari-us-female"]
    assert (hibari["provider"], hibari["language"], hibari["gender"]) == (
        "local",
        "en-US",
        "female",
    )
    if local_piper.available():
        assert by_id["local:piper-joe"]["gender"] == "male"

    sample = await client.get(hibari["sample_url"])
    assert sample.status_code == 200
    assert sample.content[:3] == b"ID3" or sample.content[:2] in (b"\xff\xfb", b"\xff\xf3")
    assert 5_000 < len(sample.content) < 200_000  # a few seconds at 64 kb/s

    # Rendered once, under the engine's own owner id; later listings reuse it.
    stored = (
        settings.storage_root
        / "renders"
        / str(SYSTEM_OWNER)
        / "voices"
        / "local-hibari-us-female.v1.mp3"
    )
    assert stored.is_file()
    before = stored.stat().st_mtime_ns
    again = await client.get("/v1/voices", params={"provider": "local"}, headers=user.headers)
    assert again.status_code == 200
    assert stored.stat().st_mtime_ns == before


async def test_without_a_provider_every_configured_one_is_listed(
    client: httpx.AsyncClient, make_user: MakeUser
) -> None:
    user = await make_user()
    r = await client.get("/v1/voices", headers=user.headers)
    assert r.status_code == 200
    assert {v["provider"] for v in r.json()["items"]} == {"local"}  # no keys in these settings


async def test_unconfigured_and_unknown_providers(
    client: httpx.AsyncClient, make_user: MakeUser
) -> None:
    user = await make_user()
    for name, env in (
        ("openai", "SOUNDSTAGE_OPENAI_API_KEY"),
        ("elevenlabs", "SOUNDSTAGE_ELEVENLABS_API_KEY"),
        ("inworld", "SOUNDSTAGE_INWORLD_API_KEY"),
    ):
        r = await client.get("/v1/voices", params={"provider": name}, headers=user.headers)
        assert r.status_code == 422
        assert r.json()["error"]["message"] == (
            f"the TTS provider '{name}' is not configured: set {env}"
        )
    r = await client.get("/v1/voices", params={"provider": "polly"}, headers=user.headers)
    assert r.status_code == 422
    assert "valid providers: local, openai, elevenlabs, inworld" in r.json()["error"]["message"]


@pytest.fixture
async def keyed_client(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    """The app with an ElevenLabs key configured (same database and storage)."""
    keyed = settings.model_copy(update={"elevenlabs_api_key": SecretStr(ELEVEN_KEY)})
    app = create_app(keyed, pipelines=TEST_KINDS)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
            yield c


CATALOGUE = {
    "voices": [
        {
            "voice_id": "21m00Tcm4TlvDq8ikWAM",
            "name": "Rachel",
            "labels": {"gender": "female", "accent": "american"},
            "preview_url": "https://storage.example/rachel.mp3",
        }
    ]
}


async def test_a_remote_catalogue_through_the_api(
    keyed_client: httpx.AsyncClient, make_user: MakeUser
) -> None:
    user = await make_user()

    def catalogue(request: httpx.Request) -> httpx.Response:
        if request.headers.get("xi-api-key") != ELEVEN_KEY:
            body = {"detail": {"status": "invalid_api_key", "message": "Invalid API key"}}
            return httpx.Response(401, json=body)
        return httpx.Response(200, json=CATALOGUE)

    with respx.mock:
        respx.get("https://api.elevenlabs.io/v1/voices").mock(side_effect=catalogue)
        r = await keyed_client.get(
            "/v1/voices", params={"provider": "elevenlabs"}, headers=user.headers
        )
        assert r.status_code == 200, r.text
        assert r.json()["items"] == [
            {
                "id": "elevenlabs:21m00Tcm4TlvDq8ikWAM",
                "name": "Rachel",
                "provider": "elevenlabs",
                "language": "multilingual",
                "gender": "female",
                "sample_url": "https://storage.example/rachel.mp3",
            }
        ]
        everything = await keyed_client.get("/v1/voices", headers=user.headers)
        providers = [v["provider"] for v in everything.json()["items"]]
        assert providers[0] == "local" and providers[-1] == "elevenlabs"


async def test_a_refused_remote_key_is_503_without_the_key(
    settings: Settings, make_user: MakeUser
) -> None:
    user = await make_user()
    bad = settings.model_copy(update={"elevenlabs_api_key": SecretStr("xi-revoked-key-1234567")})
    app = create_app(bad, pipelines=TEST_KINDS)
    with respx.mock:
        respx.get("https://api.elevenlabs.io/v1/voices").mock(
            return_value=httpx.Response(
                401, json={"detail": {"status": "invalid_api_key", "message": "Invalid API key"}}
            )
        )
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
                r = await c.get(
                    "/v1/voices", params={"provider": "elevenlabs"}, headers=user.headers
                )
    assert r.status_code == 503
    message = r.json()["error"]["message"]
    assert "SOUNDSTAGE_ELEVENLABS_API_KEY" in message and "xi-revoked" not in message
