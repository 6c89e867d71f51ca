"""An effects chain: validated specs in, one ffmpeg filter graph out.

Public API (stable)::

    Effect                      # discriminated union on "type"; every parameter bounded
    EffectChain(chain=[...])    # 1-20 effects, applied in order
    EFFECT_TYPES                # the valid "type" values
    build_filter(chain, sample_rate=44100, duration_s=None) -> str   # ffmpeg -af graph
    output_seconds(chain, duration_s) -> float                       # length after the chain

Everything is an ffmpeg filter, so nothing here loads the whole file into
memory. Pitch shifting uses ``rubberband`` when the ffmpeg build has it and
falls back to resampling plus ``atempo`` (same length, slightly different
timbre). Fades out need the length of the audio at that point of the chain,
which :func:`build_filter` tracks through trims and time stretches.
"""

from __future__ import annotations

import subprocess
from collections.abc import Sequence
from functools import cache
from typing import Annotated, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, model_validator

from soundstage.audio.ffmpeg import ffmpeg_exe

MAX_CHAIN = 20


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Gain(_Spec):
    type: Literal["gain"]
    db: float = Field(ge=-60, le=24)


class Loudnorm(_Spec):
    type: Literal["loudnorm"]
    target_lufs: float = Field(default=-14.0, ge=-30, le=-5)
    true_peak: float = Field(default=-1.0, ge=-9, le=0)


class Eq(_Spec):
    type: Literal["eq"]
    kind: Literal["lowshelf", "highshelf", "peaking"]
    freq_hz: float = Field(ge=20, le=20_000)
    gain_db: float = Field(ge=-24, le=24)
    q: float = Field(default=0.707, ge=0.1, le=10)


class Compressor(_Spec):
    type: Literal["compressor"]
    threshold_db: float = Field(default=-18.0, ge=-60, le=0)
    ratio: float = Field(default=4.0, ge=1, le=20)
    attack_ms: float = Field(default=10.0, ge=0.1, le=2000)
    release_ms: float = Field(default=100.0, ge=1, le=9000)
    makeup_db: float = Field(default=0.0, ge=0, le=24)


class Reverb(_Spec):
    type: Literal["reverb"]
    room: float = Field(default=0.5, ge=0, le=1)
    wet: float = Field(default=0.3, ge=0, le=1)


class Delay(_Spec):
    type: Literal["delay"]
    ms: float = Field(ge=1, le=2000)
    feedback: float = Field(default=0.3, ge=0, le=0.9)
    mix: float = Field(default=0.5, ge=0, le=1)


class Fade(_Spec):
    type: Literal["fade"]
    in_s: float = Field(default=0.0, ge=0, le=60)
    out_s: float = Field(default=0.0, ge=0, le=60)


class Trim(_Spec):
    type: Literal["trim"]
    start_s: float = Field(default=0.0, ge=0, le=86_400)
    end_s: float | None = Field(default=None, gt=0, le=86_400)

    @model_validator(mode="after")
    def _ordered(self) -> Trim:
        if self.end_s is not None and self.end_s <= self.start_s:
            raise ValueError("end_s must be after start_s")
        return self


class PitchShift(_Spec):
    type: Literal["pitch_shift"]
    semitones: float = Field(ge=-12, le=12)


class TimeStretch(_Spec):
    type: Literal["time_stretch"]
    # > 1 is faster (shorter), < 1 slower (longer); the pitch is kept
    rate: float = Field(ge=0.5, le=2.0)


Effect = Annotated[
    Gain | Loudnorm | Eq | Compressor | Reverb | Delay | Fade | Trim | PitchShift | TimeStretch,
    Field(discriminator="type"),
]
EFFECT_TYPES: tuple[str, ...] = tuple(
    get_args(m.model_fields["type"].annotation)[0]
    for m in (Gain, Loudnorm, Eq, Compressor, Reverb, Delay, Fade, Trim, PitchShift, TimeStretch)
)


class EffectChain(BaseModel):
    model_config = ConfigDict(extra="forbid")

    chain: list[Effect] = Field(
        min_length=1,
        max_length=MAX_CHAIN,
        description="Effects applied in order; type is one of: " + ", ".join(EFFECT_TYPES),
    )


@cache
def has_rubberband() -> bool:
    proc = subprocess.run(
        [ffmpeg_exe(), "-hide_banner", "-filters"], capture_output=True, text=True, check=False
    )
    return any(line.split()[1:2] == ["rubberband"] for line in proc.stdout.splitlines())


def _db_to_linear(db: float) -> float:
    return float(10 ** (db / 20))


def _reverb(spec: Reverb) -> str:
    # A multi-tap echo approximating early reflections and a decaying tail: the
    # room size stretches the tap times, the wet level scales their gains.
    base_ms = (23, 37, 53, 71, 97, 131, 173, 223)
    scale = 0.5 + 2.5 * spec.room
    delays = [max(1.0, t * scale) for t in base_ms]
    decays = [spec.wet * 0.8 * (0.82**i) * (0.6 + 0.4 * spec.room) for i in range(len(delays))]
    out_gain = 1.0 / (1.0 + sum(decays))  # keep the sum of dry and taps from clipping
    if spec.wet == 0:
        return "anull"
    return (
        f"aecho=in_gain=1:out_gain={out_gain:.4f}"
        f":delays={'|'.join(f'{d:.1f}' for d in delays)}"
        f":decays={'|'.join(f'{d:.4f}' for d in decays)}"
    )


def _delay(spec: Delay) -> str:
    # Feedback as repeated taps (aecho has no feedback path): tap k at k*ms,
    # gain mix * feedback^(k-1), until it falls below -60 dB (at most 10 taps).
    if spec.mix == 0:
        return "anull"
    delays: list[float] = []
    decays: list[float] = []
    gain = spec.mix
    k = 1
    while k <= 10 and gain >= 0.001 and spec.ms * k <= 90_000:
        delays.append(spec.ms * k)
        decays.append(gain)
        gain *= spec.feedback
        k += 1
    out_gain = 1.0 / (1.0 + spec.mix)
    return (
        f"aecho=in_gain=1:out_gain={out_gain:.4f}"
        f":delays={'|'.join(f'{d:.1f}' for d in delays)}"
        f":decays={'|'.join(f'{d:.4f}' for d in decays)}"
    )


def _pitch(spec: PitchShift, sample_rate: int) -> str:
    ratio = 2 ** (spec.semitones / 12)
    if spec.semitones == 0:
        return "anull"
    if has_rubberband():
        return f"rubberband=pitch={ratio:.6f}"
    # Play faster (pitch up and shorter), resample back, then restore the length.
    return f"asetrate={sample_rate * ratio:.3f},aresample={sample_rate},atempo={1 / ratio:.6f}"


def output_seconds(chain: Sequence[Effect], duration_s: float) -> float:
    """The length of the audio after the chain (delay and reverb tails are cut
    at the input's length: ffmpeg's aecho does not extend the stream)."""
    seconds = duration_s
    for spec in chain:
        if isinstance(spec, Trim):
            end = seconds if spec.end_s is None else min(spec.end_s, seconds)
            seconds = max(0.0, end - spec.start_s)
        elif isinstance(spec, TimeStretch):
            seconds /= spec.rate
    return seconds


def build_filter(
    chain: Sequence[Effect] | EffectChain,
    *,
    sample_rate: int = 44100,
    duration_s: float | None = None,
) -> str:
    """The ffmpeg ``-af`` filter graph for the chain.

    ``sample_rate`` is the input's (pitch shifting without rubberband and the
    final resample need it); ``duration_s`` is the input's length, needed only
    for fades out. The graph ends by resampling to ``sample_rate``, because
    loudnorm works at 192 kHz internally.
    """
    specs = chain.chain if isinstance(chain, EffectChain) else list(chain)
    if len(specs) > MAX_CHAIN:
        raise ValueError(f"at most {MAX_CHAIN} effects in a chain")
    seconds = duration_s
    parts: list[str] = []
    for spec in specs:
        match spec:
            case Gain():
                parts.append(f"volume={spec.db:.3f}dB")
            case Loudnorm():
                parts.append(f"loudnorm=I={spec.target_lufs:.1f}:TP={spec.true_peak:.1f}:LRA=11")
            case Eq():
                name = "equalizer" if spec.kind == "peaking" else spec.kind
                parts.append(f"{name}=f={spec.freq_hz:.2f}:t=q:w={spec.q:.4f}:g={spec.gain_db:.2f}")
            case Compressor():
                parts.append(
                    f"acompressor=threshold={_db_to_linear(spec.threshold_db):.6f}"
                    f":ratio={spec.ratio:.3f}:attack={spec.attack_ms:.3f}"
                    f":release={spec.release_ms:.3f}:makeup={_db_to_linear(spec.makeup_db):.4f}"
                )
            case Reverb():
                parts.append(_reverb(spec))
            case Delay():
                parts.append(_delay(spec))
            case Fade():
                if spec.in_s > 0:
                    parts.append(f"afade=t=in:st=0:d={spec.in_s:.3f}")
                if spec.out_s > 0:
                    if seconds is None:
                        raise ValueError("a fade out needs the audio's duration")
                    start = max(0.0, seconds - spec.out_s)
                    parts.append(f"afade=t=out:st={start:.3f}:d={spec.out_s:.3f}")
            case Trim():
                end = f":end={spec.end_s:.3f}" if spec.end_s is not None else ""
                parts.append(f"atrim=start={spec.start_s:.3f}{end},asetpts=PTS-STARTPTS")
            case PitchShift():
                parts.append(_pitch(spec, sample_rate))
            case TimeStretch():
                parts.append(f"atempo={spec.rate:.6f}")
        if seconds is not None:
            seconds = output_seconds([spec], seconds)
    parts.append(f"aresample={sample_rate}")
    return ",".join(parts)
