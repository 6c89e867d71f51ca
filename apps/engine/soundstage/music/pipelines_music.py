"""``music``: text to music through a :mod:`soundstage.providers.music` provider.

Outputs ``music.<format>`` (exactly ``duration_s`` long: a provider's audio is
cut or padded by one ffmpeg pass that also encodes it), ``music.mid`` when the
provider composes notes (``procedural``) and ``info.json`` (provider, prompt,
bpm, key, mood, seed, duration, format and what the provider reported).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import secrets
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from soundstage.audio.compose import MOODS, key_name, parse_key
from soundstage.audio.render import CONTENT_TYPES, encode
from soundstage.pipelines import Admission, AdmitContext, JobContext, Pipeline
from soundstage.providers.music.base import MusicRequest
from soundstage.providers.music.registry import DEFAULT_PROVIDER, get_provider, provider_for_job

Mood = Literal["happy", "sad", "calm", "energetic", "dark", "epic", "chill", "romantic", "neutral"]
assert set(Mood.__args__) == set(MOODS)  # type: ignore[attr-defined]  # one list of moods


class MusicParams(BaseModel):
    model_config = ConfigDict(extra="forbid")

    prompt: str = Field(
        default="", max_length=1000, description="What the music is like (remote models read it)."
    )
    bpm: int = Field(default=110, ge=60, le=200)
    mood: Mood = "neutral"
    key: str | None = Field(
        default=None, max_length=16, description='For example "A minor" or "Eb major".'
    )
    duration_s: float = Field(default=30.0, ge=5, le=300)
    seed: int | None = Field(default=None, ge=0, le=2**31 - 1)
    format: Literal["wav", "mp3", "flac"] = "mp3"
    provider: str = Field(
        default=DEFAULT_PROVIDER,
        description="procedural (local, default), musicgen, acestep or diffrhythm.",
    )

    @field_validator("key")
    @classmethod
    def _known_key(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        pc, mode = parse_key(value)  # ValueError -> 422 naming the field
        return key_name(pc, mode)


async def admit_music(ctx: AdmitContext, params: MusicParams) -> Admission:
    # Unknown or unconfigured provider: ValidationFailed (422) naming the setting.
    get_provider(params.provider, ctx.engine)
    return Admission()


async def run(ctx: JobContext, params: MusicParams) -> None:
    provider = provider_for_job(params.provider, ctx.settings)
    # A seed is always recorded, so any result can be made again.
    seed = params.seed if params.seed is not None else secrets.randbelow(2**31)
    loop = asyncio.get_running_loop()

    def generating(fraction: float) -> None:
        # from the provider's thread: ctx.progress belongs to this loop (a loop
        # already closed has nobody left to tell)
        with contextlib.suppress(RuntimeError):
            loop.call_soon_threadsafe(
                lambda: loop.create_task(ctx.progress(fraction * 80, stage="generating"))
            )

    request = MusicRequest(
        prompt=params.prompt,
        duration_s=params.duration_s,
        bpm=params.bpm,
        key=params.key,
        mood=params.mood,
        seed=seed,
        progress=generating,
    )
    await ctx.progress(0, stage="generating")
    tracks = await provider.generate(request, ctx.workdir / "generated")
    track = tracks[0]
    await ctx.progress(80, stage="encoding")
    out = ctx.workdir / f"music.{params.format}"
    await encode(track.path, out, params.format, duration_s=params.duration_s)
    await ctx.progress(95, stage="storing")
    await ctx.add_output(out.name, out, CONTENT_TYPES[params.format])
    if track.midi_path is not None:
        await ctx.add_output("music.mid", track.midi_path, "audio/midi")
    info = {
        "provider": provider.name,
        "prompt": params.prompt,
        "bpm": track.metadata.get("bpm", params.bpm),
        "key": track.metadata.get("key", params.key),
        "mood": params.mood,
        "seed": seed,
        "duration_s": params.duration_s,
        "format": params.format,
        "provider_metadata": track.metadata,
    }
    info_path = ctx.workdir / "info.json"
    info_path.write_text(json.dumps(info, indent=2, default=str))
    await ctx.add_output("info.json", info_path, "application/json")
    await ctx.progress(100, stage="done")


MUSIC_PIPELINE = Pipeline(
    kind="music",
    params_model=MusicParams,
    run=run,
    description="Music from a prompt, tempo (60-200 BPM), mood and key, 5-300 s, as WAV, MP3 "
    "or FLAC (procedural adds a MIDI file).",
    admit=admit_music,
)
