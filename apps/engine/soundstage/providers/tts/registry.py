"""The TTS registry: provider names to shared instances.

Instances are cached per process and per configuration, so every pipeline and
request in a process shares one concurrency limit (and one HTTP client) per
provider. ``local`` is always available; a remote provider only once its key is
set.
"""

from __future__ import annotations

import hashlib
import threading
from typing import TYPE_CHECKING

from soundstage.config import Settings
from soundstage.errors import ValidationFailed
from soundstage.providers.tts.base import TTSProvider

if TYPE_CHECKING:
    from soundstage.engine import Engine

PROVIDER_NAMES = ("local", "openai", "elevenlabs", "inworld")
DEFAULT_PROVIDER = "local"  # never a remote one: keys cost money, OpenAI's models retire
KEY_SETTINGS = {
    "openai": "SOUNDSTAGE_OPENAI_API_KEY",
    "elevenlabs": "SOUNDSTAGE_ELEVENLABS_API_KEY",
    "inworld": "SOUNDSTAGE_INWORLD_API_KEY",
}

_lock = threading.Lock()
_instances: dict[tuple[object, ...], TTSProvider] = {}


def _key(settings: Settings, name: str) -> str | None:
    secret = {
        "openai": settings.openai_api_key,
        "elevenlabs": settings.elevenlabs_api_key,
        "inworld": settings.inworld_api_key,
    }.get(name)
    value = secret.get_secret_value().strip() if secret is not None else ""
    return value or None


def configured_providers(settings: Settings) -> list[str]:
    """``local`` first, then each remote provider whose key is set."""
    return [DEFAULT_PROVIDER, *(n for n in PROVIDER_NAMES[1:] if _key(settings, n))]


def _unknown(name: str) -> ValidationFailed:
    return ValidationFailed(
        f"unknown TTS provider '{name}'; valid providers: {', '.join(PROVIDER_NAMES)}"
    )


def resolve_voice(voice_id: str) -> tuple[str, str]:
    """``"elevenlabs:21m00Tcm4TlvDq8ikWAM"`` -> ``("elevenlabs", "21m00Tcm4TlvDq8ikWAM")``."""
    provider, sep, voice = voice_id.partition(":")
    if not sep or not provider or not voice.strip():
        raise ValidationFailed(
            f"voice '{voice_id}' should look like '<provider>:<voice>', "
            "for example 'local:hibari-us-female'"
        )
    if provider not in PROVIDER_NAMES:
        raise _unknown(provider)
    return provider, voice


def _fingerprint(name: str, s: Settings) -> tuple[object, ...]:
    # What the instance is built from; a hash stands in for the key itself.
    key = _key(s, name) or ""
    digest = hashlib.sha256(key.encode()).hexdigest()
    if name == "local":
        return (name, s.local_tts_threads)
    if name == "openai":
        extra: tuple[object, ...] = (
            s.openai_base_url,
            s.openai_tts_model,
            s.openai_tts_instructions,
            s.openai_concurrency,
        )
    elif name == "elevenlabs":
        extra = (
            s.elevenlabs_base_url,
            s.elevenlabs_model,
            s.elevenlabs_output_format,
            s.elevenlabs_concurrency,
        )
    else:
        extra = (s.inworld_base_url, s.inworld_model, s.inworld_concurrency)
    return (name, digest, s.tts_timeout_seconds, *extra)


def _build(name: str, s: Settings) -> TTSProvider:
    # Imports here: building "local" must not import the HTTP providers, and vice versa.
    if name == "local":
        from soundstage.providers.tts.local import LocalTTSProvider

        return LocalTTSProvider(threads=s.local_tts_threads)
    key = _key(s, name)
    if key is None:
        raise ValidationFailed(
            f"the TTS provider '{name}' is not configured: set {KEY_SETTINGS[name]}"
        )
    if name == "openai":
        from soundstage.providers.tts.openai import OpenAITTSProvider

        return OpenAITTSProvider(
            api_key=key,
            model=s.openai_tts_model,
            base_url=s.openai_base_url,
            instructions=s.openai_tts_instructions,
            timeout=s.tts_timeout_seconds,
            concurrency=s.openai_concurrency,
        )
    if name == "elevenlabs":
        from soundstage.providers.tts.elevenlabs import ElevenLabsTTSProvider

        return ElevenLabsTTSProvider(
            api_key=key,
            model=s.elevenlabs_model,
            output_format=s.elevenlabs_output_format,
            base_url=s.elevenlabs_base_url,
            timeout=s.tts_timeout_seconds,
            concurrency=s.elevenlabs_concurrency,
        )
    from soundstage.providers.tts.inworld import InworldTTSProvider

    return InworldTTSProvider(
        api_key=key,
        model=s.inworld_model,
        base_url=s.inworld_base_url,
        timeout=s.tts_timeout_seconds,
        concurrency=s.inworld_concurrency,
    )


def get_provider(name: str, source: Engine | Settings) -> TTSProvider:
    """The shared provider called ``name``; ValidationFailed (422) for an unknown or
    unconfigured one, naming the fix."""
    settings = source if isinstance(source, Settings) else source.settings
    if name not in PROVIDER_NAMES:
        raise _unknown(name)
    fingerprint = _fingerprint(name, settings)
    with _lock:
        provider = _instances.get(fingerprint)
        if provider is None:
            provider = _instances[fingerprint] = _build(name, settings)
    return provider


def registered_instances() -> list[TTSProvider]:
    """Every provider built so far in this process (for closing at shutdown)."""
    with _lock:
        return list(_instances.values())
