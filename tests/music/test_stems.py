"""The DSP stem separation on a synthetic mix of known sources: each stem must
carry mostly its own source."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import numpy.typing as npt

from soundstage.audio.stems import SAMPLE_RATE, STEMS, separate, separate_wav
from soundstage.audio.wav import read_wav

SR = SAMPLE_RATE
SECONDS = 6.0
Signal = npt.NDArray[np.float32]


def _sources(seconds: float = SECONDS) -> dict[str, Signal]:
    """Stereo (2, n) drums, bass and a wide pad, at 120 bpm."""
    rng = np.random.default_rng(7)
    n = int(seconds * SR)
    t = np.arange(n) / SR
    drums = np.zeros(n)
    beat = SR // 2
    for i, start in enumerate(range(0, n - SR // 4, beat)):
        length = SR // 8
        env = np.exp(-np.arange(length) / (SR * (0.03 if i % 2 else 0.02)))
        if i % 2 == 0:  # kick: a falling thump plus a click of noise
            f = 60 + 90 * np.exp(-np.arange(length) / (SR * 0.01))
            hit = np.sin(2 * np.pi * np.cumsum(f) / SR) * env + 0.3 * rng.normal(size=length) * env
        else:  # snare: a burst of noise
            hit = 0.6 * rng.normal(size=length) * env
        drums[start : start + length] += hit
    # bass: a sine walking 55-110 Hz, one note per beat, gently enveloped
    notes = [55.0, 73.4, 82.4, 110.0]
    bass = np.zeros(n)
    for i, start in enumerate(range(0, n, beat)):
        end = min(n, start + beat)
        k = np.arange(end - start)
        env = np.minimum(1.0, k / 200) * np.minimum(1.0, (end - start - k) / 400)
        bass[start:end] = 0.5 * np.sin(2 * np.pi * notes[i % 4] * k / SR) * env
    # pad: a sustained chord in 300-1000 Hz, its tones spread hard left and right
    pad = np.zeros((2, n))
    for j, f in enumerate((329.6, 392.0, 493.9, 659.3, 784.0)):
        side = j % 2
        tone = sum(np.sin(2 * np.pi * f * h * t) / h**2 for h in (1, 2))
        pad[side] += 0.12 * tone
        pad[1 - side] += 0.03 * np.sin(2 * np.pi * f * 1.004 * t)  # a detuned echo
    return {
        "drums": np.stack([drums, drums]).astype(np.float32),
        "bass": np.stack([bass, bass]).astype(np.float32),
        "other": pad.astype(np.float32),
    }


def _cos(a: Signal, b: Signal) -> float:
    return float(np.sum(a * b) / (np.linalg.norm(a) * np.linalg.norm(b) + 1e-12))


def test_each_stem_carries_mostly_its_own_source() -> None:
    sources = _sources()
    mix = sum(sources.values())
    assert isinstance(mix, np.ndarray)
    stems, notes = separate(mix, SR)
    assert notes == []
    assert set(stems) == set(STEMS)
    names = list(sources)
    similarity = np.array([[_cos(stems[s], sources[k]) for k in names] for s in names])
    for i, name in enumerate(names):
        row = similarity[i]
        # the stem resembles its own source far more than any other
        assert row[i] > 0.75, (name, similarity.round(2))
        assert row[i] > 2 * max(np.delete(row, i)), (name, similarity.round(2))
    # "carries most of its source's energy": the source's projection on its stem
    for name in names:
        src = sources[name]
        share = float(np.sum(stems[name] * src) / np.sum(src * src))
        assert share > 0.6, (name, share)
    # nothing centred and harmonic in the 200-5000 Hz band: vocals stay quiet
    assert np.sum(stems["vocals"] ** 2) < 0.1 * np.sum(mix**2)
    # the masks partition the mix: the stems add back up to it
    total = sum(stems.values())
    assert np.sqrt(np.mean((total - mix) ** 2)) < 1e-3 * np.sqrt(np.mean(mix**2)) + 1e-6


def test_separate_wav_writes_one_file_per_stem_and_labelled_metadata(tmp_path: Path) -> None:
    import soundfile as sf

    mono = sum(s.mean(axis=0) for s in _sources(2.0).values())
    assert isinstance(mono, np.ndarray)
    source = tmp_path / "mix.wav"
    sf.write(str(source), mono, SR)
    result = separate_wav(source, tmp_path / "stems")
    meta = json.loads((tmp_path / "stems" / "stems.json").read_text())
    assert meta["method"] == "dsp-hpss" == result.method
    assert meta["channels"] == 1 and meta["sample_rate"] == SR
    assert meta["seconds"] == 2.0
    assert any("mono" in n for n in meta["notes"])  # says why vocals are silent
    for stem in STEMS:
        audio, sr = read_wav(tmp_path / "stems" / f"{stem}.wav")
        assert sr == SR and audio.shape == (1, 2 * SR)
    vocals, _ = read_wav(tmp_path / "stems" / "vocals.wav")
    assert np.max(np.abs(vocals)) < 1e-4


def test_long_tracks_are_separated_in_blocks_without_seams() -> None:
    from soundstage.audio.stems import separate_long

    mix = sum(_sources(4.0).values())
    assert isinstance(mix, np.ndarray)
    whole, _ = separate(mix, SR)
    blocks, _ = separate_long(mix, SR, block_s=1.0, context_s=1.0)
    for name in STEMS:
        err = np.sqrt(np.mean((whole[name] - blocks[name]) ** 2))
        # relative to the mix: the vocals stem is near silent here
        assert err < 0.02 * np.sqrt(np.mean(mix**2)), (name, err)
