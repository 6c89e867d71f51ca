"""The music registry: provider names to shared instances.

Public API (stable)::

    PROVIDER_NAMES, DEFAULT_PROVIDER
    configured_providers(settings) -> list[str]      # "procedural" first
    get_provider(name, settings_or_engine) -> MusicProvider  # ValidationFailed (422) naming the fix
    provider_for_job(name, settings) -> MusicProvider         # the same, PermanentError in a job

Instances are cached per process and per configuration, so every job in a
process shares one concurrency limit (and one HTTP client) per provider.
``procedural`` is always available; ``musicgen`` once a model directory is set;
``acestep`` and ``diffrhythm`` once their URL is set.
"""

from __future__ import annotations

import hashlib
import threading
from typing import TYPE_CHECKING

from soundstage.config import Settings
from soundstage.errors import PermanentError, ValidationFailed
from soundstage.providers.music.base import MusicProvider

if TYPE_CHECKING:
    from soundstage.engine import Engine

PROVIDER_NAMES = ("procedural", "musicgen", "acestep", "diffrhythm")
DEFAULT_PROVIDER = "procedural"
SETTING_FOR = {
    "musicgen": "SOUNDSTAGE_MUSICGEN_MODEL_DIR",
    "acestep": "SOUNDSTAGE_ACESTEP_URL",
    "diffrhythm": "SOUNDSTAGE_DIFFRHYTHM_URL",
}

_lock = threading.Lock()
_instances: dict[tuple[object, ...], MusicProvider] = {}


def _configured(name: str, s: Settings) -> bool:
    if name == "procedural":
        return True
    if name == "musicgen":
        return s.musicgen_model_dir is not None
    if name == "acestep":
        return bool((s.acestep_url or "").strip())
    if name == "diffrhythm":
        return bool((s.diffrhythm_url or "").strip())
    return False


def configured_providers(settings: Settings) -> list[str]:
    """``procedural`` first, then each provider whose setting is there."""
    return [n for n in PROVIDER_NAMES if _configured(n, settings)]


def _secret(value: object) -> str:
    getter = getattr(value, "get_secret_value", None)
    return str(getter()).strip() if getter else ""


def _fingerprint(name: str, s: Settings) -> tuple[object, ...]:
    if name == "procedural":
        return (name,)
    if name == "musicgen":
        return (name, str(s.musicgen_model_dir))
    url, key = (
        (s.acestep_url, s.acestep_api_key)
        if name == "acestep"
        else (s.diffrhythm_url, s.diffrhythm_api_key)
    )
    digest = hashlib.sha256(_secret(key).encode()).hexdigest()  # never the key itself
    return (
        name, url, digest, s.music_timeout_seconds, s.music_poll_seconds,
        s.music_max_wait_seconds, s.music_remote_concurrency,
    )  # fmt: skip


def _build(name: str, s: Settings) -> MusicProvider:
    # Imports here: the local providers must not pull in HTTP code, nor musicgen torch.
    if name == "procedural":
        from soundstage.providers.music.procedural import ProceduralMusicProvider

        return ProceduralMusicProvider()
    if name == "musicgen":
        from soundstage.providers.music.musicgen import MusicgenProvider

        assert s.musicgen_model_dir is not None
        return MusicgenProvider(s.musicgen_model_dir)
    if name == "acestep":
        from soundstage.providers.music.acestep import AceStepProvider

        assert s.acestep_url
        return AceStepProvider(
            base_url=s.acestep_url,
            api_key=_secret(s.acestep_api_key) or None,
            concurrency=s.music_remote_concurrency,
            timeout=s.music_timeout_seconds,
            poll_seconds=s.music_poll_seconds,
            max_wait_seconds=s.music_max_wait_seconds,
        )
    from soundstage.providers.music.diffrhythm import DiffRhythmProvider

    assert s.diffrhythm_url
    return DiffRhythmProvider(
        base_url=s.diffrhythm_url,
        api_key=_secret(s.diffrhythm_api_key) or None,
        concurrency=s.music_remote_concurrency,
        timeout=s.music_timeout_seconds,
        poll_seconds=s.music_poll_seconds,
        max_wait_seconds=s.music_max_wait_seconds,
    )


def get_provider(name: str, source: Engine | Settings) -> MusicProvider:
    """The shared provider called ``name``; ValidationFailed (422) for an unknown or
    unconfigured one, naming the fix."""
    settings = source if isinstance(source, Settings) else source.settings
    if name not in PROVIDER_NAMES:
        raise ValidationFailed(
            f"unknown music provider '{name}'; valid providers: {', '.join(PROVIDER_NAMES)}"
        )
    if not _configured(name, settings):
        raise ValidationFailed(
            f"the music provider '{name}' is not configured: set {SETTING_FOR[name]}"
        )
    fingerprint = _fingerprint(name, settings)
    with _lock:
        provider = _instances.get(fingerprint)
        if provider is None:
            provider = _instances[fingerprint] = _build(name, settings)
    return provider


def provider_for_job(name: str, settings: Settings) -> MusicProvider:
    """:func:`get_provider` inside a job. The API admitted the job with its own
    settings; a worker configured differently fails the job with the fix, rather
    than with an API error that would read as an internal one."""
    try:
        return get_provider(name, settings)
    except ValidationFailed as exc:
        raise PermanentError(f"on this worker, {exc.message}") from exc


def registered_instances() -> list[MusicProvider]:
    """Every provider built so far in this process (for closing at shutdown)."""
    with _lock:
        return list(_instances.values())
