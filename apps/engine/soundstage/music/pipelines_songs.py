"""Pipelines ``stems``, ``song`` and ``hum_to_beat``.

* ``stems``: an uploaded or generated track -> ``drums.wav``, ``bass.wav``, ``vocals.wav``,
  ``other.wav`` and ``stems.json`` (Demucs when configured, else DSP; the
  metadata says which).
* ``song``: LRC lyrics + a style -> ``song-1.mp3`` ... ``song-N.mp3`` and
  ``song.json``. The ``local`` provider makes a clearly labelled *draft*: a
  procedural backing track, a melody the composer writes for the lyrics in its
  key, and the lyrics sung on it from their timestamps by the singing provider
  of ``voice`` (by default a local TTS voice shaped onto the notes:
  :mod:`soundstage.providers.singing.local`). ``diffrhythm`` and ``acestep``
  call the remote models.
* ``hum_to_beat``: a hummed/sung upload -> its melody, quantised, arranged.

``stems`` and ``hum_to_beat`` read an upload or another job's audio output
(:mod:`soundstage.music.sources`).
"""

from __future__ import annotations

import asyncio
import json
import re
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Literal, Self
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from soundstage.audio import singing
from soundstage.audio.analysis import read_audio
from soundstage.audio.compose import MOODS, arrange_around, compose, vocal_line
from soundstage.audio.decode import decode_to_wav
from soundstage.audio.hum import SR, transcribe
from soundstage.audio.lrc import LrcError, LyricLine, format_timestamp, parse_lrc
from soundstage.audio.midi import write_midi
from soundstage.audio.render import encode, render_arrangement, render_notes
from soundstage.audio.stems import SAMPLE_RATE, STEMS, demucs_available, separate_wav
from soundstage.audio.wav import write_wav
from soundstage.errors import PermanentError, ValidationFailed
from soundstage.music.pipelines_vocals import admit_voice
from soundstage.music.sources import (
    AudioInput,
    admit_audio_input,
    check_audio_upload,
    fetch_audio_input,
)
from soundstage.pipelines import Admission, AdmitContext, JobContext, Pipeline
from soundstage.providers.music import registry as music_registry
from soundstage.providers.music.base import MusicRequest
from soundstage.providers.music.musicgen_melody import ChromaConfig, melody_model
from soundstage.providers.singing import SingingRequest, provider_for_job, resolve_voice
from soundstage.providers.torch_device import job_device, out_of_memory_is_retryable

if TYPE_CHECKING:
    from soundstage.audio.hum import Transcription
    from soundstage.audio.render import Audio
    from soundstage.config import Settings

MAX_STEMS_SECONDS = 20 * 60
DEFAULT_VOICE = "local:hibari-us-female"


# ------------------------------------------------------------------ stems


class StemsParams(AudioInput):
    model_config = ConfigDict(extra="forbid")


async def _admit_stems(ctx: AdmitContext, params: StemsParams) -> Admission:
    await admit_audio_input(ctx, params)
    return Admission()


async def run_stems(ctx: JobContext, params: StemsParams) -> None:
    await ctx.progress(2, "decode")
    source = await fetch_audio_input(ctx, params, ctx.workdir / "source")
    wav = await decode_to_wav(
        source, ctx.workdir / "mix.wav", sample_rate=SAMPLE_RATE, max_seconds=MAX_STEMS_SECONDS
    )
    await ctx.progress(15, "separate")
    out = ctx.workdir / "stems"
    model_dir = ctx.settings.demucs_model_dir
    # Demucs runs on SOUNDSTAGE_TORCH_DEVICE (resolved only when it will run)
    device = job_device(ctx.settings) if demucs_available(model_dir) else "cpu"
    with out_of_memory_is_retryable(device, "Demucs"):
        result = await asyncio.to_thread(
            separate_wav, wav, out, demucs_model_dir=model_dir, demucs_device=device
        )
    await ctx.progress(90, "store")
    for name in STEMS:
        await ctx.add_output(result.stems[name], out / result.stems[name], "audio/wav")
    await ctx.add_output("stems.json", out / "stems.json", "application/json")


# ------------------------------------------------------------------- song

SongProvider = Literal["local", "diffrhythm", "acestep"]
DIFFRHYTHM_SECONDS = (95, 285)
_BPM_IN_STYLE = re.compile(r"(\d{2,3})\s*bpm", re.I)


class SongParams(BaseModel):
    model_config = ConfigDict(extra="forbid")

    lyrics: str = Field(
        min_length=1, max_length=20_000, description="LRC: one '[mm:ss.xx] words' line per line"
    )
    style: str = Field(default="", max_length=500, description="e.g. 'upbeat pop, 110 bpm'")
    reference_upload_id: UUID | None = Field(
        default=None, description="an audio upload whose style to follow (remote models)"
    )
    provider: SongProvider = "local"
    seconds: float | None = Field(
        default=None,
        ge=5,
        le=600,
        description="length; diffrhythm: 95 or 285; acestep: up to 600; "
        "local: default a few seconds past the last line",
    )
    batch_size: int = Field(default=1, ge=1, le=4, description="this many songs")
    voice: str = Field(
        default=DEFAULT_VOICE,
        max_length=200,
        description="the local draft's singer: local:<local TTS voice> or diffsinger:<voice>",
    )
    seed: int = Field(default=0, ge=0, le=2**31 - 1)

    @field_validator("lyrics")
    @classmethod
    def _lrc(cls, value: str) -> str:
        try:
            parse_lrc(value)
        except LrcError as exc:
            raise ValueError(str(exc)) from exc
        return value

    @model_validator(mode="after")
    def _lengths(self) -> Self:
        if not self.style.strip() and self.reference_upload_id is None:
            raise ValueError("give a style prompt or a reference_upload_id")
        lines = parse_lrc(self.lyrics)
        if self.seconds is None:
            if self.provider == "diffrhythm":
                self.seconds = 95.0 if lines[-1].start_s < 90 else 285.0
            elif self.provider == "acestep":
                self.seconds = max(30.0, min(600.0, round(lines[-1].start_s + 10.0)))
            else:
                self.seconds = max(5.0, min(600.0, round(lines[-1].start_s + 5.0)))
        if self.provider == "diffrhythm" and self.seconds not in DIFFRHYTHM_SECONDS:
            raise ValueError("diffrhythm makes songs of 95 or 285 seconds")
        last = lines[-1]
        if last.start_s >= self.seconds:
            raise ValueError(
                f"lyrics line {last.number}: timestamp {format_timestamp(last.start_s)} "
                f"is past the song's end ({self.seconds:g} s)"
            )
        return self


async def _admit_song(ctx: AdmitContext, params: SongParams) -> Admission:
    if params.reference_upload_id is not None:
        await check_audio_upload(ctx, params.reference_upload_id, "reference_upload_id")
    if params.provider == "local":
        await admit_voice(ctx, params.voice)  # 422 for an unknown voice or provider
    else:
        # A remote model without its URL is a 422 naming the setting, not a failed job.
        music_registry.get_provider(params.provider, ctx.engine)
    return Admission()


def _mood_and_bpm(style: str) -> tuple[str, int]:
    words = re.findall(r"[a-z]+", style.lower())
    mood = next((w for w in words if w in MOODS), "neutral")
    m = _BPM_IN_STYLE.search(style)
    bpm = int(m.group(1)) if m and 50 <= int(m.group(1)) <= 200 else 100
    return mood, bpm


def _phrases(lines: list[LyricLine], seconds: float) -> list[tuple[float, float, str]]:
    """Each sung line's (start, end, text): it lasts until the next line's
    timestamp (an instrumental gap included) or the song's end."""
    out: list[tuple[float, float, str]] = []
    for i, line in enumerate(lines):
        if not line.text:
            continue
        following = [x.start_s for x in lines[i + 1 :] if x.start_s > line.start_s]
        out.append((line.start_s, following[0] if following else seconds, line.text))
    return out


def _mix_song(vocals: Path, backing: Audio, out: Path) -> Path:
    import soundfile as sf

    voice, _ = sf.read(str(vocals), dtype="float32", always_2d=True)
    return write_wav(out, singing.mix_over(voice.mean(axis=1), backing), SAMPLE_RATE)


async def _song_local(ctx: JobContext, params: SongParams) -> dict[str, object]:
    """The offline draft: a procedural backing, a melody the composer writes for
    the lyrics in the backing's key, sung by the singing provider of ``voice``
    (the local one: a TTS voice shaped onto the notes)."""
    assert params.seconds is not None
    lines = parse_lrc(params.lyrics)
    mood, bpm = _mood_and_bpm(params.style)
    provider_name, voice = resolve_voice(params.voice)
    singer = provider_for_job(provider_name, ctx.settings)
    phrases = _phrases(lines, params.seconds)
    syllables = singing.syllabify("\n".join(text for _, _, text in phrases))
    counts = [sum(1 for s in syllables if s.line_index == i) for i in range(len(phrases))]
    songs: list[dict[str, object]] = []
    for i in range(params.batch_size):
        seed = params.seed + i
        arrangement = await asyncio.to_thread(compose, bpm, params.seconds, mood, None, seed)
        melody = vocal_line(
            arrangement, [(a, b, n) for (a, b, _), n in zip(phrases, counts, strict=True)], seed
        )
        notes = [singing.MelodyNote(n.start_s, n.end_s, float(n.pitch)) for n in melody]
        assignments = singing.align(syllables, notes)  # one note per syllable, by design
        sung = await singer.sing(
            SingingRequest(assignments, voice, SAMPLE_RATE, seed), ctx.workdir / f"sung-{i + 1}"
        )
        await ctx.progress(5 + 80 * (i + 0.7) / params.batch_size, "singing")
        # The voice is the lead: the composer's instrumental tune would fight it.
        backing = replace(
            arrangement, tracks={k: v for k, v in arrangement.tracks.items() if k != "melody"}
        )
        audio = await asyncio.to_thread(render_arrangement, backing, SAMPLE_RATE)
        mixed = await asyncio.to_thread(
            _mix_song, sung.path, audio, ctx.workdir / f"mix-{i + 1}.wav"
        )
        name = f"song-{i + 1}.mp3"
        await encode(mixed, ctx.workdir / name, "mp3", duration_s=params.seconds)
        await ctx.add_output(name, ctx.workdir / name, "audio/mpeg")
        songs.append(
            {
                "name": name,
                "seed": seed,
                "key": arrangement.key_name,
                "melody": [
                    {
                        "text": a.syllable.text,
                        "pitch": a.notes[0].pitch,
                        "start_s": round(a.start_s, 4),
                        "end_s": round(a.end_s, 4),
                    }
                    for a in assignments
                ],
            }
        )
        await ctx.progress(5 + 90 * (i + 1) / params.batch_size, "backing")
    return {
        "draft": True,
        "method": "procedural backing + composed melody + "
        + (
            "local TTS voice sung (WORLD pitch and time shaping)"
            if singer.draft
            else f"{singer.name} singing"
        ),
        "drafts": {
            "backing": "procedural arrangement (drums, bass, chords), not a model",
            "melody": "the seeded composer's line in the backing's key, one note per syllable",
            "vocals": "draft: a speaking voice shaped onto the notes"
            if singer.draft
            else f"sung by {singer.name}",
        },
        "note": "a draft: every part is made offline without a music model",
        "mood": mood,
        "bpm": bpm,
        "voice": params.voice,
        "songs": songs,
        "lines": [
            {
                "line": line.number,
                "start_s": line.start_s,
                "text": line.text,
                "syllables": counts[k],
            }
            for k, line in enumerate(line for line in lines if line.text)
        ],
    }


async def _song_remote(ctx: JobContext, params: SongParams) -> dict[str, object]:
    """DiffRhythm / ACE-Step through providers/music (their fakes in tests)."""
    assert params.seconds is not None
    provider = music_registry.provider_for_job(params.provider, ctx.settings)
    songs: list[dict[str, object]] = []
    for i in range(params.batch_size):
        request = MusicRequest(
            prompt=params.style,
            duration_s=params.seconds,
            seed=params.seed + i,
            lyrics=params.lyrics,
        )
        tracks = await provider.generate(request, ctx.workdir / f"gen-{i + 1}")
        if not tracks:
            raise PermanentError(f"{params.provider} returned no audio")
        name = f"song-{i + 1}.mp3"
        await encode(tracks[0].path, ctx.workdir / name, "mp3", duration_s=params.seconds)
        await ctx.add_output(name, ctx.workdir / name, "audio/mpeg")
        songs.append({"name": name, "seed": params.seed + i, **tracks[0].metadata})
        await ctx.progress(5 + 90 * (i + 1) / params.batch_size, "generate")
    return {"draft": False, "method": params.provider, "songs": songs}


async def run_song(ctx: JobContext, params: SongParams) -> None:
    await ctx.progress(1, "prepare")
    if params.provider == "local":
        report = await _song_local(ctx, params)
    else:
        report = await _song_remote(ctx, params)
    report.update({"provider": params.provider, "seconds": params.seconds, "style": params.style})
    path = ctx.workdir / "song.json"
    path.write_text(json.dumps(report, indent=2))
    await ctx.add_output("song.json", path, "application/json")


# ------------------------------------------------------------ hum_to_beat

MAX_HUM_SECONDS = 120.0
# MusicGen-melody reads at most 30 s of chroma and was trained on 30 s clips.
MELODY_MODEL_MAX_SECONDS = 30.0
HumRenderer = Literal["auto", "procedural", "musicgen_melody"]


class HumParams(AudioInput):
    """``upload_id`` or ``source``: a hummed, whistled or sung recording."""

    model_config = ConfigDict(extra="forbid")

    bpm: float | None = Field(default=None, ge=50, le=200, description="default: detected")
    mood: str = Field(default="neutral", max_length=40)
    seed: int = Field(default=0, ge=0, le=2**31 - 1)
    renderer: HumRenderer = Field(
        default="auto",
        description="procedural: an arrangement around the melody; musicgen_melody: MusicGen "
        "conditioned on it (needs SOUNDSTAGE_MUSICGEN_MELODY_MODEL_DIR); auto: "
        "musicgen_melody when configured, else procedural",
    )
    prompt: str = Field(
        default="", max_length=500, description="what the beat is like (musicgen_melody reads it)"
    )


def _melody_model_dir(settings: Settings, renderer: HumRenderer) -> Path | None:
    """The MusicGen-melody checkpoint to use, or None for the procedural arrangement."""
    if renderer == "procedural":
        return None
    return settings.musicgen_melody_model_dir


async def _admit_hum(ctx: AdmitContext, params: HumParams) -> Admission:
    await admit_audio_input(ctx, params)
    if (
        params.renderer == "musicgen_melody"
        and ctx.engine.settings.musicgen_melody_model_dir is None
    ):
        raise ValidationFailed(
            "renderer: musicgen_melody is not configured: set SOUNDSTAGE_MUSICGEN_MELODY_MODEL_DIR"
        )
    return Admission()


async def run_hum_to_beat(ctx: JobContext, params: HumParams) -> None:
    model_dir = _melody_model_dir(ctx.settings, params.renderer)
    if params.renderer == "musicgen_melody" and model_dir is None:
        raise PermanentError(
            "on this worker, renderer musicgen_melody is not configured: "
            "set SOUNDSTAGE_MUSICGEN_MELODY_MODEL_DIR"
        )
    await ctx.progress(2, "decode")
    source = await fetch_audio_input(ctx, params, ctx.workdir / "source")
    audio, sr = await asyncio.to_thread(read_audio, source, SR, True, MAX_HUM_SECONDS)
    await ctx.progress(10, "transcribe")
    result = await asyncio.to_thread(transcribe, audio, sr, bpm=params.bpm)
    if len(result.notes) < 2:
        raise PermanentError("no melody found: hum or sing a few clear notes")
    await ctx.progress(40, "arrange")
    arrangement = await asyncio.to_thread(
        arrange_around, result.notes, result.bpm, result.key, None, params.mood, params.seed
    )
    await asyncio.to_thread(write_midi, arrangement, ctx.workdir / "beat.mid")
    report: dict[str, object] = {
        "bpm": result.bpm,
        "key": result.key,
        "notes": [{"start_s": n.start_s, "end_s": n.end_s, "pitch": n.pitch} for n in result.notes],
    }
    if model_dir is None:
        rendered = await asyncio.to_thread(render_arrangement, arrangement, SAMPLE_RATE)
        wav = await asyncio.to_thread(write_wav, ctx.workdir / "beat.wav", rendered, SAMPLE_RATE)
        seconds = arrangement.duration_s
        report.update(
            method="pyin + grid quantisation + procedural arrangement", musicgen_melody=False
        )
    else:
        wav, seconds, metadata = await _beat_from_melody_model(ctx, params, model_dir, result)
        report.update(
            method="pyin + grid quantisation + MusicGen-melody conditioned on the melody",
            musicgen_melody=True,
            model=metadata,
        )
    await ctx.progress(85, "encode")
    await encode(wav, ctx.workdir / "beat.mp3", "mp3", duration_s=seconds)
    report["seconds"] = seconds
    (ctx.workdir / "hum.json").write_text(json.dumps(report, indent=2, default=str))
    await ctx.add_output("beat.mp3", ctx.workdir / "beat.mp3", "audio/mpeg")
    await ctx.add_output("beat.mid", ctx.workdir / "beat.mid", "audio/midi")
    await ctx.add_output("hum.json", ctx.workdir / "hum.json", "application/json")


async def _beat_from_melody_model(
    ctx: JobContext, params: HumParams, model_dir: Path, result: Transcription
) -> tuple[Path, float, dict[str, object]]:
    """MusicGen-melody conditioned on the *quantised* melody, rendered as clean
    sine tones: its chroma is then the notes of the MIDI output, on the grid and
    in key, not the singer's drift and breath noise."""
    model = melody_model(
        model_dir, device=ctx.settings.torch_device, dtype=ctx.settings.torch_dtype
    )
    rate = ChromaConfig().sampling_rate
    end = max(n.end_s for n in result.notes)
    seconds = round(min(MELODY_MODEL_MAX_SECONDS, end + 0.5), 2)
    melody = await asyncio.to_thread(render_notes, result.notes, "sine", rate, seconds)
    prompt = MusicRequest(
        prompt=params.prompt or "beat",
        duration_s=seconds,
        bpm=round(result.bpm),
        key=result.key,
        mood=params.mood,
    ).description()
    await ctx.progress(50, "generate")
    track = await model.generate(
        melody, rate, prompt, seconds, params.seed, ctx.workdir / "generated"
    )
    return track.path, seconds, {"name": "musicgen_melody", **track.metadata}


STEMS_PIPELINE = Pipeline(
    kind="stems",
    params_model=StemsParams,
    run=run_stems,
    description="Separate a track into drums, bass, vocals and other (Demucs when configured, "
    "else a built-in DSP separation, labelled in stems.json).",
    admit=_admit_stems,
)

SONG_PIPELINE = Pipeline(
    kind="song",
    params_model=SongParams,
    run=run_song,
    description="Lyrics (LRC) and a style to songs. Remote: DiffRhythm or ACE-Step; local: a "
    "labelled draft (procedural backing, a composed melody, the lyrics sung by a draft "
    "local voice).",
    admit=_admit_song,
)

HUM_TO_BEAT_PIPELINE = Pipeline(
    kind="hum_to_beat",
    params_model=HumParams,
    run=run_hum_to_beat,
    description="A hummed or sung melody to a beat: pitch tracking, notes quantised to the "
    "tempo and key, an arrangement around them (or MusicGen-melody conditioned on "
    "them, where installed); MP3 and MIDI out.",
    admit=_admit_hum,
)
