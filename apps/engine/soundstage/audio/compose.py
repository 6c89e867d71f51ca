"""A seeded composer: tempo, key and mood in, a four-part arrangement out.

Public API (stable; other pipelines call it)::

    Note(start_s, end_s, pitch, velocity)            # MIDI pitch 0-127, velocity 1-127
    Arrangement(tracks, bpm, key, mode, duration_s)  # tracks: drums, bass, chords, melody
    MOODS                                            # the moods compose() understands
    parse_key("A minor") -> (tonic_pc, "minor")      # ValueError for nonsense
    key_name(tonic_pc, mode) -> "A minor"
    compose(bpm, duration_s, mood, key=None, seed=0) -> Arrangement
    arrange_around(melody, bpm, key=None, mode=None, mood="neutral", seed=0) -> Arrangement

Render an arrangement with :func:`soundstage.audio.render.render_arrangement` and
write it as MIDI with :func:`soundstage.audio.midi.write_midi`.

The music is deliberately plain so that our own analysis can check it: a kick or
a snare on every beat (the tempo is never ambiguous), progressions that start and
end on the tonic, and a bass that plays chord roots, so the key is what was asked
(or, for minor progressions that visit III a lot, its relative major).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from soundstage.audio.notes import Note

Mode = Literal["major", "minor"]

PITCH_NAMES = ("C", "C#", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B")
_PC = {
    "C": 0, "B#": 0, "C#": 1, "DB": 1, "D": 2, "D#": 3, "EB": 3, "E": 4, "FB": 4,
    "F": 5, "E#": 5, "F#": 6, "GB": 6, "G": 7, "G#": 8, "AB": 8, "A": 9, "A#": 10,
    "BB": 10, "B": 11, "CB": 11,
}  # fmt: skip
SCALES: dict[str, tuple[int, ...]] = {
    "major": (0, 2, 4, 5, 7, 9, 11),
    "minor": (0, 2, 3, 5, 7, 8, 10),  # natural minor
}

# GM drum notes (channel 10).
KICK, SNARE, CLOSED_HAT, OPEN_HAT, CRASH = 36, 38, 42, 46, 49


@dataclass
class Arrangement:
    tracks: dict[str, list[Note]]
    bpm: float
    key: str  # tonic name, "A"
    mode: Mode
    duration_s: float
    # General MIDI programs per pitched part; drums are always channel 10.
    programs: dict[str, int] = field(default_factory=dict)
    mood: str = "neutral"

    @property
    def key_name(self) -> str:
        return f"{self.key} {self.mode}"


@dataclass(frozen=True)
class MoodProfile:
    modes: tuple[Mode, ...]  # preferred modes when no key is asked
    progressions: dict[str, tuple[tuple[int, ...], ...]]  # scale degrees (0 = tonic), per mode
    four_on_floor: bool  # kick on every beat (else on 1 and 3)
    hat_division: int  # hats per beat: 2 (eighths) or 4 (sixteenths)
    bass_style: Literal["pulse", "eighths", "long"]
    chord_style: Literal["pad", "keys", "stabs"]
    melody_density: float  # notes per beat, on average
    energy: float  # 0-1: velocities and brightness
    melody_program: int
    chord_program: int


_MAJOR_PROGS = ((0, 4, 5, 3), (0, 3, 4, 4), (0, 5, 3, 4), (0, 3, 0, 4))
_MINOR_PROGS = ((0, 5, 2, 6), (0, 3, 4, 0), (0, 5, 3, 4), (0, 6, 5, 6))

MOODS: dict[str, MoodProfile] = {
    "happy": MoodProfile(
        ("major",), {"major": _MAJOR_PROGS, "minor": _MINOR_PROGS},
        True, 2, "eighths", "stabs", 1.5, 0.75, 80, 4,
    ),
    "energetic": MoodProfile(
        ("major", "minor"), {"major": _MAJOR_PROGS, "minor": _MINOR_PROGS},
        True, 4, "eighths", "stabs", 1.75, 0.95, 81, 4,
    ),
    "epic": MoodProfile(
        ("minor", "major"), {"major": _MAJOR_PROGS, "minor": _MINOR_PROGS[:2]},
        True, 2, "pulse", "pad", 1.0, 0.9, 81, 89,
    ),
    "calm": MoodProfile(
        ("major",), {"major": _MAJOR_PROGS[:3], "minor": _MINOR_PROGS[:2]},
        False, 2, "long", "pad", 0.75, 0.45, 0, 89,
    ),
    "chill": MoodProfile(
        ("major", "minor"), {"major": ((0, 5, 3, 4), (0, 3, 0, 4)), "minor": _MINOR_PROGS},
        False, 2, "pulse", "keys", 1.0, 0.55, 4, 4,
    ),
    "romantic": MoodProfile(
        ("major",), {"major": ((0, 5, 3, 4), (0, 4, 5, 3)), "minor": _MINOR_PROGS[:2]},
        False, 2, "long", "keys", 1.0, 0.5, 0, 4,
    ),
    "sad": MoodProfile(
        ("minor",), {"major": _MAJOR_PROGS[2:], "minor": ((0, 5, 2, 6), (0, 3, 4, 0))},
        False, 2, "long", "pad", 0.75, 0.45, 0, 89,
    ),
    "dark": MoodProfile(
        ("minor",), {"major": _MAJOR_PROGS[:2], "minor": ((0, 3, 4, 0), (0, 5, 6, 0))},
        True, 4, "pulse", "pad", 1.0, 0.8, 81, 89,
    ),
    "neutral": MoodProfile(
        ("major", "minor"), {"major": _MAJOR_PROGS, "minor": _MINOR_PROGS},
        False, 2, "pulse", "keys", 1.0, 0.65, 80, 4,
    ),
}  # fmt: skip

_KEY_RE = re.compile(r"^\s*([A-Ga-g])\s*([#♯b♭]?)\s*([A-Za-z]*)\s*$")
_MINOR_WORDS = {"m", "min", "minor"}
_MAJOR_WORDS = {"", "maj", "major"}


def parse_key(text: str) -> tuple[int, Mode]:
    """``"A minor"``, ``"Am"``, ``"F# major"``, ``"Bb"`` -> (pitch class, mode)."""
    match = _KEY_RE.match(text)
    quality = match.group(3) if match else ""
    if not match or (quality != "M" and quality.lower() not in _MINOR_WORDS | _MAJOR_WORDS):
        raise ValueError(f"'{text}' is not a key; write it like 'A minor' or 'Eb major'")
    letter, accidental = match.group(1).upper(), match.group(2)
    suffix = "#" if accidental in {"#", "♯"} else "B" if accidental in {"b", "♭"} else ""
    mode: Mode = "minor" if quality != "M" and quality.lower() in _MINOR_WORDS else "major"
    return _PC[letter + suffix], mode


def has_mode(text: str) -> bool:
    """Whether a key string names its mode ("A minor") or only a tonic ("A")."""
    match = _KEY_RE.match(text)
    return bool(match and match.group(3))


def key_name(tonic_pc: int, mode: Mode) -> str:
    return f"{PITCH_NAMES[tonic_pc % 12]} {mode}"


def mood_profile(mood: str) -> MoodProfile:
    return MOODS.get(mood.strip().lower(), MOODS["neutral"])


# --- composition ----------------------------------------------------------------


class _Grid:
    """Beats and bars in seconds, 4/4."""

    def __init__(self, bpm: float, duration_s: float) -> None:
        self.beat = 60.0 / bpm
        self.bar = 4 * self.beat
        self.duration_s = duration_s
        self.bars = max(1, math.ceil(duration_s / self.bar - 1e-9))

    def at(self, bar: int, beat: float) -> float:
        return bar * self.bar + beat * self.beat


class _Track:
    def __init__(self, duration_s: float) -> None:
        self.notes: list[Note] = []
        self.end = duration_s

    def add(self, start: float, length: float, pitch: int, velocity: float) -> None:
        if start >= self.end - 1e-6:
            return
        end = min(start + length, self.end)
        vel = int(min(127, max(1, round(velocity))))
        self.notes.append(Note(round(start, 6), round(end, 6), int(pitch), vel))


def _triad(tonic_pc: int, mode: Mode, degree: int) -> list[int]:
    """Pitch classes of the diatonic triad on ``degree`` (root first)."""
    scale = SCALES[mode]
    return [(tonic_pc + scale[(degree + step) % 7]) % 12 for step in (0, 2, 4)]


def _chords_for(rng: np.random.Generator, profile: MoodProfile, mode: Mode, bars: int) -> list[int]:
    """A scale degree per bar: 4-bar progressions, the last bar back on the tonic."""
    options = profile.progressions[mode]
    first = options[int(rng.integers(len(options)))]
    second = options[int(rng.integers(len(options)))]
    degrees: list[int] = []
    for phrase in range(math.ceil(bars / 4)):
        # A A B A: the B phrase gives longer pieces somewhere to go.
        prog = second if phrase % 4 == 2 else first
        degrees.extend(prog)
    degrees = degrees[:bars]
    degrees[-1] = 0
    return degrees


def _drums(rng: np.random.Generator, profile: MoodProfile, grid: _Grid, track: _Track) -> None:
    e = profile.energy
    for bar in range(grid.bars):
        fill = bar % 4 == 3 and bar != grid.bars - 1
        if bar % 8 == 0 and e > 0.6:
            track.add(grid.at(bar, 0), grid.beat, CRASH, 70 + 30 * e)
        for beat in range(4):
            t = grid.at(bar, beat)
            if profile.four_on_floor or beat in (0, 2):
                track.add(t, grid.beat / 2, KICK, 112 if beat == 0 else 104)
            if beat in (1, 3):
                track.add(t, grid.beat / 2, SNARE, 80 + 30 * e)
            n = profile.hat_division
            for k in range(n):
                accent = 1.0 if k == 0 else 0.7
                track.add(t + k * grid.beat / n, grid.beat / n, CLOSED_HAT, (45 + 30 * e) * accent)
        if not profile.four_on_floor and rng.random() < 0.5:
            # A ghost kick before beat 3: groove, without moving the beat.
            track.add(grid.at(bar, 1.5), grid.beat / 2, KICK, 60)
        if fill:
            for off in (3.5, 3.75):
                track.add(grid.at(bar, off), grid.beat / 4, SNARE, 60 + 25 * e)
        elif e > 0.5:
            track.add(grid.at(bar, 3.5), grid.beat / 2, OPEN_HAT, 40 + 25 * e)


def _bass(
    profile: MoodProfile, grid: _Grid, degrees: list[int], tonic_pc: int, mode: Mode, track: _Track
) -> None:
    """Chord roots on the strong beats, with the chord's third and fifth as
    passing notes: the third matters, or a minor key sounds (and analyses) major."""
    vel = 85 + 30 * profile.energy
    for bar, degree in enumerate(degrees):
        root_pc, third_pc, fifth_pc = _triad(tonic_pc, mode, degree)
        root = 36 + root_pc  # C2..B2
        third = root + (third_pc - root_pc) % 12
        fifth = root + (fifth_pc - root_pc) % 12
        if bar == grid.bars - 1:
            track.add(grid.at(bar, 0), grid.bar * 0.98, root, vel)
        elif profile.bass_style == "long":
            track.add(grid.at(bar, 0), grid.beat * 2.9, root, vel)
            track.add(grid.at(bar, 3), grid.beat * 0.95, third, vel - 10)
        elif profile.bass_style == "pulse":
            for beat, pitch in enumerate((root, root, fifth, third)):
                track.add(grid.at(bar, beat), grid.beat * 0.9, pitch, vel - (8 if beat else 0))
        else:
            line = (root, root, root + 12, root, root, third, fifth, third)
            for k, pitch in enumerate(line):
                track.add(grid.at(bar, k / 2), grid.beat * 0.45, pitch, vel - 15 * (k % 2))


def _voicing(pcs: list[int], low: int = 55) -> list[int]:
    """Close voicing of the triad above ``low`` (G3), root position or an inversion."""
    out = []
    for pc in pcs:
        pitch = low + ((pc - low) % 12)
        out.append(pitch)
    return sorted(out)


def _chords(
    profile: MoodProfile, grid: _Grid, degrees: list[int], tonic_pc: int, mode: Mode, track: _Track
) -> None:
    vel = 55 + 30 * profile.energy
    for bar, degree in enumerate(degrees):
        pitches = _voicing(_triad(tonic_pc, mode, degree))
        if profile.chord_style == "stabs" and bar != grid.bars - 1:
            for beat in (0, 1.5, 2.5):
                for p in pitches:
                    track.add(grid.at(bar, beat), grid.beat * 0.8, p, vel)
        elif profile.chord_style == "keys" and bar != grid.bars - 1:
            for beat in (0, 2):
                for p in pitches:
                    track.add(grid.at(bar, beat), grid.beat * 1.9, p, vel)
        else:
            for p in pitches:
                track.add(grid.at(bar, 0), grid.bar * 0.98, p, vel - 5)


_RHYTHMS: dict[str, tuple[tuple[float, float], ...]] = {
    # (start beat, length in beats) over two bars
    "sparse": ((0, 1.5), (1.5, 0.5), (2, 2), (4, 1), (5, 1), (6, 2)),
    "medium": ((0, 1), (1, 0.5), (1.5, 0.5), (2, 1), (3, 1), (4, 0.5), (4.5, 0.5), (5, 1),
               (6, 1.5)),
    "busy": ((0, 0.5), (0.5, 0.5), (1, 0.5), (1.5, 0.5), (2, 1), (3, 0.5), (3.5, 0.5),
             (4, 0.5), (4.5, 0.5), (5, 0.5), (5.5, 0.5), (6, 1), (7, 0.5)),
}  # fmt: skip


def _melody_pitches(
    rng: np.random.Generator,
    count: int,
    strong: list[bool],
    chord_pcs: list[list[int]],
    tonic_pc: int,
    mode: Mode,
) -> list[int]:
    """A scale-constrained walk with a rise-and-fall contour, chord tones on strong beats."""
    scale = SCALES[mode]
    lo = 60 + tonic_pc if tonic_pc < 7 else 48 + tonic_pc  # tonic between G3 and F#4
    # Scale steps from the tonic; 0..9 keeps the tune within a tenth.
    step = int(rng.integers(2, 5))
    out = []
    for i in range(count):
        target_dir = 1 if i < count * 0.5 else -1  # arch contour
        move = (
            int(rng.choice([-2, -1, -1, 0, 1, 1, 2]))
            + (1 if rng.random() < 0.3 else 0) * target_dir
        )
        step = min(9, max(0, step + move))
        pitch = lo + 12 * (step // 7) + scale[step % 7]
        if strong[i]:
            pcs = chord_pcs[i]
            candidates = [p for p in range(pitch - 4, pitch + 5) if p % 12 in pcs]
            pitch = min(candidates, key=lambda p: (abs(p - pitch), p))
            step = _nearest_step(pitch, lo, scale)
        out.append(pitch)
    return out


def _nearest_step(pitch: int, lo: int, scale: tuple[int, ...]) -> int:
    best = 0
    for s in range(10):
        if abs(lo + 12 * (s // 7) + scale[s % 7] - pitch) < abs(
            lo + 12 * (best // 7) + scale[best % 7] - pitch
        ):
            best = s
    return best


def _melody(
    rng: np.random.Generator,
    profile: MoodProfile,
    grid: _Grid,
    degrees: list[int],
    tonic_pc: int,
    mode: Mode,
    track: _Track,
) -> None:
    density = "sparse" if profile.melody_density < 0.9 else "medium"
    if profile.melody_density > 1.4:
        density = "busy"
    rhythm = _RHYTHMS[density]
    start_bar = 2 if grid.bars >= 8 else 0
    vel = 80 + 30 * profile.energy

    def motif(bar0: int) -> list[int]:
        strong = [start % 2 == 0 for start, _ in rhythm]
        chords = [_triad(tonic_pc, mode, degrees[min(bar0 + int(s // 4), len(degrees) - 1)])
                  for s, _ in rhythm]  # fmt: skip
        return _melody_pitches(rng, len(rhythm), strong, chords, tonic_pc, mode)

    a = motif(0)
    b = motif(2)
    for bar0 in range(start_bar, grid.bars, 2):
        phrase_pos = (bar0 // 2) % 4  # A A' B A''
        pitches = list(b if phrase_pos == 2 else a)
        if phrase_pos in (1, 3):
            # Vary the tail, and resolve the phrase's end onto a chord tone.
            for i in range(len(pitches) // 2, len(pitches)):
                if rng.random() < 0.4:
                    pitches[i] += int(rng.choice([-2, -1, 1, 2]))
            final = _triad(tonic_pc, mode, degrees[min(bar0 + 1, len(degrees) - 1)])
            last = pitches[-1]
            pitches[-1] = min(
                (p for p in range(last - 6, last + 7) if p % 12 in final),
                key=lambda p: abs(p - last),
            )
        scale_pcs = {(tonic_pc + s) % 12 for s in SCALES[mode]}
        for (start, length), pitch in zip(rhythm, pitches, strict=True):
            if pitch % 12 not in scale_pcs:  # variations stay in the key
                pitch -= 1
            accent = 1.0 if start % 1 == 0 else 0.85
            track.add(grid.at(bar0, start), length * grid.beat * 0.92, pitch, vel * accent)
    if grid.bars >= 2:
        # End on the tonic, held over the last bar.
        last_bar = grid.bars - 1
        track.notes = [n for n in track.notes if n.start_s < grid.at(last_bar, 0) - 1e-6]
        track.add(grid.at(last_bar, 0), grid.bar, 72 + tonic_pc - (12 if tonic_pc > 6 else 0), vel)


def _choose_key(
    rng: np.random.Generator, profile: MoodProfile, key: str | None
) -> tuple[int, Mode]:
    if key:
        return parse_key(key)
    mode = profile.modes[int(rng.integers(len(profile.modes)))]
    return int(rng.integers(12)), mode


def compose(
    bpm: float,
    duration_s: float,
    mood: str = "neutral",
    key: str | None = None,
    seed: int = 0,
) -> Arrangement:
    """A full arrangement (drums, bass, chords, melody) of exactly ``duration_s``.

    The same arguments always give the same arrangement. ``key`` like "A minor";
    None picks one from the mood and the seed.
    """
    if not 20 <= bpm <= 400:
        raise ValueError("bpm must be between 20 and 400")
    if duration_s <= 0:
        raise ValueError("duration_s must be positive")
    rng = np.random.default_rng(seed)
    profile = mood_profile(mood)
    tonic_pc, mode = _choose_key(rng, profile, key)
    grid = _Grid(bpm, duration_s)
    degrees = _chords_for(rng, profile, mode, grid.bars)
    tracks = {name: _Track(duration_s) for name in ("drums", "bass", "chords", "melody")}
    _drums(rng, profile, grid, tracks["drums"])
    _bass(profile, grid, degrees, tonic_pc, mode, tracks["bass"])
    _chords(profile, grid, degrees, tonic_pc, mode, tracks["chords"])
    _melody(rng, profile, grid, degrees, tonic_pc, mode, tracks["melody"])
    return Arrangement(
        tracks={
            name: sorted(t.notes, key=lambda n: (n.start_s, n.pitch)) for name, t in tracks.items()
        },
        bpm=float(bpm),
        key=PITCH_NAMES[tonic_pc],
        mode=mode,
        duration_s=float(duration_s),
        programs={"bass": 33, "chords": profile.chord_program, "melody": profile.melody_program},
        mood=mood if mood in MOODS else "neutral",
    )


# --- arranging around a given melody ---------------------------------------------

# Krumhansl-Kessler key profiles, for guessing the key of a bare melody.
_KK_MAJOR = np.array([6.35, 2.23, 3.48, 2.33, 4.38, 4.09, 2.52, 5.19, 2.39, 3.66, 2.29, 2.88])
_KK_MINOR = np.array([6.33, 2.68, 3.52, 5.38, 2.60, 3.53, 2.54, 4.75, 3.98, 2.69, 3.34, 3.17])


def guess_key(notes: list[Note]) -> tuple[int, Mode]:
    """The best-correlating key for the notes' duration-weighted pitch classes."""
    hist = np.zeros(12)
    for n in notes:
        hist[n.pitch % 12] += max(n.end_s - n.start_s, 1e-3)
    if not hist.any():
        return 0, "major"
    best: tuple[float, int, Mode] = (-2.0, 0, "major")
    for mode, profile in (("major", _KK_MAJOR), ("minor", _KK_MINOR)):
        for pc in range(12):
            r = float(np.corrcoef(hist, np.roll(profile, pc))[0, 1])
            if r > best[0]:
                best = (r, pc, mode)  # type: ignore[assignment]
    return best[1], best[2]


def arrange_around(
    melody: list[Note],
    bpm: float,
    key: str | None = None,
    mode: Mode | None = None,
    mood: str = "neutral",
    seed: int = 0,
) -> Arrangement:
    """Drums, bass and chords that fit ``melody`` (kept as the "melody" track).

    ``key`` may be "A minor" (then ``mode`` is ignored) or a bare tonic "A" with
    ``mode``; None guesses both from the melody. Each bar gets the diatonic triad
    that covers most of the melody's sounding time in it, preferring the tonic at
    the start and the end. The piece lasts until the end of the melody's last bar.
    """
    if not melody:
        raise ValueError("the melody has no notes")
    rng = np.random.default_rng(seed)
    profile = mood_profile(mood)
    if key is None:
        tonic_pc, chosen_mode = guess_key(melody)
    else:
        tonic_pc, parsed_mode = parse_key(key)
        chosen_mode = parsed_mode if has_mode(key) or mode is None else mode
    grid = _Grid(bpm, max(n.end_s for n in melody))
    duration_s = grid.bars * grid.bar
    grid = _Grid(bpm, duration_s)
    degrees: list[int] = []
    for bar in range(grid.bars):
        t0, t1 = grid.at(bar, 0), grid.at(bar + 1, 0)
        weights = np.zeros(12)
        for n in melody:
            overlap = min(n.end_s, t1) - max(n.start_s, t0)
            if overlap > 0:
                weights[n.pitch % 12] += overlap
        scores = []
        for degree in range(7):
            pcs = _triad(tonic_pc, chosen_mode, degree)
            score = sum(weights[pc] for pc in pcs) + (
                0.3 * grid.beat if degree in (0, 3, 4, 5) else 0
            )
            if degree == 0 and bar in (0, grid.bars - 1):
                score += grid.beat
            if degrees and degrees[-1] == degree:
                score -= 0.2 * grid.beat  # some movement, when the tune allows it
            scores.append(score + 1e-3 * rng.random())
        degrees.append(int(np.argmax(scores)))
    tracks = {name: _Track(duration_s) for name in ("drums", "bass", "chords")}
    _drums(rng, profile, grid, tracks["drums"])
    _bass(profile, grid, degrees, tonic_pc, chosen_mode, tracks["bass"])
    _chords(profile, grid, degrees, tonic_pc, chosen_mode, tracks["chords"])
    out = {name: sorted(t.notes, key=lambda n: (n.start_s, n.pitch)) for name, t in tracks.items()}
    out["melody"] = sorted(melody, key=lambda n: (n.start_s, n.pitch))
    return Arrangement(
        tracks=out,
        bpm=float(bpm),
        key=PITCH_NAMES[tonic_pc],
        mode=chosen_mode,
        duration_s=duration_s,
        programs={"bass": 33, "chords": profile.chord_program, "melody": profile.melody_program},
        mood=mood if mood in MOODS else "neutral",
    )


# --- a sung line over an arrangement -----------------------------------------------


def vocal_line(
    arrangement: Arrangement, phrases: list[tuple[float, float, int]], seed: int = 0
) -> list[Note]:
    """A melody to sing lyrics on over ``arrangement``, in its key: for each
    phrase ``(start_s, end_s, syllables)`` one note per syllable from
    ``start_s`` (quarter notes when they fit, else eighths, else squeezed to
    fit), the last held up to two beats, leaving a breath before ``end_s``.
    Pitches are the composer's scale walk with an arch contour, chord tones of
    the backing's chords on strong beats, around the tonic between G3 and F#4
    (a comfortable range for the local voices)."""
    rng = np.random.default_rng(seed)
    tonic_pc = PITCH_NAMES.index(arrangement.key)
    mode = arrangement.mode
    beat = 60.0 / arrangement.bpm
    chords = arrangement.tracks.get("chords", [])
    fallback = _triad(tonic_pc, mode, 0)
    out: list[Note] = []
    for start, end, count in phrases:
        if count <= 0:
            continue
        room = max(0.1 * count, end - start - min(0.25, beat / 2))
        step = beat if count * beat <= room * 0.8 else beat / 2
        if count * step > room:
            step = room / count
        times = [start + i * step for i in range(count)]
        strong = [abs(t / beat - round(t / beat)) < 0.05 for t in times]
        chord_pcs = [
            sorted({n.pitch % 12 for n in chords if n.start_s <= t < n.end_s}) or fallback
            for t in times
        ]
        pitches = _melody_pitches(rng, count, strong, chord_pcs, tonic_pc, mode)
        for i, (t, pitch) in enumerate(zip(times, pitches, strict=True)):
            length = step * 0.9
            if i == count - 1:
                length = max(length, min(room - (count - 1) * step, 2 * beat) * 0.95)
            out.append(Note(round(t, 6), round(t + length, 6), int(pitch), 96))
    return out
