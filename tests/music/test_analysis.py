"""Analysis on real audio: notes rendered by the music renderer, decoded by
ffmpeg, analysed by librosa and ffmpeg's loudness meter. No mocks."""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
import pytest

from soundstage.audio.analysis import (
    KEY_NAMES,
    MAJOR_PROFILE,
    MINOR_PROFILE,
    analyze_file,
    detect_key,
    read_audio,
)
from soundstage.audio.compose import KICK, SNARE
from soundstage.audio.decode import UndecodableError
from soundstage.audio.ffmpeg import ffmpeg_exe
from soundstage.audio.midi import read_midi_notes
from soundstage.audio.notes import Note
from soundstage.audio.render import render_notes
from soundstage.audio.wav import write_wav

SR = 22050
MAJOR = (0, 2, 4, 5, 7, 9, 11)
MINOR = (0, 2, 3, 5, 7, 8, 10)


def _wav(path: Path, audio: np.ndarray, sr: int = SR) -> Path:
    peak = float(np.max(np.abs(audio))) or 1.0
    write_wav(path, (audio / peak * 0.8).astype(np.float32), sr)
    return path


def _relative(key: str, mode: str) -> tuple[str, str]:
    tonic = KEY_NAMES.index(key)
    if mode == "major":
        return KEY_NAMES[(tonic + 9) % 12], "minor"
    return KEY_NAMES[(tonic + 3) % 12], "major"


# ---------------------------------------------------------------- key


def test_detect_key_recovers_every_profile() -> None:
    for tonic in range(12):
        assert detect_key(np.roll(MAJOR_PROFILE, tonic)) == (KEY_NAMES[tonic], "major", 1.0)
        assert detect_key(np.roll(MINOR_PROFILE, tonic)) == (KEY_NAMES[tonic], "minor", 1.0)
    assert detect_key(np.zeros(12)) == ("C", "major", 0.0)


@pytest.mark.parametrize(
    ("tonic", "mode"),
    [("C", "major"), ("A", "minor"), ("G", "major"), ("D", "minor"), ("Eb", "major"),
     ("F#", "minor")],
)  # fmt: skip
def test_key_of_a_rendered_scale(tmp_path: Path, tonic: str, mode: str) -> None:
    steps = [*(MAJOR if mode == "major" else MINOR), 12]
    root = 60 + KEY_NAMES.index(tonic)
    root = root - 12 if root > 66 else root  # F#3..F#4
    # up and down, the tonic held at both ends
    pitches = [root + s for s in steps + steps[::-1]]
    notes = [Note(i * 0.35, i * 0.35 + 0.33, p, 100) for i, p in enumerate(pitches)]
    a = analyze_file(_wav(tmp_path / "scale.wav", render_notes(notes, "keys", SR)))
    assert (a.key, a.mode) == (tonic, mode), a
    assert a.key_confidence > 0.6


def _progression(root: int, mode: str) -> list[Note]:
    """An arpeggiated I-IV-V-I (major) or i-iv-V-i (minor, harmonic V), with a
    bass note on each chord, two bars each at 120 BPM."""
    scale = MAJOR if mode == "major" else MINOR
    degrees = (0, 3, 4, 0)
    notes: list[Note] = []
    t = 0.0
    for degree in degrees:
        triad = [scale[(degree + k) % 7] + 12 * ((degree + k) // 7) for k in (0, 2, 4)]
        if mode == "minor" and degree == 4:
            triad[1] += 1  # the raised leading tone of harmonic minor
        notes.append(Note(t, t + 1.9, root - 12 + scale[degree], 90))
        for rep in range(2):
            for i, step in enumerate([*triad, triad[1]]):
                start = t + rep * 1.0 + i * 0.25
                notes.append(Note(start, start + 0.24, root + step, 100))
        t += 2.0
    return notes


@pytest.mark.parametrize(
    ("tonic", "mode"), [("D", "major"), ("Bb", "major"), ("E", "minor"), ("C", "minor")]
)
def test_key_of_a_chord_progression(tmp_path: Path, tonic: str, mode: str) -> None:
    root = 60 + KEY_NAMES.index(tonic)
    notes = _progression(root if root < 66 else root - 12, mode)
    a = analyze_file(_wav(tmp_path / "chords.wav", render_notes(notes, "keys", SR)))
    # the issue allows the relative key for progressions
    assert (a.key, a.mode) in {(tonic, mode), _relative(tonic, mode)}, a


# ---------------------------------------------------------------- tempo


@pytest.mark.parametrize("bpm", [90, 120, 150])
def test_tempo_of_a_drum_pattern(tmp_path: Path, bpm: int) -> None:
    beat = 60 / bpm
    notes = []
    for i in range(int(10 / beat)):
        notes.append(Note(i * beat, i * beat + 0.1, KICK if i % 2 == 0 else SNARE, 110))
    audio = render_notes(notes, "drums", SR, duration_s=10.0)
    a = analyze_file(_wav(tmp_path / "drums.wav", audio))
    assert abs(a.tempo_bpm - bpm) <= 2, a.tempo_bpm
    gaps = np.diff(a.beat_times)
    assert len(a.beat_times) >= 10 and abs(float(np.median(gaps)) - beat) < 0.03
    assert a.duration_s == pytest.approx(10.0, abs=0.05)
    assert (a.sample_rate, a.channels) == (SR, 1)


# ---------------------------------------------------------------- corpus MIDI


def _midi_tempi(path: Path) -> list[float]:
    import mido

    midi = mido.MidiFile(str(path))
    return [mido.tempo2bpm(m.tempo) for t in midi.tracks for m in t if m.type == "set_tempo"] or [
        120.0
    ]


def _keys_of_notes(notes: list[Note], slack: float = 0.05) -> set[tuple[str, str]]:
    """The keys the notes imply: the best-correlating profile by a
    duration-weighted pitch-class histogram, and any within ``slack`` of it
    (a tune that leans on its dominant is honestly ambiguous)."""
    hist = np.zeros(12)
    for n in notes:
        hist[n.pitch % 12] += n.end_s - n.start_s
    scores = {
        (KEY_NAMES[t], mode): float(np.corrcoef(hist, np.roll(profile, t))[0, 1])
        for mode, profile in (("major", MAJOR_PROFILE), ("minor", MINOR_PROFILE))
        for t in range(12)
    }
    best = max(scores.values())
    return {k for k, r in scores.items() if r >= best - slack}


def test_corpus_midi_songs_rendered_and_analysed(tmp_path: Path, corpus: Path) -> None:
    songs = sorted((corpus / "little-colonels-hero" / "15122-h" / "music").glob("*.mid*"))
    assert len(songs) >= 4
    for song in songs:
        pitched, drums = read_midi_notes(song)
        assert pitched and not drums
        audio = render_notes(pitched, "keys", SR)
        a = analyze_file(_wav(tmp_path / f"{song.stem}.wav", audio))
        assert a.duration_s == pytest.approx(len(audio) / SR, abs=0.1)
        # plausible: one of the file's tempi, or its double/half (octave folding)
        candidates = [t * f for t in _midi_tempi(song) for f in (0.5, 1, 2)]
        assert any(abs(a.tempo_bpm - c) / c < 0.08 for c in candidates), (song.name, a)
        assert (a.key, a.mode) in _keys_of_notes(pitched), (song.name, a)


# ---------------------------------------------------------------- format, loudness, decoding


def _ffmpeg(*args: str) -> None:
    subprocess.run(
        [ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-nostdin", "-y", *args], check=True
    )


def test_stereo_mp3_format_and_loudness(tmp_path: Path) -> None:
    path = tmp_path / "tone.mp3"
    # a 1 kHz sine peaking at -6 dBFS in both channels
    source = "aevalsrc=0.5*sin(2*PI*1000*t):s=48000:d=4"
    _ffmpeg("-f", "lavfi", "-i", source, "-af", "pan=stereo|c0=c0|c1=c0",
            "-c:a", "libmp3lame", "-b:a", "192k", str(path))  # fmt: skip
    a = analyze_file(path)
    assert (a.sample_rate, a.channels) == (48000, 2)
    assert a.duration_s == pytest.approx(4.0, abs=0.1)
    assert a.true_peak_db == pytest.approx(-6.0, abs=0.5)
    # mono sine: peak - 3 dB (RMS) + ~0.7 dB (K-weighting at 1 kHz); stereo adds 3 dB
    assert a.integrated_lufs == pytest.approx(-5.3, abs=1.0)
    samples, sr = read_audio(path, sr=16000, mono=False)
    assert sr == 16000 and samples.shape[0] == 2
    assert samples.shape[1] == pytest.approx(4 * 16000, abs=2000)


def test_silence_has_no_tempo_and_floor_levels(tmp_path: Path) -> None:
    path = tmp_path / "silence.wav"
    _ffmpeg("-f", "lavfi", "-i", "anullsrc=r=22050:cl=mono", "-t", "3", str(path))
    a = analyze_file(path)
    assert a.tempo_bpm == 0.0 and a.beat_times == []
    assert a.integrated_lufs == -70.0 and a.true_peak_db == -120.0
    assert a.key_confidence == 0.0


def test_garbage_does_not_decode(tmp_path: Path) -> None:
    path = tmp_path / "x.wav"
    path.write_bytes(b"not audio at all" * 100)
    with pytest.raises(UndecodableError):
        analyze_file(path)
