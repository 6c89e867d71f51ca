"""Tool pipelines on a user's audio: ``analysis`` and ``effects``.

The input is an upload or another job's audio output (:mod:`soundstage.music.sources`);
``admit`` checks (inside the caller's RLS transaction) that it exists, is the
caller's and is audio, so a bad request is a 4xx before any job exists. Inputs
were decoded when they were accepted or made, so a decode failure here means
the stored file changed: a permanent error, not a retry.
"""

from __future__ import annotations

import asyncio
import json
from typing import Annotated, Literal

from pydantic import ConfigDict, Field

from soundstage.audio.analysis import analyze_file
from soundstage.audio.decode import UndecodableError, decoded_seconds, probe_audio
from soundstage.audio.effects import EFFECT_TYPES, MAX_CHAIN, Effect, build_filter, output_seconds
from soundstage.audio.ffmpeg import run_ffmpeg
from soundstage.errors import PermanentError
from soundstage.music.sources import AudioInput, admit_audio_input, fetch_audio_input
from soundstage.pipelines import Admission, AdmitContext, JobContext, Pipeline

CONTENT_TYPES = {"wav": "audio/wav", "mp3": "audio/mpeg", "flac": "audio/flac"}
CODECS = {
    "wav": ["-c:a", "pcm_s16le"],
    "mp3": ["-c:a", "libmp3lame", "-b:a", "192k"],
    "flac": ["-c:a", "flac"],
}


class AnalysisParams(AudioInput):
    model_config = ConfigDict(extra="forbid")


class EffectsParams(AudioInput):
    model_config = ConfigDict(extra="forbid")

    chain: Annotated[
        list[Effect],
        Field(
            min_length=1,
            max_length=MAX_CHAIN,
            description="Effects applied in order; type is one of: " + ", ".join(EFFECT_TYPES),
        ),
    ]
    format: Literal["wav", "mp3", "flac"] = "wav"


async def admit_analysis(ctx: AdmitContext, params: AnalysisParams) -> Admission:
    await admit_audio_input(ctx, params)
    return Admission()


async def admit_effects(ctx: AdmitContext, params: EffectsParams) -> Admission:
    await admit_audio_input(ctx, params)
    return Admission()


async def run_analysis(ctx: JobContext, params: AnalysisParams) -> None:
    await ctx.progress(0, stage="fetching")
    source = await fetch_audio_input(ctx, params, ctx.workdir)
    await ctx.progress(10, stage="analysing")
    try:
        result = await asyncio.to_thread(analyze_file, source)
    except UndecodableError as exc:
        raise PermanentError(str(exc)) from exc
    out = ctx.workdir / "analysis.json"
    out.write_text(json.dumps(result.to_dict(), indent=2))
    await ctx.progress(95, stage="storing")
    await ctx.add_output(out.name, out, "application/json")
    await ctx.progress(100, stage="done")


async def run_effects(ctx: JobContext, params: EffectsParams) -> None:
    await ctx.progress(0, stage="fetching")
    source = await fetch_audio_input(ctx, params, ctx.workdir)
    try:
        info = await asyncio.to_thread(probe_audio, source)
        seconds = info.duration_s or await asyncio.to_thread(
            decoded_seconds, source, ctx.settings.max_audio_seconds + 1
        )
        graph = build_filter(params.chain, sample_rate=info.sample_rate, duration_s=seconds)
    except (UndecodableError, ValueError) as exc:
        raise PermanentError(str(exc)) from exc
    out = ctx.workdir / f"processed.{params.format}"

    async def on_progress(fraction: float) -> None:
        await ctx.progress(5 + fraction * 90, stage="processing")

    await ctx.progress(5, stage="processing")
    await run_ffmpeg(
        ["-i", str(source), "-map", "0:a:0", "-vn", "-af", graph,
         *CODECS[params.format], str(out)],
        duration_s=output_seconds(params.chain, seconds),
        on_progress=on_progress,
    )  # fmt: skip
    await ctx.progress(97, stage="storing")
    await ctx.add_output(out.name, out, CONTENT_TYPES[params.format])
    await ctx.progress(100, stage="done")


ANALYSIS_PIPELINE = Pipeline(
    kind="analysis",
    params_model=AnalysisParams,
    run=run_analysis,
    description="Tempo, beats, key and mode, loudness and format of an audio upload or a "
    "job's audio output, as analysis.json.",
    admit=admit_analysis,
)

EFFECTS_PIPELINE = Pipeline(
    kind="effects",
    params_model=EffectsParams,
    run=run_effects,
    description="An effects chain (gain, loudnorm, eq, compressor, reverb, delay, fade, trim, "
    "pitch_shift, time_stretch) applied to an audio upload or a job's audio output.",
    admit=admit_effects,
)
