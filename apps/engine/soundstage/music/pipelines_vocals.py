"""``vocals``: lyrics sung on a melody, optionally mixed over a backing track.

Params: ``lyrics`` (plain text or LRC; timestamps and ``[tags]`` are dropped),
``melody`` (``{"upload_id"}`` of a MIDI upload, ``{"job_id", "output"}`` of a
job's MIDI output such as a ``music`` job's ``music.mid``, or a list of inline
notes ``{"pitch": 60 | "C4", "start": beats, "beats": length}``), ``voice``
(``local:<local TTS voice>`` or ``diffsinger:<server voice>``), ``bpm`` (inline
notes' tempo; a MIDI melody is re-timed to it), ``key`` (move the melody to
this key: the nearest transposition from its own key), ``transpose`` (semitones
more), ``backing`` (an audio upload or job output to mix under the voice) and
``format``.

Outputs: ``vocals.<format>``, ``mix.<format>`` when a backing is given, and
``alignment.json`` (each syllable, its notes and times; the provider, and
whether the voice is a draft).

A melody with fewer notes than the lyrics have syllables, or a MIDI file with
no notes, is refused when the job is created (422); so is a MIDI source that is
missing, another user's, or not MIDI.
"""

from __future__ import annotations

import asyncio
import json
import re
import tempfile
from pathlib import Path
from typing import Annotated, Literal, Self
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from soundstage.audio import singing
from soundstage.audio.compose import guess_key, key_name, parse_key
from soundstage.audio.ffmpeg import run_ffmpeg
from soundstage.audio.notes import Note
from soundstage.audio.render import CONTENT_TYPES, encode
from soundstage.audio.wav import write_wav
from soundstage.errors import Conflict, PermanentError, ValidationFailed
from soundstage.jobs import repository as jobs_repo
from soundstage.music.sources import OutputRef, check_audio_upload, check_source
from soundstage.pipelines import Admission, AdmitContext, JobContext, Pipeline
from soundstage.providers.singing import (
    DEFAULT_VOICE,
    SingingRequest,
    get_provider,
    provider_for_job,
    resolve_voice,
)
from soundstage.providers.singing.base import SingingResult
from soundstage.providers.tts import get_provider as get_tts
from soundstage.uploads import repository as uploads_repo

SAMPLE_RATE = 44100
DEFAULT_BPM = 100.0
MAX_MIDI_BYTES = 2 * 1024 * 1024
MAX_SECONDS = 600.0
MAX_INLINE_NOTES = 5000
_MIDI_TYPES = {"audio/midi", "audio/x-midi", "audio/mid"}
_TAGS = re.compile(r"\[[^\]]*\]")
_NOTE_NAME = re.compile(r"^\s*([A-Ga-g])([#b♯♭]?)(-?\d)\s*$")
_PC = {"C": 0, "D": 2, "E": 4, "F": 5, "G": 7, "A": 9, "B": 11}


def lyrics_text(lyrics: str) -> str:
    """Lyrics without LRC timestamps, metadata and section tags ("[chorus]")."""
    return "\n".join(_TAGS.sub(" ", line) for line in lyrics.splitlines())


def parse_pitch(value: int | str) -> int:
    """60, "60", "C4", "F#3", "Bb5" -> a MIDI note number (C4 = 60)."""
    if isinstance(value, int):
        pitch = value
    elif value.strip().lstrip("-").isdigit():
        pitch = int(value)
    else:
        m = _NOTE_NAME.match(value)
        if not m:
            raise ValueError(f"'{value}' is not a note; write a MIDI number or a name like 'C4'")
        accidental = {"#": 1, "♯": 1, "b": -1, "♭": -1}.get(m.group(2), 0)
        pitch = _PC[m.group(1).upper()] + accidental + 12 * (int(m.group(3)) + 1)
    if not 0 <= pitch <= 127:
        raise ValueError(f"pitch {value!r} is outside MIDI's 0-127")
    return pitch


class InlineNote(BaseModel):
    model_config = ConfigDict(extra="forbid")

    pitch: int | str = Field(description='MIDI number (60 = middle C) or a name: "C4", "F#3".')
    start: float = Field(ge=0, le=10_000, description="start, in beats from the beginning")
    beats: float = Field(gt=0, le=64, description="length in beats")

    @field_validator("pitch")
    @classmethod
    def _pitch(cls, value: int | str) -> int:
        return parse_pitch(value)


class UploadRef(BaseModel):
    model_config = ConfigDict(extra="forbid")

    upload_id: UUID = Field(description="An upload of yours.")


Source = UploadRef | OutputRef
InlineNotes = Annotated[list[InlineNote], Field(max_length=MAX_INLINE_NOTES)]


class VocalsParams(BaseModel):
    model_config = ConfigDict(extra="forbid")

    lyrics: str = Field(min_length=1, max_length=10_000, description="the words; plain text or LRC")
    melody: UploadRef | OutputRef | InlineNotes = Field(
        description='a MIDI upload {"upload_id"}, a job\'s MIDI output {"job_id", "output"} '
        '(e.g. a music job\'s "music.mid"), or inline notes [{"pitch", "start", "beats"}]'
    )
    voice: str = Field(
        default=DEFAULT_VOICE,
        max_length=200,
        description="local:<local TTS voice> (a draft-quality voice) or diffsinger:<voice>",
    )
    bpm: float | None = Field(
        default=None,
        ge=30,
        le=300,
        description="tempo of inline notes (default 100); a MIDI melody is re-timed to it",
    )
    key: str | None = Field(
        default=None, max_length=16, description='move the melody into this key, e.g. "A minor"'
    )
    transpose: int = Field(default=0, ge=-24, le=24, description="semitones, after key")
    backing: UploadRef | OutputRef | None = Field(
        default=None, description="an audio upload or job output to mix under the voice"
    )
    format: Literal["wav", "mp3", "flac"] = "wav"

    @field_validator("key")
    @classmethod
    def _known_key(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        pc, mode = parse_key(value)
        return key_name(pc, mode)

    @field_validator("lyrics")
    @classmethod
    def _words(cls, value: str) -> str:
        if not singing.syllabify(lyrics_text(value)):
            raise ValueError("the lyrics have no words to sing")
        return value

    @model_validator(mode="after")
    def _inline_melody_long_enough(self) -> Self:
        if isinstance(self.melody, list):
            if not self.melody:
                raise ValueError("melody: give at least one note")
            notes = inline_notes(self.melody, self.bpm or DEFAULT_BPM)
            if max(n.end_s for n in notes) > MAX_SECONDS:
                raise ValueError(f"melody: longer than {MAX_SECONDS:g} s")
            check_length(self.lyrics, singing.monophonic(notes))
        return self


def inline_notes(notes: list[InlineNote], bpm: float) -> list[singing.MelodyNote]:
    beat = 60.0 / bpm
    return [
        singing.MelodyNote(n.start * beat, (n.start + n.beats) * beat, float(n.pitch))
        for n in notes
    ]


def check_length(lyrics: str, notes: list[singing.MelodyNote]) -> None:
    """ValueError (a 422 naming both counts) when the melody is shorter than the lyrics."""
    try:
        singing.align(singing.syllabify(lyrics_text(lyrics)), notes)
    except singing.MelodyTooShort as exc:
        raise ValueError(f"melody: {exc}") from None


# --------------------------------------------------------------- admission


async def _admit_midi(ctx: AdmitContext, ref: Source, target: Path) -> Path:
    """Download the MIDI melody to ``target`` inside the caller's RLS transaction,
    or raise the API error that says what is wrong with the reference."""
    storage = ctx.engine.storage
    if isinstance(ref, UploadRef):
        row = await uploads_repo.get_upload(ctx.conn, ref.upload_id)
        if row is None:
            raise ValidationFailed("melody.upload_id: no such upload")
        if row["category"] != "midi":
            raise ValidationFailed(
                f"melody.upload_id: that upload is {row['category']}, not a MIDI file"
            )
        if (row["bytes"] or 0) > MAX_MIDI_BYTES:
            raise ValidationFailed("melody.upload_id: a MIDI melody may be at most 2 MiB")
        await storage.download(row["bucket"], row["object_path"], target)
        return target
    job = await jobs_repo.get_source_job(ctx.conn, ref.job_id)
    if job is None:
        raise ValidationFailed("melody.job_id: no such job")
    if job["status"] != "succeeded":
        raise Conflict(
            f"melody.job_id: that job is {job['status']}; "
            "its outputs can be used once it has succeeded"
        )
    types = dict(zip(job["names"], job["content_types"], strict=True))
    midi = [name for name, ctype in types.items() if ctype in _MIDI_TYPES]
    if types.get(ref.output) not in _MIDI_TYPES:
        what = "has no output" if ref.output not in types else "has an output that is not MIDI:"
        raise ValidationFailed(
            f"melody.output: that job {what} {ref.output!r}; "
            f"its MIDI outputs: {', '.join(midi) or 'none'}",
            details={"midi_outputs": midi},
        )
    rows = await jobs_repo.list_outputs(ctx.conn, [ref.job_id])
    row = next(r for r in rows if r["name"] == ref.output)
    if (row["bytes"] or 0) > MAX_MIDI_BYTES:
        raise ValidationFailed("melody.output: a MIDI melody may be at most 2 MiB")
    await storage.download(row["bucket"], row["object_path"], target)
    return target


async def admit_voice(ctx: AdmitContext, voice_id: str) -> None:
    """422 unless ``voice_id`` names a configured singing provider and, for the
    local one, a local TTS voice this engine has."""
    provider_name, voice = resolve_voice(voice_id)
    get_provider(provider_name, ctx.engine)  # 422 naming the setting when not configured
    if provider_name == "local":
        voices = {v.provider_voice for v in await get_tts("local", ctx.engine).voices()}
        if voice not in voices:
            raise ValidationFailed(
                f"voice: no local voice 'local:{voice}'; available: "
                + ", ".join(f"local:{v}" for v in sorted(voices))
            )


async def admit_vocals(ctx: AdmitContext, params: VocalsParams) -> Admission:
    await admit_voice(ctx, params.voice)
    if not isinstance(params.melody, list):
        with tempfile.TemporaryDirectory(prefix="soundstage-vocals-") as tmp:
            path = await _admit_midi(ctx, params.melody, Path(tmp) / "melody.mid")
            try:
                found = await asyncio.to_thread(singing.melody_from_midi, str(path))
            except singing.MidiError as exc:
                raise ValidationFailed(f"melody: {exc}") from None
        notes = _timed(found.notes, found.bpm, params.bpm)
        try:
            check_length(params.lyrics, notes)
        except ValueError as exc:
            raise ValidationFailed(str(exc)) from None
    if isinstance(params.backing, UploadRef):
        await check_audio_upload(ctx, params.backing.upload_id, "backing.upload_id")
    elif params.backing is not None:
        await check_source(ctx, params.backing)
    return Admission()


def _timed(
    notes: list[singing.MelodyNote], file_bpm: float, bpm: float | None
) -> list[singing.MelodyNote]:
    return notes if bpm is None else singing.retimed(notes, file_bpm / bpm)


# --------------------------------------------------------------------- run


async def _fetch(ctx: JobContext, ref: Source, target_dir: Path) -> Path:
    if isinstance(ref, UploadRef):
        return (await ctx.fetch_upload(ref.upload_id, target_dir)).path
    return await ctx.fetch_output(ref.job_id, ref.output, target_dir)


async def _melody(
    ctx: JobContext, params: VocalsParams
) -> tuple[list[singing.MelodyNote], dict[str, object]]:
    """The melody in seconds, re-timed, moved to the key, transposed; and a
    description of where it came from and what was done to it."""
    info: dict[str, object] = {}
    if isinstance(params.melody, list):
        bpm = params.bpm or DEFAULT_BPM
        notes = singing.monophonic(inline_notes(params.melody, bpm))
        info.update(source="inline", bpm=bpm)
        file_key = None
    else:
        path = await _fetch(ctx, params.melody, ctx.workdir / "melody")
        try:
            found = await asyncio.to_thread(singing.melody_from_midi, str(path))
        except singing.MidiError as exc:
            raise PermanentError(f"melody: {exc}") from None
        notes = _timed(found.notes, found.bpm, params.bpm)
        kind = "upload" if isinstance(params.melody, UploadRef) else "job_output"
        info.update(source=kind, track=found.track, file_bpm=round(found.bpm, 3),
                    bpm=params.bpm or round(found.bpm, 3))  # fmt: skip
        file_key = found.key
    if file_key is not None:
        source_pc, source_mode = parse_key(file_key)
    else:
        as_notes = [Note(n.start_s, n.end_s, round(n.pitch), 100) for n in notes]
        source_pc, source_mode = guess_key(as_notes)
    semitones = params.transpose
    if params.key is not None:
        target_pc, _ = parse_key(params.key)
        semitones += (target_pc - source_pc + 6) % 12 - 6  # the nearest way there
    info["key"] = {
        "melody": key_name(source_pc, source_mode),
        "asked": params.key,
        "semitones": semitones,
        "sung": key_name((source_pc + semitones) % 12, source_mode),
    }
    return singing.transposed(notes, semitones), info


async def _decode(source: Path, target: Path, channels: int) -> Path:
    await run_ffmpeg(
        ["-i", str(source), "-map", "0:a:0", "-vn", "-t", str(MAX_SECONDS), "-ac", str(channels),
         "-ar", str(SAMPLE_RATE), "-c:a", "pcm_f32le", str(target)]
    )  # fmt: skip
    return target


def _mix(vocals: Path, backing: Path, out: Path) -> Path:
    import soundfile as sf

    voice, _ = sf.read(str(vocals), dtype="float32", always_2d=True)
    bed, _ = sf.read(str(backing), dtype="float32", always_2d=True)
    mixed = singing.mix_over(voice.mean(axis=1), bed)
    return write_wav(out, mixed, SAMPLE_RATE)


async def run_vocals(ctx: JobContext, params: VocalsParams) -> None:
    provider_name, voice = resolve_voice(params.voice)
    provider = provider_for_job(provider_name, ctx.settings)
    await ctx.progress(2, "melody")
    notes, melody_info = await _melody(ctx, params)
    syllables = singing.syllabify(lyrics_text(params.lyrics))
    try:
        assignments = singing.align(syllables, notes)
    except singing.MelodyTooShort as exc:  # a MIDI file replaced since admission
        raise PermanentError(f"melody: {exc}") from None
    await ctx.progress(10, "singing")
    result = await provider.sing(
        SingingRequest(assignments, voice, SAMPLE_RATE), ctx.workdir / "sung"
    )
    seconds = round(max(n.end_s for n in notes) + 0.5, 3)
    await ctx.progress(80, "encoding")
    sung = await _decode(result.path, ctx.workdir / "sung.wav", 1)
    name = f"vocals.{params.format}"
    await encode(sung, ctx.workdir / name, params.format, duration_s=seconds)
    await ctx.add_output(name, ctx.workdir / name, CONTENT_TYPES[params.format])
    outputs = [name]
    if params.backing is not None:
        await ctx.progress(88, "mixing")
        bed_source = await _fetch(ctx, params.backing, ctx.workdir / "backing")
        bed = await _decode(bed_source, ctx.workdir / "backing.wav", 2)
        mixed = await asyncio.to_thread(_mix, sung, bed, ctx.workdir / "mix-raw.wav")
        mix_name = f"mix.{params.format}"
        await encode(mixed, ctx.workdir / mix_name, params.format)
        await ctx.add_output(mix_name, ctx.workdir / mix_name, CONTENT_TYPES[params.format])
        outputs.append(mix_name)
    report = alignment_report(result, notes, melody_info, params.voice, provider.draft)
    report["outputs"] = outputs
    path = ctx.workdir / "alignment.json"
    path.write_text(json.dumps(report, indent=2, default=str))
    await ctx.add_output("alignment.json", path, "application/json")
    await ctx.progress(100, "done")


def alignment_report(
    result: SingingResult,
    notes: list[singing.MelodyNote],
    melody_info: dict[str, object],
    voice: str,
    draft: bool,
) -> dict[str, object]:
    """``alignment.json``: syllable -> notes -> times, and how it was sung."""
    used = {i for s in result.syllables for i in s.note_indices}
    return {
        "voice": voice,
        "draft": draft,
        "quality": "draft: a speaking voice shaped onto the notes, not a trained singing voice"
        if draft
        else "a singing-synthesis model",
        "provider": result.metadata,
        "melody": {**melody_info, "notes": len(notes), "unsung_notes": len(notes) - len(used)},
        "syllables": [
            {
                "text": s.syllable.text,
                "word": s.syllable.word,
                "line": s.syllable.line_index,
                "start_s": round(s.start_s, 4),
                "end_s": round(s.end_s, 4),
                "audio_start_s": round(s.audio_start_s, 4),
                "notes": [
                    {
                        "index": i,
                        "pitch": notes[i].pitch,
                        "name": singing.note_name(notes[i].pitch),
                        "start_s": round(notes[i].start_s, 4),
                        "end_s": round(notes[i].end_s, 4),
                    }
                    for i in s.note_indices
                ],
            }
            for s in result.syllables
        ],
    }


VOCALS_PIPELINE = Pipeline(
    kind="vocals",
    params_model=VocalsParams,
    run=run_vocals,
    description="Lyrics sung on a melody (a MIDI upload, a music job's MIDI, or inline notes): "
    "vocals, a mix over an optional backing, and the syllable-to-note alignment. The local "
    "voice is a draft (speech shaped onto the notes); diffsinger calls a singing server.",
    admit=admit_vocals,
)
