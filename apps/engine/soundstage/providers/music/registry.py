"""The music registry: provider names to shared instances (see
:mod:`soundstage.providers.registry`).

``procedural`` is always available; ``musicgen`` once a model directory is set;
``acestep`` and ``diffrhythm`` once their URL is set.
"""

from __future__ import annotations

import hashlib

from soundstage.config import Settings
from soundstage.providers.music.base import MusicProvider
from soundstage.providers.registry import Family, ProviderRegistry, secret_value

PROVIDER_NAMES = ("procedural", "musicgen", "acestep", "diffrhythm")
DEFAULT_PROVIDER = "procedural"
SETTING_FOR = {
    "musicgen": "SOUNDSTAGE_MUSICGEN_MODEL_DIR",
    "acestep": "SOUNDSTAGE_ACESTEP_URL",
    "diffrhythm": "SOUNDSTAGE_DIFFRHYTHM_URL",
}


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


def _fingerprint(name: str, s: Settings) -> tuple[object, ...]:
    if name == "procedural":
        return (name,)
    if name == "musicgen":
        # one model per directory, placement and batching (loaded once per process)
        return (
            name, str(s.musicgen_model_dir), s.torch_device, s.torch_dtype,
            s.musicgen_max_batch, s.musicgen_batch_window_seconds, s.musicgen_compile,
        )  # fmt: skip
    url, key = (
        (s.acestep_url, s.acestep_api_key)
        if name == "acestep"
        else (s.diffrhythm_url, s.diffrhythm_api_key)
    )
    digest = hashlib.sha256(secret_value(key).encode()).hexdigest()  # never the key itself
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
        return MusicgenProvider(
            s.musicgen_model_dir,
            device=s.torch_device,
            dtype=s.torch_dtype,
            max_batch=s.musicgen_max_batch,
            batch_window_s=s.musicgen_batch_window_seconds,
            compile_decoder=s.musicgen_compile,
        )
    if name == "acestep":
        from soundstage.providers.music.acestep import AceStepProvider

        assert s.acestep_url
        return AceStepProvider(
            base_url=s.acestep_url,
            api_key=secret_value(s.acestep_api_key) or None,
            concurrency=s.music_remote_concurrency,
            timeout=s.music_timeout_seconds,
            poll_seconds=s.music_poll_seconds,
            max_wait_seconds=s.music_max_wait_seconds,
        )
    from soundstage.providers.music.diffrhythm import DiffRhythmProvider

    assert s.diffrhythm_url
    return DiffRhythmProvider(
        base_url=s.diffrhythm_url,
        api_key=secret_value(s.diffrhythm_api_key) or None,
        concurrency=s.music_remote_concurrency,
        timeout=s.music_timeout_seconds,
        poll_seconds=s.music_poll_seconds,
        max_wait_seconds=s.music_max_wait_seconds,
    )


REGISTRY: ProviderRegistry[MusicProvider] = ProviderRegistry(
    Family(
        label="music",
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
