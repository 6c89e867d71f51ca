"""The TTS registry: provider names to shared instances (see
:mod:`soundstage.providers.registry`). ``local`` is always available; a remote
provider only once its key is set.
"""

from __future__ import annotations

import hashlib

from soundstage.config import Settings
from soundstage.errors import ValidationFailed
from soundstage.providers.registry import Family, ProviderRegistry
from soundstage.providers.tts.base import TTSProvider

PROVIDER_NAMES = ("local", "openai", "elevenlabs", "inworld")
DEFAULT_PROVIDER = "local"  # never a remote one: keys cost money, OpenAI's models retire
KEY_SETTINGS = {
    "openai": "SOUNDSTAGE_OPENAI_API_KEY",
    "elevenlabs": "SOUNDSTAGE_ELEVENLABS_API_KEY",
    "inworld": "SOUNDSTAGE_INWORLD_API_KEY",
}


def _key(settings: Settings, name: str) -> str | None:
    secret = {
        "openai": settings.openai_api_key,
        "elevenlabs": settings.elevenlabs_api_key,
        "inworld": settings.inworld_api_key,
    }.get(name)
    value = secret.get_secret_value().strip() if secret is not None else ""
    return value or None


def _configured(name: str, settings: Settings) -> bool:
    return name == DEFAULT_PROVIDER or _key(settings, name) is not None


def resolve_voice(voice_id: str) -> tuple[str, str]:
    """``"elevenlabs:21m00Tcm4TlvDq8ikWAM"`` -> ``("elevenlabs", "21m00Tcm4TlvDq8ikWAM")``."""
    provider, sep, voice = voice_id.partition(":")
    if not sep or not provider or not voice.strip():
        raise ValidationFailed(
            f"voice '{voice_id}' should look like '<provider>:<voice>', "
            "for example 'local:hibari-us-female'"
        )
    if provider not in PROVIDER_NAMES:
        raise REGISTRY.unknown(provider)
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
    assert key is not None  # the registry checked it is configured
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


REGISTRY: ProviderRegistry[TTSProvider] = ProviderRegistry(
    Family(
        label="TTS",
        names=PROVIDER_NAMES,
        default=DEFAULT_PROVIDER,
        setting_for=KEY_SETTINGS,
        configured=_configured,
        fingerprint=_fingerprint,
        build=_build,
    )
)


# The family's public names (callers import these, not the registry object).
configured_providers = REGISTRY.configured_providers  # the default first
get_provider = REGISTRY.get  # 422 for an unknown or unconfigured provider
provider_for_job = REGISTRY.for_job  # provider_not_configured "on this worker"
registered_instances = REGISTRY.instances  # for closing at shutdown
