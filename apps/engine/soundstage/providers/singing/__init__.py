"""Singing synthesis: lyrics already aligned to notes, to a sung vocal track.

    from soundstage.providers.singing import SingingRequest, get_provider, resolve_voice

    name, voice = resolve_voice("local:hibari-us-female")
    result = await get_provider(name, settings).sing(SingingRequest(assignments, voice), out_dir)

``local`` (always there) sings with a local TTS voice shaped onto the notes
(draft quality); ``diffsinger`` calls a DiffSinger-style HTTP server.
"""

from soundstage.providers.singing.base import SingingProvider, SingingRequest, SingingResult
from soundstage.providers.singing.registry import (
    DEFAULT_VOICE,
    PROVIDER_NAMES,
    get_provider,
    provider_for_job,
    resolve_voice,
)

__all__ = [
    "DEFAULT_VOICE",
    "PROVIDER_NAMES",
    "SingingProvider",
    "SingingRequest",
    "SingingResult",
    "get_provider",
    "provider_for_job",
    "resolve_voice",
]
