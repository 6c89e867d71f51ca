"""Tool pipelines on a user's audio upload: ``analysis`` and ``effects``.

Both check in ``admit`` (inside the caller's RLS transaction) that the upload
exists, is the caller's and is audio, so a bad request is a 422 before any job
exists. Uploads were decoded when they were accepted, so a decode failure here
means the stored file changed: a permanent error, not a retry.
"""

from __future__ import annotations

import asyncio
import json
from typing import Annotated, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from soundstage.audio.ffmpeg import run_ffmpeg
from soundstage.errors import PermanentError, ValidationFailed
from soundstage.music.analysis import analyze_file
from soundstage.music.decode import UndecodableError, decoded_seconds, probe_audio
from soundstage.music.effects import EFFECT_TYPES, MAX_CHAIN, Effect, build_filter, output_seconds
from soundstage.pipelines.base import Admission, AdmitContext, JobContext, registry
from soundstage.uploads import repository as uploads_repo

CONTENT_TYPES = {"wav": "audio/wav", "mp3": "audio/mpeg", "flac": "audio/flac"}
CODECS = {
    "wav": ["-c:a", "pcm_s16le"],
    "mp3": ["-c:a", "libmp3lame", "-b:a", "192k"],
    "flac": ["-c:a", "flac"],
}


class AnalysisParams(BaseModel):
    model_config = ConfigDict(extra="forbid")

    upload_id: UUID = Field(description="An audio upload of yours.")


class EffectsParams(BaseModel):
    model_config = ConfigDict(extra="forbid")

    upload_id: UUID = Field(description="An audio upload of yours.")
    chain: Annotated[
        list[Effect],
        Field(
            min_length=1,
            max_length=MAX_CHAIN,
            description="Effects applied in order; type is one of: " + ", ".join(EFFECT_TYPES),
        ),
    ]
    format: Literal["wav", "mp3", "flac"] = "wav"


async def _admit_audio_upload(ctx: AdmitContext, upload_id: UUID) -> Admission:
    row = await uploads_repo.get_upload(ctx.conn, upload_id)
    if row is None:  # another user's upload is invisible under RLS: the same answer
        raise ValidationFailed("upload_id: no such upload")
    if row["category"] != "audio":
        raise ValidationFailed(f"upload_id: that upload is {row['category']}, not audio")
    return Admission()


async def admit_analysis(ctx: AdmitContext, params: AnalysisParams) -> Admission:
    return await _admit_audio_upload(ctx, params.upload_id)


async def admit_effects(ctx: AdmitContext, params: EffectsParams) -> Admission:
    return await _admit_audio_upload(ctx, params.upload_id)


@registry.register(
    "analysis",
    AnalysisParams,
    "Tempo, beats, key and mode, loudness and format of an audio upload, as analysis.json.",
    admit=admit_analysis,
)
async def run_analysis(ctx: JobContext, params: AnalysisParams) -> None:
    await ctx.progress(0, stage="fetching")
    upload = await ctx.fetch_upload(params.upload_id, ctx.workdir)
    await ctx.progress(10, stage="analysing")
    try:
        result = await asyncio.to_thread(analyze_file, upload.path)
    except UndecodableError as exc:
        raise PermanentError(str(exc)) from exc
    out = ctx.workdir / "analysis.json"
    out.write_text(json.dumps(result.to_dict(), indent=2))
    await ctx.progress(95, stage="storing")
    await ctx.add_output(out.name, out, "application/json")
    await ctx.progress(100, stage="done")


@registry.register(
    "effects",
    EffectsParams,
    "An effects chain (gain, loudnorm, eq, compressor, reverb, delay, fade, trim, "
    "pitch_shift, time_stretch) applied to an audio upload.",
    admit=admit_effects,
)
async def run_effects(ctx: JobContext, params: EffectsParams) -> None:
    await ctx.progress(0, stage="fetching")
    upload = await ctx.fetch_upload(params.upload_id, ctx.workdir)
    try:
        info = await asyncio.to_thread(probe_audio, upload.path)
        seconds = info.duration_s or await asyncio.to_thread(
            decoded_seconds, upload.path, ctx.settings.max_audio_seconds + 1
        )
        graph = build_filter(params.chain, sample_rate=info.sample_rate, duration_s=seconds)
    except (UndecodableError, ValueError) as exc:
        raise PermanentError(str(exc)) from exc
    out = ctx.workdir / f"processed.{params.format}"

    async def on_progress(fraction: float) -> None:
        await ctx.progress(5 + fraction * 90, stage="processing")

    await ctx.progress(5, stage="processing")
    await run_ffmpeg(
        ["-i", str(upload.path), "-map", "0:a:0", "-vn", "-af", graph,
         *CODECS[params.format], str(out)],
        duration_s=output_seconds(params.chain, seconds),
        on_progress=on_progress,
    )  # fmt: skip
    await ctx.progress(97, stage="storing")
    await ctx.add_output(out.name, out, CONTENT_TYPES[params.format])
    await ctx.progress(100, stage="done")
