"""Each effect through the real ffmpeg filter it builds, measured on the
result; and the bounds of every parameter."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from pydantic import TypeAdapter, ValidationError

from soundstage.audio import effects
from soundstage.audio.analysis import read_audio
from soundstage.audio.effects import EFFECT_TYPES, Effect, EffectChain, build_filter
from soundstage.audio.ffmpeg import ffmpeg_exe

SR = 44100
EFFECT = TypeAdapter(Effect)


def _ffmpeg(*args: str) -> None:
    subprocess.run(
        [ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-nostdin", "-y", *args], check=True
    )


def _source(path: Path, expr: str, seconds: float = 3.0) -> Path:
    _ffmpeg("-f", "lavfi", "-i", f"aevalsrc={expr}:s={SR}:d={seconds}", "-c:a", "pcm_s16le",
            str(path))  # fmt: skip
    return path


@pytest.fixture(scope="module")
def tone(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _source(tmp_path_factory.mktemp("fx") / "tone.wav", "0.25*sin(2*PI*440*t)")


def _apply(src: Path, out: Path, *chain: dict[str, Any], seconds: float = 3.0) -> np.ndarray:
    specs = EffectChain.model_validate({"chain": list(chain)}).chain
    graph = build_filter(specs, sample_rate=SR, duration_s=seconds)
    _ffmpeg("-i", str(src), "-af", graph, "-c:a", "pcm_f32le", str(out))
    y, _ = read_audio(out, sr=SR)
    return y


def _rms_db(y: np.ndarray) -> float:
    return float(20 * np.log10(np.sqrt(np.mean(y.astype(np.float64) ** 2)) + 1e-12))


def _dominant_hz(y: np.ndarray) -> float:
    spectrum = np.abs(np.fft.rfft(y * np.hanning(len(y))))
    return float(np.fft.rfftfreq(len(y), 1 / SR)[int(np.argmax(spectrum))])


def _band_db(y: np.ndarray, hz: float) -> float:
    spectrum = np.abs(np.fft.rfft(y * np.hanning(len(y))))
    freqs = np.fft.rfftfreq(len(y), 1 / SR)
    band = (freqs > hz * 0.97) & (freqs < hz * 1.03)
    return float(20 * np.log10(spectrum[band].max()))


def test_gain_changes_rms_by_the_db_asked(tone: Path, tmp_path: Path) -> None:
    base = _rms_db(read_audio(tone, sr=SR)[0])
    for db in (6.0, -10.0):
        assert _rms_db(_apply(tone, tmp_path / "g.wav", {"type": "gain", "db": db})) == (
            pytest.approx(base + db, abs=0.1)
        )


def test_trim_and_time_stretch_change_the_duration(tone: Path, tmp_path: Path) -> None:
    y = _apply(tone, tmp_path / "t.wav", {"type": "trim", "start_s": 1.0, "end_s": 2.5})
    assert len(y) / SR == pytest.approx(1.5, abs=0.01)
    for rate in (2.0, 0.5, 1.25):
        y = _apply(tone, tmp_path / "s.wav", {"type": "time_stretch", "rate": rate})
        assert len(y) / SR == pytest.approx(3.0 / rate, rel=0.02), rate
        assert _dominant_hz(y) == pytest.approx(440, rel=0.01)  # the pitch is kept
    chain = [{"type": "trim", "start_s": 0.5}, {"type": "time_stretch", "rate": 0.5}]
    assert effects.output_seconds(EffectChain.model_validate({"chain": chain}).chain, 3.0) == 5.0


@pytest.mark.parametrize("rubberband", [True, False], ids=["rubberband", "resample-fallback"])
def test_pitch_shift_moves_the_dominant_frequency(
    tone: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, rubberband: bool
) -> None:
    if rubberband and not effects.has_rubberband():
        pytest.skip("this ffmpeg build has no rubberband filter")
    # the fallback is what a build without rubberband gets
    monkeypatch.setattr(effects, "has_rubberband", lambda: rubberband)
    for semitones in (12.0, -5.0, 3.0):
        y = _apply(tone, tmp_path / "p.wav", {"type": "pitch_shift", "semitones": semitones})
        assert _dominant_hz(y) == pytest.approx(440 * 2 ** (semitones / 12), rel=0.01)
        assert len(y) / SR == pytest.approx(3.0, abs=0.05)  # the length is kept


def test_fades_make_the_ends_quiet(tone: Path, tmp_path: Path) -> None:
    y = _apply(tone, tmp_path / "f.wav", {"type": "fade", "in_s": 1.0, "out_s": 1.0})
    middle = _rms_db(y[int(1.4 * SR) : int(1.6 * SR)])
    assert _rms_db(y[: int(0.1 * SR)]) < middle - 20
    assert _rms_db(y[-int(0.1 * SR) :]) < middle - 20
    assert _rms_db(y[int(0.45 * SR) : int(0.55 * SR)]) < middle - 3  # halfway up


def test_loudnorm_reaches_the_target(tone: Path, tmp_path: Path) -> None:
    from soundstage.audio.analysis import analyze_file

    y = _apply(tone, tmp_path / "n.wav", {"type": "loudnorm", "target_lufs": -20})
    assert len(y) / SR == pytest.approx(3.0, abs=0.05)
    assert analyze_file(tmp_path / "n.wav").integrated_lufs == pytest.approx(-20, abs=1.0)


def test_eq_shapes_its_band_only(tmp_path: Path) -> None:
    mix = _source(tmp_path / "mix.wav", "0.2*sin(2*PI*100*t)+0.2*sin(2*PI*5000*t)")
    before = read_audio(mix, sr=SR)[0]
    cases = [
        ({"kind": "lowshelf", "freq_hz": 300, "gain_db": 12}, 100, 5000),
        ({"kind": "highshelf", "freq_hz": 2000, "gain_db": -12}, 5000, 100),
        ({"kind": "peaking", "freq_hz": 5000, "gain_db": 9, "q": 2}, 5000, 100),
    ]
    for spec, moved, kept in cases:
        after = _apply(mix, tmp_path / "eq.wav", {"type": "eq", **spec})
        change = _band_db(after, moved) - _band_db(before, moved)
        assert change == pytest.approx(spec["gain_db"], abs=1.5), spec
        assert abs(_band_db(after, kept) - _band_db(before, kept)) < 1.0, spec


def test_compressor_reduces_a_loud_tone(tmp_path: Path) -> None:
    loud = _source(tmp_path / "loud.wav", "0.7*sin(2*PI*440*t)")
    base = _rms_db(read_audio(loud, sr=SR)[0])
    spec = {"type": "compressor", "threshold_db": -30, "ratio": 10, "attack_ms": 1}
    y = _apply(loud, tmp_path / "c.wav", spec)
    assert _rms_db(y[SR:]) < base - 10
    y = _apply(loud, tmp_path / "c2.wav", {**spec, "makeup_db": 6})
    assert _rms_db(y[SR:]) < base - 4


def test_delay_and_reverb_add_energy_after_a_burst(tmp_path: Path) -> None:
    # 50 ms of tone, then silence
    burst = _source(tmp_path / "burst.wav", "0.5*sin(2*PI*440*t)*lt(t\\,0.05)", 2.0)
    dry = read_audio(burst, sr=SR)[0]
    window = slice(int(0.33 * SR), int(0.40 * SR))  # after the burst, around the echo
    assert _rms_db(dry[window]) < -80
    wet = _apply(burst, tmp_path / "d.wav", {"type": "delay", "ms": 300, "feedback": 0.5},
                 seconds=2.0)  # fmt: skip
    assert _rms_db(wet[window]) > -40
    assert _rms_db(wet[int(0.63 * SR) : int(0.70 * SR)]) > -50  # the feedback's second repeat
    room = _apply(burst, tmp_path / "r.wav", {"type": "reverb", "room": 0.8, "wet": 0.6},
                  seconds=2.0)  # fmt: skip
    assert _rms_db(room[int(0.1 * SR) : int(0.3 * SR)]) > -45
    assert float(np.max(np.abs(room))) <= 1.0


# ---------------------------------------------------------------- bounds


@pytest.mark.parametrize(
    "spec",
    [
        {"type": "gain", "db": 30},
        {"type": "gain", "db": -61},
        {"type": "loudnorm", "target_lufs": -40},
        {"type": "loudnorm", "true_peak": 1},
        {"type": "eq", "kind": "peaking", "freq_hz": 10, "gain_db": 3},
        {"type": "eq", "kind": "peaking", "freq_hz": 1000, "gain_db": 30},
        {"type": "eq", "kind": "peaking", "freq_hz": 1000, "gain_db": 3, "q": 11},
        {"type": "eq", "kind": "notch", "freq_hz": 1000, "gain_db": 3},
        {"type": "compressor", "ratio": 0.5},
        {"type": "compressor", "threshold_db": 3},
        {"type": "reverb", "room": 1.5},
        {"type": "reverb", "wet": -0.1},
        {"type": "delay", "ms": 0},
        {"type": "delay", "ms": 2500},
        {"type": "delay", "ms": 100, "feedback": 0.95},
        {"type": "fade", "in_s": -1},
        {"type": "trim", "start_s": 2, "end_s": 1},
        {"type": "pitch_shift", "semitones": 13},
        {"type": "time_stretch", "rate": 2.5},
        {"type": "time_stretch", "rate": 0.4},
        {"type": "gain", "db": 1, "extra": True},
        {"type": "gain"},
    ],
)
def test_out_of_bounds_parameters_are_refused(spec: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        EFFECT.validate_python(spec)


def test_unknown_effect_names_the_valid_types() -> None:
    with pytest.raises(ValidationError) as info:
        EFFECT.validate_python({"type": "flanger"})
    message = str(info.value)
    assert all(f"'{t}'" in message for t in EFFECT_TYPES), message


def test_chain_length_is_bounded() -> None:
    with pytest.raises(ValidationError):
        EffectChain.model_validate({"chain": [{"type": "gain", "db": 0}] * 21})
    with pytest.raises(ValidationError):
        EffectChain.model_validate({"chain": []})
    assert len(EffectChain.model_validate({"chain": [{"type": "gain", "db": 0}] * 20}).chain) == 20


def test_fade_out_needs_a_duration() -> None:
    chain = EffectChain.model_validate({"chain": [{"type": "fade", "out_s": 1}]})
    with pytest.raises(ValueError, match="duration"):
        build_filter(chain)
    # after a trim and a stretch, the fade starts where the audio now ends
    chain = EffectChain.model_validate(
        {"chain": [{"type": "trim", "start_s": 1}, {"type": "time_stretch", "rate": 2},
                   {"type": "fade", "out_s": 0.5}]}
    )  # fmt: skip
    assert "afade=t=out:st=2.500:d=0.500" in build_filter(chain, duration_s=7.0)
