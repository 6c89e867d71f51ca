"""The singing registry: provider names to shared instances.

Public API (stable)::

    PROVIDER_NAMES, DEFAULT_VOICE
    resolve_voice("local:hibari-us-female") -> ("local", "hibari-us-female")  # ValidationFailed
    get_provider(name, settings_or_engine) -> SingingProvider  # ValidationFailed (422)
    provider_for_job(name, settings) -> SingingProvider  # the same, PermanentError in a job

A voice id names its provider, as TTS voices do: ``local:<a local TTS voice>``
(sung by :mod:`.local`, always available) or ``diffsinger:<the server's voice>``
(once ``SOUNDSTAGE_DIFFSINGER_URL`` is set). Instances are cached per process and
configuration, so jobs in a process share one concurrency limit and HTTP client.
"""

from __future__ import annotations

import hashlib
import threading
from typing import TYPE_CHECKING

from soundstage.config import Settings
from soundstage.errors import PermanentError, ValidationFailed
from soundstage.providers.singing.base import SingingProvider

if TYPE_CHECKING:
    from soundstage.engine import Engine

PROVIDER_NAMES = ("local", "diffsinger")
DEFAULT_VOICE = "local:hibari-us-female"
SETTING_FOR = {"diffsinger": "SOUNDSTAGE_DIFFSINGER_URL"}

_lock = threading.Lock()
_instances: dict[tuple[object, ...], SingingProvider] = {}


def resolve_voice(voice_id: str) -> tuple[str, str]:
    provider, sep, voice = voice_id.partition(":")
    if not sep or not provider or not voice.strip():
        raise ValidationFailed(
            f"voice '{voice_id}' should look like '<provider>:<voice>', "
            f"for example '{DEFAULT_VOICE}' or 'diffsinger:<a voice of your server>'"
        )
    if provider not in PROVIDER_NAMES:
        raise ValidationFailed(
            f"unknown singing provider '{provider}'; valid providers: {', '.join(PROVIDER_NAMES)}"
        )
    return provider, voice


def _secret(value: object) -> str:
    getter = getattr(value, "get_secret_value", None)
    return str(getter()).strip() if getter else ""


def _fingerprint(name: str, s: Settings) -> tuple[object, ...]:
    if name == "local":
        return (name, s.local_tts_threads)
    digest = hashlib.sha256(_secret(s.diffsinger_api_key).encode()).hexdigest()
    return (
        name, s.diffsinger_url, digest, s.music_timeout_seconds, s.music_poll_seconds,
        s.music_max_wait_seconds, s.music_remote_concurrency,
    )  # fmt: skip


def _build(name: str, s: Settings) -> SingingProvider:
    if name == "local":
        from soundstage.providers.singing.local import LocalSingingProvider
        from soundstage.providers.tts import get_provider as get_tts

        return LocalSingingProvider(get_tts("local", s))
    from soundstage.providers.singing.diffsinger import DiffSingerProvider

    assert s.diffsinger_url
    return DiffSingerProvider(
        base_url=s.diffsinger_url,
        api_key=_secret(s.diffsinger_api_key) or None,
        concurrency=s.music_remote_concurrency,
        timeout=s.music_timeout_seconds,
        poll_seconds=s.music_poll_seconds,
        max_wait_seconds=s.music_max_wait_seconds,
    )


def get_provider(name: str, source: Engine | Settings) -> SingingProvider:
    settings = source if isinstance(source, Settings) else source.settings
    if name not in PROVIDER_NAMES:
        raise ValidationFailed(
            f"unknown singing provider '{name}'; valid providers: {', '.join(PROVIDER_NAMES)}"
        )
    if name == "diffsinger" and not (settings.diffsinger_url or "").strip():
        raise ValidationFailed(
            f"the singing provider 'diffsinger' is not configured: set {SETTING_FOR[name]}"
        )
    fingerprint = _fingerprint(name, settings)
    with _lock:
        provider = _instances.get(fingerprint)
        if provider is None:
            provider = _instances[fingerprint] = _build(name, settings)
    return provider


def provider_for_job(name: str, settings: Settings) -> SingingProvider:
    try:
        return get_provider(name, settings)
    except ValidationFailed as exc:
        raise PermanentError(f"on this worker, {exc.message}") from exc


def registered_instances() -> list[SingingProvider]:
    with _lock:
        return list(_instances.values())
