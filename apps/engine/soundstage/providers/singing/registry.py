"""The singing registry: provider names to shared instances (see
:mod:`soundstage.providers.registry`).

A voice id names its provider, as TTS voices do: ``local:<a local TTS voice>``
(sung by :mod:`.local`, always available) or ``diffsinger:<the server's voice>``
(once ``SOUNDSTAGE_DIFFSINGER_URL`` is set).
"""

from __future__ import annotations

import hashlib

from soundstage.config import Settings
from soundstage.errors import ValidationFailed
from soundstage.providers.registry import Family, ProviderRegistry, secret_value
from soundstage.providers.singing.base import SingingProvider

PROVIDER_NAMES = ("local", "diffsinger")
DEFAULT_PROVIDER = "local"
DEFAULT_VOICE = "local:hibari-us-female"
SETTING_FOR = {"diffsinger": "SOUNDSTAGE_DIFFSINGER_URL"}


def resolve_voice(voice_id: str) -> tuple[str, str]:
    """``"diffsinger:opencpop"`` -> ``("diffsinger", "opencpop")``; a 422 for a
    malformed id or an unknown provider."""
    provider, sep, voice = voice_id.partition(":")
    if not sep or not provider or not voice.strip():
        raise ValidationFailed(
            f"voice '{voice_id}' should look like '<provider>:<voice>', "
            f"for example '{DEFAULT_VOICE}' or 'diffsinger:<a voice of your server>'"
        )
    if provider not in PROVIDER_NAMES:
        raise REGISTRY.unknown(provider)
    return provider, voice


def _configured(name: str, s: Settings) -> bool:
    return name == DEFAULT_PROVIDER or bool((s.diffsinger_url or "").strip())


def _fingerprint(name: str, s: Settings) -> tuple[object, ...]:
    if name == "local":
        return (name, s.local_tts_threads)
    digest = hashlib.sha256(secret_value(s.diffsinger_api_key).encode()).hexdigest()
    return (
        name, s.diffsinger_url, digest, s.music_timeout_seconds, s.music_poll_seconds,
        s.music_max_wait_seconds, s.music_remote_concurrency,
    )  # fmt: skip


def _build(name: str, s: Settings) -> SingingProvider:
    # Imports here: the local singer must not pull in HTTP code, nor the remote one a voice.
    if name == "local":
        from soundstage.providers.singing.local import LocalSingingProvider
        from soundstage.providers.tts import get_provider as get_tts

        return LocalSingingProvider(get_tts("local", s))
    from soundstage.providers.singing.diffsinger import DiffSingerProvider

    assert s.diffsinger_url
    return DiffSingerProvider(
        base_url=s.diffsinger_url,
        api_key=secret_value(s.diffsinger_api_key) or None,
        concurrency=s.music_remote_concurrency,
        timeout=s.music_timeout_seconds,
        poll_seconds=s.music_poll_seconds,
        max_wait_seconds=s.music_max_wait_seconds,
    )


REGISTRY: ProviderRegistry[SingingProvider] = ProviderRegistry(
    Family(
        label="singing",
        names=PROVIDER_NAMES,
        default=DEFAULT_PROVIDER,
        setting_for=SETTING_FOR,
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
