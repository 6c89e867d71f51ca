"""The music contract every provider meets.

Public API (stable; the ``music`` and ``song`` pipelines use it)::

    MusicRequest(prompt, duration_s, bpm=None, key=None, mood="neutral", seed=None, lyrics=None)
    GeneratedTrack(path, midi_path, metadata)
    MusicProvider: name, concurrency, async generate(request, out_dir) -> list[GeneratedTrack]

A provider writes one or more new audio files under ``out_dir`` (WAV from local
providers; whatever the server sends - WAV, MP3, FLAC - from remote ones) and
never trims or re-encodes: the pipeline does that once, with ffmpeg. Failures
are :class:`~soundstage.errors.RetryableError` (try again later, honouring
``retry_after``) or :class:`~soundstage.errors.PermanentError` (fail now, with a
message the user can act on), as for TTS providers.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol


@dataclass(frozen=True)
class MusicRequest:
    prompt: str
    duration_s: float
    bpm: int | None = None
    key: str | None = None  # "A minor"; None lets the provider choose
    mood: str = "neutral"
    seed: int | None = None
    # Timestamped (LRC, "[00:12.00] line") or plain lyrics, for providers that sing
    # (acestep, diffrhythm); "procedural" and "musicgen" ignore them.
    lyrics: str | None = None
    # Called with the fraction done (0..1) by providers that can tell, possibly
    # from a worker thread; the others ignore it. Not part of the request's identity.
    progress: Callable[[float], None] | None = field(default=None, compare=False, repr=False)

    def description(self) -> str:
        """The request as one text prompt, for models that only take text."""
        parts = [self.prompt.strip()] if self.prompt.strip() else []
        if self.mood and self.mood != "neutral":
            parts.append(f"{self.mood} mood")
        if self.bpm:
            parts.append(f"{self.bpm} bpm")
        if self.key:
            parts.append(f"in {self.key}")
        return ", ".join(parts) or "instrumental music"


@dataclass(frozen=True)
class GeneratedTrack:
    path: Path
    midi_path: Path | None = None
    # What the provider knows about the result: bpm, key, seed, model, task id.
    metadata: dict[str, Any] = field(default_factory=dict)


class MusicProvider(Protocol):
    name: str
    concurrency: int  # generations this process runs at once (enforced by the provider)

    async def generate(self, request: MusicRequest, out_dir: Path) -> list[GeneratedTrack]:
        """Make music for ``request`` as new files under ``out_dir``."""
        ...


def new_output_path(out_dir: Path, provider: str, suffix: str) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    return out_dir / f"music-{provider}-{uuid.uuid4().hex[:12]}.{suffix.lstrip('.')}"
