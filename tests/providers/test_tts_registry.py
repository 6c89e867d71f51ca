"""The TTS registry and the helpers every provider shares."""

from __future__ import annotations

import email.utils
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest
from pydantic import SecretStr

from soundstage.config import Settings
from soundstage.errors import PermanentError, ValidationFailed
from soundstage.providers.http import parse_retry_after
from soundstage.providers.tts import (
    DEFAULT_PROVIDER,
    Voice,
    configured_providers,
    get_provider,
    pick_dual_voices,
    resolve_voice,
)
from soundstage.providers.tts.elevenlabs import ElevenLabsTTSProvider
from soundstage.providers.tts.local import LocalTTSProvider
from soundstage.providers.tts.openai import OpenAITTSProvider
from soundstage.resources import Engine


def _settings(**values: object) -> Settings:
    return Settings(_env_file=None, **values)  # type: ignore[call-arg, arg-type]


def test_retry_after_in_seconds() -> None:
    assert parse_retry_after("7") == 7.0
    assert parse_retry_after(" 1.5 ") == 1.5
    assert parse_retry_after("-3") == 0.0
    assert parse_retry_after(None) is None
    assert parse_retry_after("") is None
    assert parse_retry_after("soon") is None
    assert parse_retry_after("inf") is None


def test_retry_after_as_an_http_date() -> None:
    now = datetime(2026, 11, 21, 12, 0, 0, tzinfo=UTC)
    later = email.utils.format_datetime(now + timedelta(seconds=30), usegmt=True)
    assert parse_retry_after(later, now=now) == pytest.approx(30.0)
    earlier = email.utils.format_datetime(now - timedelta(seconds=30), usegmt=True)
    assert parse_retry_after(earlier, now=now) == 0.0


def test_resolve_voice() -> None:
    assert resolve_voice("local:hibari-us-female") == ("local", "hibari-us-female")
    assert resolve_voice("elevenlabs:21m00Tcm4TlvDq8ikWAM") == (
        "elevenlabs",
        "21m00Tcm4TlvDq8ikWAM",
    )
    with pytest.raises(ValidationFailed, match="<provider>:<voice>"):
        resolve_voice("alloy")
    with pytest.raises(ValidationFailed, match="<provider>:<voice>"):
        resolve_voice("openai:")
    with pytest.raises(ValidationFailed, match="valid providers: local, openai, elevenlabs"):
        resolve_voice("polly:Joanna")


def test_local_is_the_default_and_always_configured() -> None:
    assert DEFAULT_PROVIDER == "local"
    assert configured_providers(_settings()) == ["local"]
    keyed = _settings(
        openai_api_key=SecretStr("sk-a"),
        elevenlabs_api_key=SecretStr("xi-b"),
        inworld_api_key=SecretStr("   "),  # blank is not a key
    )
    assert configured_providers(keyed) == ["local", "openai", "elevenlabs"]


def test_unknown_and_unconfigured_providers_say_how_to_fix_it() -> None:
    with pytest.raises(
        ValidationFailed, match="valid providers: local, openai, elevenlabs, inworld"
    ):
        get_provider("polly", _settings())
    for name, env in (
        ("openai", "SOUNDSTAGE_OPENAI_API_KEY"),
        ("elevenlabs", "SOUNDSTAGE_ELEVENLABS_API_KEY"),
        ("inworld", "SOUNDSTAGE_INWORLD_API_KEY"),
    ):
        with pytest.raises(ValidationFailed, match=env):
            get_provider(name, _settings())


def test_instances_are_shared_per_configuration(engine: Engine) -> None:
    a = _settings(elevenlabs_api_key=SecretStr("xi-one"))
    b = _settings(elevenlabs_api_key=SecretStr("xi-one"))
    first = get_provider("elevenlabs", a)
    assert isinstance(first, ElevenLabsTTSProvider)
    # one concurrency limit per provider per process, whoever asks
    assert get_provider("elevenlabs", b) is first
    assert (
        get_provider("elevenlabs", _settings(elevenlabs_api_key=SecretStr("xi-two"))) is not first
    )
    changed = _settings(
        elevenlabs_api_key=SecretStr("xi-one"), elevenlabs_model="eleven_flash_v2_5"
    )
    assert get_provider("elevenlabs", changed).max_chars == 40_000
    local = get_provider("local", engine)  # an Engine works as well as Settings
    assert isinstance(local, LocalTTSProvider)
    assert get_provider("local", engine.settings) is local


def test_settings_reach_the_providers() -> None:
    provider = get_provider(
        "openai",
        _settings(
            openai_api_key=SecretStr("sk-settings"),
            openai_base_url="http://127.0.0.1:8880/v1/",
            openai_tts_model="tts-1-hd",
            openai_concurrency=3,
            tts_timeout_seconds=12,
        ),
    )
    assert isinstance(provider, OpenAITTSProvider)
    assert (provider.base_url, provider.model, provider.concurrency, provider.timeout) == (
        "http://127.0.0.1:8880/v1",
        "tts-1-hd",
        3,
        12,
    )
    assert "sk-settings" not in repr(provider)


def test_openai_key_alias(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-from-alias")
    assert configured_providers(_settings()) == ["local", "openai"]


def _voice(vid: str, gender: str | None) -> Voice:
    return Voice(vid, vid.split(":")[1].title(), vid.split(":")[0], "en-US", gender)


def test_pick_dual_voices() -> None:
    her, him = _voice("local:a", "female"), _voice("local:b", "male")
    assert pick_dual_voices([her, _voice("local:c", "female"), him]) == (her, him, None)
    x, y = _voice("openai:alloy", None), _voice("openai:echo", None)
    assert pick_dual_voices([x, y]) == (x, y, None)
    first, second, note = pick_dual_voices([her])
    assert first is second is her
    assert note is not None and "piper" in note
    with pytest.raises(PermanentError):
        pick_dual_voices([])


def test_importing_the_engine_loads_no_model_and_no_gpl_code() -> None:
    # piper-tts is GPL: it may only be imported when a piper voice is used.
    code = (
        "import sys, soundstage.app, soundstage.providers.tts, soundstage.voices.routes;"
        "print(sorted(m for m in ('piper', 'hibari', 'onnxruntime') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True
    ).stdout
    assert out.strip() == "[]"
