"""Text to speech: one protocol, a registry, local and remote providers.

    from soundstage.providers.tts import get_provider, resolve_voice

    provider_name, voice = resolve_voice("local:hibari-us-female")
    provider = get_provider(provider_name, settings)
    result = await provider.synthesize("Hello.", voice, workdir)

Importing this package loads no model and no GPL code: local engines load on first
use, piper only if its optional extra is installed.
"""

from soundstage.providers.tts.base import (
    Synthesis,
    TTSProvider,
    Voice,
    pick_dual_voices,
)
from soundstage.providers.tts.registry import (
    DEFAULT_PROVIDER,
    KEY_SETTINGS,
    PROVIDER_NAMES,
    configured_providers,
    get_provider,
    provider_for_job,
    registered_instances,
    resolve_voice,
)

__all__ = [
    "DEFAULT_PROVIDER",
    "KEY_SETTINGS",
    "PROVIDER_NAMES",
    "Synthesis",
    "TTSProvider",
    "Voice",
    "configured_providers",
    "get_provider",
    "pick_dual_voices",
    "provider_for_job",
    "registered_instances",
    "resolve_voice",
]
