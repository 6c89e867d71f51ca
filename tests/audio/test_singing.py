"""Singing DSP and the local singer: syllables, alignment, MIDI melodies, and the
sung result measured with pYIN: each note within 30 cents of its MIDI pitch and
its voice starting within 50 ms of the note (real hibari voice, real WORLD)."""

from __future__ import annotations

from pathlib import Path

import librosa
import mido
import numpy as np
import pytest
import soundfile as sf

from soundstage.audio import singing
from soundstage.audio.singing import MelodyNote
from soundstage.config import Settings
from soundstage.providers.singing import SingingRequest, get_provider
from sung import check_sung, pyin


def test_syllabify_counts_and_spells_syllables() -> None:
    syllables = singing.syllabify("Hello, beautiful world!\n\n[la] la-la 42 don't")
    assert [s.text for s in syllables] == [
        "Hel", "lo", "beau", "ti", "ful", "world", "la", "la", "la", "don't",
    ]  # fmt: skip
    assert [s.line_index for s in syllables] == [0, 0, 0, 0, 0, 0, 1, 1, 1, 1]
    assert syllables[3].word == "beautiful" and syllables[3].index_in_word == 1
    assert syllables[3].count_in_word == 3
    # pieces always rebuild the word, whatever the count
    for word in ("strengths", "idea", "rhythm", "everything", "a"):
        for n in range(1, 4):
            assert "".join(singing.split_orthographic(word, n)) == word


def test_align_one_note_per_syllable_and_spreads_melismas() -> None:
    syl = singing.syllabify("one two three")
    notes = [MelodyNote(i * 0.5, i * 0.5 + 0.4, 60 + i) for i in range(7)]
    got = singing.align(syl, notes)
    assert [a.note_indices for a in got] == [(0, 1), (2, 3), (4, 5, 6)]
    assert got[2].start_s == 2.0 and got[2].end_s == pytest.approx(3.4)
    assert [len(a.notes) for a in singing.align(syl, notes[:3])] == [1, 1, 1]
    with pytest.raises(singing.MelodyTooShort, match="2 notes for 3 syllables"):
        singing.align(syl, notes[:2])


def test_monophonic_keeps_the_top_line() -> None:
    notes = [MelodyNote(0, 1, 60), MelodyNote(0, 1, 64), MelodyNote(0.5, 1.5, 62)]
    assert singing.monophonic(notes) == [MelodyNote(0, 0.5, 64), MelodyNote(0.5, 1.5, 62)]


def _midi(path: Path, tracks: list[tuple[str, int, list[tuple[int, int, int]]]]) -> Path:
    """A type-1 file at 120 bpm for its first 4 beats, then 60 bpm; notes as
    (start tick, length ticks, pitch) at 480 ticks per beat."""
    mid = mido.MidiFile(type=1, ticks_per_beat=480)
    conductor = mido.MidiTrack()
    conductor.append(mido.MetaMessage("set_tempo", tempo=500_000, time=0))
    conductor.append(mido.MetaMessage("key_signature", key="Am", time=0))
    conductor.append(mido.MetaMessage("set_tempo", tempo=1_000_000, time=4 * 480))
    mid.tracks.append(conductor)
    for name, channel, notes in tracks:
        track = mido.MidiTrack()
        track.append(mido.MetaMessage("track_name", name=name, time=0))
        events = []
        for start, length, pitch in notes:
            events.append((start, 1, mido.Message("note_on", channel=channel, note=pitch,
                                                  velocity=90)))  # fmt: skip
            events.append((start + length, 0, mido.Message("note_off", channel=channel,
                                                           note=pitch)))  # fmt: skip
        now = 0
        for tick, _, msg in sorted(events, key=lambda e: (e[0], e[1])):
            track.append(msg.copy(time=tick - now))
            now = tick
        mid.tracks.append(track)
    mid.save(str(path))
    return path


def test_melody_from_midi_follows_the_tempo_map_and_picks_the_melody(tmp_path: Path) -> None:
    path = _midi(
        tmp_path / "m.mid",
        [
            ("drums", 9, [(i * 480, 240, 36) for i in range(8)]),
            ("bass", 0, [(i * 480, 480, 40) for i in range(8)]),
            ("Lead vocal", 1, [(0, 480, 69), (960, 480, 72), (2400, 480, 76)]),
        ],
    )
    melody = singing.melody_from_midi(str(path))
    assert melody.track == "Lead vocal" and melody.key == "A minor" and melody.bpm == 120
    # beats 0 and 2 at 120 bpm; beat 5 is 2 s + 1 beat at 60 bpm = 3 s
    assert [(n.start_s, n.end_s, n.pitch) for n in melody.notes] == [
        (0.0, 0.5, 69.0), (1.0, 1.5, 72.0), (3.0, 4.0, 76.0),
    ]  # fmt: skip
    drums_only = _midi(tmp_path / "d.mid", [("drums", 9, [(0, 240, 36)])])
    with pytest.raises(singing.MidiError, match="no notes"):
        singing.melody_from_midi(str(drums_only))
    (tmp_path / "bad.mid").write_bytes(b"MThd nonsense")
    with pytest.raises(singing.MidiError, match="not a readable MIDI"):
        singing.melody_from_midi(str(tmp_path / "bad.mid"))


@pytest.fixture(scope="module")
def sung_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("sung")


async def test_local_voice_sings_each_note_in_tune_and_in_time(
    settings: Settings, sung_dir: Path
) -> None:
    # A rest between notes, so each onset is measurable; an octave and a half of range.
    pitches = [57, 60, 64, 62, 65, 69, 67, 72, 71, 67, 60]
    notes = [MelodyNote(0.4 + i * 0.55, 0.4 + i * 0.55 + 0.4, p) for i, p in enumerate(pitches)]
    syllables = singing.syllabify("Hello little song\nwe are all singing now")
    assert len(syllables) == len(notes)
    provider = get_provider("local", settings)
    assert provider.draft is True
    result = await provider.sing(
        SingingRequest(singing.align(syllables, notes), "hibari-us-female"), sung_dir
    )
    audio, sr = sf.read(str(result.path), dtype="float32")
    assert sr == 44100 and audio.ndim == 1
    assert len(audio) / sr == pytest.approx(notes[-1].end_s + 0.5, abs=0.01)
    cents = check_sung(audio, sr, notes)
    assert float(np.mean(np.abs(cents))) < 15
    # each syllable is reported on its note; onset consonants start before it
    assert [s.syllable.text for s in result.syllables][:3] == ["Hel", "lo", "lit"]
    for s, note in zip(result.syllables, notes, strict=True):
        assert s.start_s == note.start_s and s.end_s == note.end_s
        assert note.start_s - 0.16 <= s.audio_start_s <= note.start_s


async def test_a_melisma_moves_pitch_within_one_syllable(
    settings: Settings, sung_dir: Path
) -> None:
    notes = [MelodyNote(0.3, 0.75, 64), MelodyNote(0.75, 1.2, 67), MelodyNote(1.2, 1.8, 72)]
    [assignment] = singing.align(singing.syllabify("ah"), notes)
    provider = get_provider("local", settings)
    result = await provider.sing(SingingRequest([assignment], "hibari-us-female"), sung_dir)
    audio, sr = sf.read(str(result.path), dtype="float32")
    f0, voiced, times = pyin(audio, sr)
    for note in notes:
        mid = (times > note.start_s + 0.08) & (times < note.end_s - 0.05) & voiced
        error = float(np.median(librosa.hz_to_midi(f0[mid])) - note.pitch) * 100
        assert abs(error) <= 30


def test_shaping_keeps_the_formants() -> None:
    """WORLD replaces F0 and keeps the spectral envelope: a vowel shifted up a
    fifth keeps its spectral centroid (a resampling shift would raise it ~50%)."""
    sr = 24000
    t = np.arange(int(0.6 * sr)) / sr
    # A synthetic "vowel": 150 Hz pulse train through two fixed resonances.
    from scipy.signal import lfilter

    pulses = (np.sin(2 * np.pi * 150 * t) > 0.99).astype(np.float64)
    y = pulses
    for freq, bw in ((700.0, 90.0), (1200.0, 110.0)):
        r = np.exp(-np.pi * bw / sr)
        y = lfilter([1.0], [1.0, -2 * r * np.cos(2 * np.pi * freq / sr), r * r], y)
    y = (0.3 * y / np.max(np.abs(y))).astype(np.float32)
    shaped = singing.shape_syllable(y, sr, [MelodyNote(0, 0.6, 62 + 7)], vibrato_cents=0)

    def centroid(x: np.ndarray) -> float:
        return float(np.median(librosa.feature.spectral_centroid(y=x.astype(float), sr=sr)))

    assert centroid(shaped.audio) == pytest.approx(centroid(y), rel=0.15)


def test_place_crossfades_and_mix_over_never_clips() -> None:
    sr = 1000
    a = np.ones(100, dtype=np.float32)
    out = singing.place([(a, 0.0), (a, 0.09)], sr, 0.3, fade_s=0.01)
    assert out[0] == 0.0 and out[50] == 1.0 and np.max(out) <= 1.0 + 1e-6
    backing = np.full((300, 2), 0.9, dtype=np.float32)
    mixed = singing.mix_over(out, backing)
    assert mixed.shape == (300, 2) and float(np.max(np.abs(mixed))) <= 0.95 + 1e-6
