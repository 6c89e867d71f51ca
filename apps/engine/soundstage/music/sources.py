"""Where a tool job's input audio comes from: an upload, or another job's output.

``analysis``, ``effects``, ``stems`` and ``hum_to_beat`` take exactly one of
``upload_id`` (a file from ``/v1/uploads``) or ``source: {"job_id", "output"}``
(an audio file that a succeeded job of the same user made, such as a ``music``
job's ``music.wav``), so a generated track is processed without a download and
a re-upload. Both are checked in ``admit``, before the job exists:

* an upload that is missing or another user's: 422; not audio: 422;
* a job that is missing or another user's (RLS hides it: the same answer): 422;
* a job that has not succeeded (yet): 409, so a client chaining jobs knows to wait;
* an output the job does not have, or one that is not audio: 422 naming the
  job's audio outputs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Self
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, model_validator

from soundstage.errors import Conflict, ValidationFailed
from soundstage.jobs import repository as jobs_repo
from soundstage.pipelines.base import AdmitContext, JobContext
from soundstage.uploads import repository as uploads_repo

# MIDI files are stored as audio/midi but are notes, not sound.
_NOT_AUDIO = {"audio/midi", "audio/x-midi", "audio/mid"}


def is_audio(content_type: str) -> bool:
    return content_type.startswith("audio/") and content_type not in _NOT_AUDIO


class OutputRef(BaseModel):
    """One output of another job of yours."""

    model_config = ConfigDict(extra="forbid")

    job_id: UUID = Field(description="A job of yours that has succeeded.")
    output: str = Field(
        min_length=1,
        max_length=255,
        description='The name of one of its audio outputs, e.g. "music.wav".',
    )


class AudioInput(BaseModel):
    """Params of a job that reads one audio file: an upload or a job's output."""

    model_config = ConfigDict(extra="forbid")

    upload_id: UUID | None = Field(
        default=None, description="An audio upload of yours (or give source)."
    )
    source: OutputRef | None = Field(
        default=None,
        description="An audio output of another job of yours (or give upload_id).",
    )

    @model_validator(mode="after")
    def _exactly_one_input(self) -> Self:
        if (self.upload_id is None) == (self.source is None):
            raise ValueError(
                "give exactly one of upload_id (an audio upload) or "
                'source ({"job_id": ..., "output": ...}: an audio output of a job of yours)'
            )
        return self


async def admit_audio_input(ctx: AdmitContext, params: AudioInput) -> None:
    """Raise an API error unless the input exists, is the caller's and is audio."""
    if params.upload_id is not None:
        await check_audio_upload(ctx, params.upload_id, "upload_id")
        return
    assert params.source is not None  # the validator guarantees one of the two
    await check_source(ctx, params.source)


async def check_audio_upload(ctx: AdmitContext, upload_id: UUID, field: str) -> None:
    row = await uploads_repo.get_upload(ctx.conn, upload_id)
    if row is None:  # another user's upload is invisible under RLS: the same answer
        raise ValidationFailed(f"{field}: no such upload")
    if row["category"] != "audio":
        raise ValidationFailed(f"{field}: that upload is {row['category']}, not audio")


async def check_source(ctx: AdmitContext, ref: OutputRef) -> None:
    row = await jobs_repo.get_source_job(ctx.conn, ref.job_id)
    if row is None:
        raise ValidationFailed("source.job_id: no such job")
    if row["status"] != "succeeded":
        raise Conflict(
            f"source.job_id: that job is {row['status']}; "
            "its outputs can be used once it has succeeded"
        )
    types = dict(zip(row["names"], row["content_types"], strict=True))
    audio = [name for name, ctype in types.items() if is_audio(ctype)]
    if ref.output not in types:
        raise ValidationFailed(
            f"source.output: that job has no output {ref.output!r}; "
            f"its audio outputs: {', '.join(audio) or 'none'}",
            details={"audio_outputs": audio},
        )
    if not is_audio(types[ref.output]):
        raise ValidationFailed(
            f"source.output: {ref.output} is {types[ref.output]}, not audio; "
            f"its audio outputs: {', '.join(audio) or 'none'}",
            details={"audio_outputs": audio},
        )


async def fetch_audio_input(ctx: JobContext, params: AudioInput, target_dir: Path) -> Path:
    """Download the job's input audio into ``target_dir`` (in the worker)."""
    if params.upload_id is not None:
        return (await ctx.fetch_upload(params.upload_id, target_dir)).path
    assert params.source is not None
    return await ctx.fetch_output(params.source.job_id, params.source.output, target_dir)
