"""``tone``: a sine tone rendered by ffmpeg. Small, but it crosses every layer."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from soundstage.audio.ffmpeg import run_ffmpeg
from soundstage.pipelines import JobContext, Pipeline

CONTENT_TYPES = {"wav": "audio/wav", "mp3": "audio/mpeg"}


class ToneParams(BaseModel):
    model_config = ConfigDict(extra="forbid")

    frequency_hz: float = Field(default=440.0, ge=20, le=20_000)
    seconds: float = Field(default=3.0, ge=0.1, le=600)
    format: Literal["wav", "mp3"] = "mp3"


async def run(ctx: JobContext, params: ToneParams) -> None:
    await ctx.progress(0, stage="rendering")
    out = ctx.workdir / f"tone.{params.format}"
    codec = (
        ["-c:a", "libmp3lame", "-b:a", "192k"] if params.format == "mp3" else ["-c:a", "pcm_s16le"]
    )

    async def on_progress(fraction: float) -> None:
        await ctx.progress(fraction * 95, stage="rendering")

    source = f"sine=frequency={params.frequency_hz}:sample_rate=44100:duration={params.seconds}"
    await run_ffmpeg(
        [
            "-f", "lavfi",
            "-i", source,
            "-ac", "1", *codec, str(out),
        ],
        duration_s=params.seconds,
        on_progress=on_progress,
    )  # fmt: skip
    await ctx.progress(97, stage="storing")
    await ctx.add_output(out.name, out, CONTENT_TYPES[params.format])
    await ctx.progress(100, stage="done")


TONE_PIPELINE = Pipeline(
    kind="tone",
    params_model=ToneParams,
    run=run,
    description="A sine tone (20-20000 Hz, 0.1-600 s) as WAV or MP3.",
)
