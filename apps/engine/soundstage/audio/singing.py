"""Singing DSP: lyrics to syllables, syllables to notes, speech shaped onto notes.

Public API (stable; ``providers/singing`` and the ``vocals``/``song`` pipelines use it)::

    MelodyNote(start_s, end_s, pitch)          # pitch: MIDI number (60 = C4)
    Syllable(text, word, word_index, line_index)
    syllabify(lyrics) -> list[Syllable]        # syllapy (MIT) counts, orthographic split
    align(syllables, notes) -> list[Assignment]  # MelodyTooShort when notes < syllables
    split_word(audio, sr, n) -> list[(start, end)]  # a spoken word cut into n syllables
    shape_syllable(audio, sr, notes, ...) -> Shaped  # WORLD: pitch + time onto the notes
    place(pieces, sr, seconds, fade_s) -> mono float32  # overlap-add with crossfades
    mix_over(vocals, backing, ...) -> stereo float32

How a syllable is made to sing (``shape_syllable``), and why:

* WORLD (``pyworld``, MIT; WORLD itself modified-BSD) splits the spoken syllable
  into F0, a spectral envelope and aperiodicity, 5 ms frames. The envelope (the
  formants: what makes an "a" an "a" and the voice this voice) is kept, only F0
  is replaced, so the shift is formant-preserving: a plain resampling shift of a
  fifth would make the voice sound a fifth smaller.
* Time: the unvoiced frames before the first voiced one (an onset consonant,
  "s" of "song") keep their length and are placed *before* the note's start, as
  singers do, so the vowel lands on the beat. Trailing unvoiced frames (a coda
  "t") keep their length at the note's end. The voiced body is stretched or
  squeezed to fill the rest, its first and last 30 ms (the consonant-vowel
  transitions) at their own speed, the steady middle resampled: stretching the
  transitions is what makes stretched speech sound smeared.
* Pitch: every body frame gets the note's frequency (frames the analysis called
  unvoiced inside the body are voiced too, so a vowel never drops out), with a
  40 ms glide between the notes of a melisma and a light, delayed vibrato.

Draft quality by design: it is speech, sung. It holds pitch and time well enough
to measure (tests check each note within 30 cents and 50 ms with pYIN), but has
no breath, no dynamics and the voice's speaking timbre.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

Audio = npt.NDArray[np.float32]

FRAME_MS = 5.0
_EDGE_S = 0.03  # transitions kept at their own speed
_GLIDE_S = 0.04  # portamento between the notes of one syllable
_MAX_LEAD_S = 0.15  # longest onset consonant placed before a note
_MAX_CODA_S = 0.15
_MIN_BODY_S = 0.04
VIBRATO_HZ = 5.5
VIBRATO_CENTS = 15.0
_VIBRATO_DELAY_S = 0.25


@dataclass(frozen=True)
class MelodyNote:
    start_s: float
    end_s: float
    pitch: float  # MIDI note number; fractional = microtonal

    @property
    def hz(self) -> float:
        return midi_to_hz(self.pitch)


@dataclass(frozen=True)
class Syllable:
    text: str  # the letters of this syllable, e.g. "ti" of "beautiful"
    word: str
    word_index: int  # 0-based over the whole lyrics
    line_index: int  # 0-based lyric line (non-empty lines only)
    index_in_word: int
    count_in_word: int


@dataclass(frozen=True)
class Assignment:
    syllable: Syllable
    notes: tuple[MelodyNote, ...]  # one, or several for a melisma
    note_indices: tuple[int, ...]

    @property
    def start_s(self) -> float:
        return self.notes[0].start_s

    @property
    def end_s(self) -> float:
        return self.notes[-1].end_s


class MelodyTooShort(ValueError):
    """Fewer notes than syllables: some words would have nothing to be sung on."""


def midi_to_hz(pitch: float) -> float:
    return float(440.0 * 2.0 ** ((pitch - 69.0) / 12.0))


_NAMES = ("C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B")


def note_name(pitch: float) -> str:
    """60 -> "C4" (the nearest semitone)."""
    p = round(pitch)
    return f"{_NAMES[p % 12]}{p // 12 - 1}"


def hz_to_midi(hz: float) -> float:
    return 69.0 + 12.0 * math.log2(hz / 440.0)


# --- lyrics to syllables -------------------------------------------------------

_WORD = re.compile(r"[^\W\d_]+(?:['\u2019][^\W\d_]+)*")
_VOWELS = set("aeiouy")
# Consonant pairs that begin a syllable together (maximal onset, English).
_ONSETS = {
    "bl", "br", "ch", "cl", "cr", "dr", "fl", "fr", "gl", "gr", "kn", "ph", "pl", "pr",
    "qu", "sc", "sh", "sk", "sl", "sm", "sn", "sp", "st", "sw", "th", "tr", "tw", "wh", "wr",
}  # fmt: skip


def syllable_count(word: str) -> int:
    """Sung syllables in ``word``: syllapy's dictionary and rules (MIT), at least 1."""
    import syllapy

    return max(1, int(syllapy.count(word.replace("\u2019", "'"))))


def _vowel_groups(word: str) -> list[tuple[int, int]]:
    """(start, end) of each vowel run; 'y' at the start is a consonant, a final
    silent 'e' (after a consonant, not '-le') joins the previous group."""
    w = word.lower()
    groups: list[tuple[int, int]] = []
    i = 0
    while i < len(w):
        if w[i] in _VOWELS and not (w[i] == "y" and i == 0):
            j = i
            while j < len(w) and w[j] in _VOWELS:
                j += 1
            groups.append((i, j))
            i = j
        else:
            i += 1
    if (
        len(groups) > 1
        and w.endswith("e")
        and groups[-1] == (len(w) - 1, len(w))
        and not (w.endswith("le") and len(w) > 2 and w[-3] not in _VOWELS)
    ):
        groups.pop()
    return groups


def split_orthographic(word: str, n: int) -> list[str]:
    """``word`` cut into ``n`` pieces at syllable-like places (vowel groups; one
    consonant between them starts the next piece, a cluster splits after its
    first letter unless it is a common onset such as "tr"). Only labels and the
    remote server's lyric per note depend on the spelling: the local voice
    speaks whole words and cuts the sound (:func:`split_word`)."""
    if n <= 1 or len(word) <= 1:
        return [word]
    groups = _vowel_groups(word)
    # Too few vowel groups ("rhythm", "idea" as "i-dea"): split the longest group.
    while len(groups) < n:
        k = max(range(len(groups)), key=lambda g: groups[g][1] - groups[g][0]) if groups else -1
        if k < 0 or groups[k][1] - groups[k][0] < 2:
            break
        s, e = groups[k]
        groups[k : k + 1] = [(s, s + 1), (s + 1, e)]
    if len(groups) < 2:
        return [word]
    cuts: list[int] = []
    for (_, end), (start, _) in itertools.pairwise(groups):
        cluster = word[end:start].lower()
        if len(cluster) <= 1:
            cuts.append(end)
        elif cluster[-2:] in _ONSETS:
            cuts.append(start - 2)
        else:
            cuts.append(end + 1)
    pieces = [word[a:b] for a, b in zip([0, *cuts], [*cuts, len(word)], strict=True)]
    while len(pieces) > n:  # more vowel groups than sung syllables: merge the shortest pair
        k = min(range(len(pieces) - 1), key=lambda i: len(pieces[i]) + len(pieces[i + 1]))
        pieces[k : k + 2] = [pieces[k] + pieces[k + 1]]
    return pieces


def syllabify(lyrics: str) -> list[Syllable]:
    """Every sung syllable of ``lyrics`` in order (punctuation and digits are not
    sung; write numbers as words)."""
    out: list[Syllable] = []
    word_index = 0
    line_index = 0
    for raw in lyrics.splitlines():
        words = _WORD.findall(raw)
        if not words:
            continue
        for word in words:
            pieces = split_orthographic(word, syllable_count(word))
            for k, piece in enumerate(pieces):
                out.append(Syllable(piece, word, word_index, line_index, k, len(pieces)))
            word_index += 1
        line_index += 1
    return out


# --- syllables to notes ----------------------------------------------------------


def align(syllables: Sequence[Syllable], notes: Sequence[MelodyNote]) -> list[Assignment]:
    """One note per syllable, in order. A melody with more notes than the lyrics
    have syllables sings the extra ones as melismas spread evenly over the lyrics
    (syllable i takes notes floor(i*N/S) .. floor((i+1)*N/S)-1), so the words span
    the whole tune instead of stopping early or piling up on the last word."""
    s, n = len(syllables), len(notes)
    if s == 0:
        raise ValueError("the lyrics have no words to sing")
    if n < s:
        raise MelodyTooShort(
            f"the melody is shorter than the lyrics: {n} note{'s' * (n != 1)} for "
            f"{s} syllables; give at least one note per syllable"
        )
    ordered = sorted(notes, key=lambda x: x.start_s)
    out: list[Assignment] = []
    for i, syl in enumerate(syllables):
        a, b = (i * n) // s, ((i + 1) * n) // s
        out.append(Assignment(syl, tuple(ordered[a:b]), tuple(range(a, b))))
    return out


def monophonic(notes: Sequence[MelodyNote]) -> list[MelodyNote]:
    """One voice from any notes: the highest of notes starting together, each
    note cut where the next begins (a sung line has one pitch at a time)."""
    by_start: dict[float, MelodyNote] = {}
    for note in notes:
        if note.end_s - note.start_s <= 0:
            continue
        key = round(note.start_s, 4)
        if key not in by_start or note.pitch > by_start[key].pitch:
            by_start[key] = note
    ordered = [by_start[k] for k in sorted(by_start)]
    out: list[MelodyNote] = []
    for i, note in enumerate(ordered):
        end = min(note.end_s, ordered[i + 1].start_s) if i + 1 < len(ordered) else note.end_s
        out.append(MelodyNote(note.start_s, end, note.pitch))
    return out


# --- sound ------------------------------------------------------------------------


def _frames_rms(audio: Audio, hop: int) -> npt.NDArray[np.float64]:
    n = max(1, len(audio) // hop)
    frames = audio[: n * hop].astype(np.float64).reshape(n, hop)
    rms: npt.NDArray[np.float64] = np.sqrt(np.mean(frames**2, axis=1) + 1e-12)
    return rms


def trim(audio: Audio, sr: int, threshold_db: float = -40.0) -> Audio:
    """``audio`` without the leading and trailing silence (relative to its peak)."""
    hop = max(1, sr // 200)
    env = _frames_rms(audio, hop)
    loud = np.flatnonzero(env > env.max() * 10 ** (threshold_db / 20))
    if loud.size == 0:
        return audio
    return audio[loud[0] * hop : min(len(audio), (loud[-1] + 1) * hop)]


def split_word(audio: Audio, sr: int, n: int) -> list[tuple[int, int]]:
    """Sample ranges of ``n`` syllables in one spoken word: cut at the quietest
    moment (smoothed energy) near each of the n-1 evenly spaced points; a
    syllable boundary is an energy dip between two vowels."""
    if n <= 1 or len(audio) < n * sr // 50:
        return [(0, len(audio))]
    hop = max(1, sr // 200)  # 5 ms
    env = np.convolve(_frames_rms(audio, hop), np.ones(5) / 5, mode="same")
    frames = len(env)
    cuts = [0]
    for k in range(1, n):
        centre = k * frames / n
        half = frames / (2.5 * n)
        lo = max(cuts[-1] + 2, int(centre - half))
        hi = min(frames - 2 * (n - k), int(centre + half) + 1)
        cuts.append(int(lo + np.argmin(env[lo:hi])) if hi > lo else int(centre))
    bounds = [c * hop for c in cuts] + [len(audio)]
    return [(bounds[i], bounds[i + 1]) for i in range(n)]


@dataclass(frozen=True)
class Shaped:
    audio: Audio
    lead_s: float  # how long the onset consonant runs before the first note starts


def _interp_frames(
    values: npt.NDArray[np.float64], positions: npt.NDArray[np.float64]
) -> npt.NDArray[np.float64]:
    """Rows of ``values`` at fractional row ``positions`` (linear)."""
    lo = np.floor(positions).astype(int)
    hi = np.minimum(lo + 1, len(values) - 1)
    frac = (positions - lo)[:, None]
    out: npt.NDArray[np.float64] = values[lo] * (1.0 - frac) + values[hi] * frac
    return out


def _body_positions(source: int, target: int, edge: int) -> npt.NDArray[np.float64]:
    """Source frame positions for ``target`` output frames: ``edge`` frames at
    each end one to one, the middle evenly resampled."""
    if target <= 1 or source <= 1:
        return np.zeros(max(1, target))
    edge = min(edge, (source - 1) // 3, (target - 1) // 3)
    if edge <= 0:
        return np.linspace(0, source - 1, target)
    head = np.arange(edge, dtype=np.float64)
    tail = np.arange(source - edge, source, dtype=np.float64)
    middle = np.linspace(edge, source - edge - 1, target - 2 * edge)
    return np.concatenate([head, middle, tail])


def _f0_track(
    notes: Sequence[MelodyNote], times: npt.NDArray[np.float64], vibrato_cents: float
) -> npt.NDArray[np.float64]:
    """Target F0 (Hz) at ``times`` (seconds from the first note's start)."""
    origin = notes[0].start_s
    starts = np.array([n.start_s - origin for n in notes])
    pitches = np.array([float(n.pitch) for n in notes])
    idx = np.clip(np.searchsorted(starts, times, side="right") - 1, 0, len(notes) - 1)
    midi = pitches[idx].copy()
    since = times - starts[idx]
    # A glide from the previous note of the melisma into this one.
    gliding = (idx > 0) & (since < _GLIDE_S)
    prev = pitches[np.maximum(idx - 1, 0)]
    frac = np.clip(since / _GLIDE_S, 0.0, 1.0)
    midi = np.where(gliding, prev + (midi - prev) * frac, midi)
    if vibrato_cents > 0:
        ramp = np.clip((since - _VIBRATO_DELAY_S) / 0.2, 0.0, 1.0)
        midi = midi + ramp * (vibrato_cents / 100.0) * np.sin(2 * np.pi * VIBRATO_HZ * since)
    hz: npt.NDArray[np.float64] = 440.0 * 2.0 ** ((midi - 69.0) / 12.0)
    return hz


def shape_syllable(
    audio: Audio,
    sr: int,
    notes: Sequence[MelodyNote],
    *,
    vibrato_cents: float = VIBRATO_CENTS,
) -> Shaped:
    """Sing spoken ``audio`` (one syllable, mono float) on ``notes`` (one, or a
    melisma): the voiced body fills the notes' span exactly, the onset
    consonant runs ahead of the first note (``lead_s``), F0 follows the notes."""
    import pyworld as pw

    if not notes:
        raise ValueError("a syllable needs at least one note")
    x = np.ascontiguousarray(audio, dtype=np.float64)
    min_len = int(sr * 0.06)
    if len(x) < min_len:  # too short to analyse: pad with silence
        x = np.pad(x, (0, min_len - len(x)))
    period = FRAME_MS
    frame_s = period / 1000.0
    f0, t = pw.dio(x, sr, f0_floor=70.0, f0_ceil=800.0, frame_period=period)
    f0 = pw.stonemask(x, f0, t, sr)
    sp = pw.cheaptrick(x, f0, t, sr)
    ap = pw.d4c(x, f0, t, sr)
    frames = len(f0)
    voiced = np.flatnonzero(f0 > 0)
    if voiced.size == 0:
        # Nothing voiced (a whispered or all-consonant cut): sing the loudest part.
        energy = np.log(np.maximum(sp.mean(axis=1), 1e-20))
        loud = np.flatnonzero(energy > energy.max() - 4.0)
        v0, v1 = int(loud[0]), int(loud[-1]) + 1
    else:
        v0, v1 = int(voiced[0]), int(voiced[-1]) + 1
    max_lead = int(_MAX_LEAD_S / frame_s)
    max_coda = int(_MAX_CODA_S / frame_s)
    h0 = max(0, v0 - max_lead)
    t1 = min(frames, v1 + max_coda)
    span = notes[-1].end_s - notes[0].start_s
    coda = t1 - v1
    # A short note squeezes the coda before the body below its minimum.
    coda = min(coda, max(0, int((span - _MIN_BODY_S) / frame_s)))
    body_out = max(int(_MIN_BODY_S / frame_s), round(span / frame_s) - coda)
    body_src = v1 - v0
    positions = v0 + _body_positions(body_src, body_out, int(_EDGE_S / frame_s))

    # Frames the analysis called unvoiced have aperiodicity near 1 (noise); sung
    # as the body they would hiss instead of holding the pitch, so they take the
    # syllable's typical voiced aperiodicity (or a breathy-but-periodic default).
    voiced_ap = ap[voiced].mean(axis=0) if voiced.size else np.full(ap.shape[1], 0.2)
    body_src_ap = ap.copy()
    body_src_ap[f0 <= 0] = voiced_ap
    log_sp = np.log(np.maximum(sp, 1e-20))
    body_sp = np.exp(_interp_frames(log_sp, positions))
    body_ap = _interp_frames(body_src_ap, positions)
    times = np.arange(body_out, dtype=np.float64) * frame_s
    body_f0 = _f0_track(notes, times, vibrato_cents)
    out_f0 = np.concatenate([f0[h0:v0] * 0.0, body_f0, f0[v1 : v1 + coda] * 0.0])
    out_sp = np.concatenate([sp[h0:v0], body_sp, sp[v1 : v1 + coda]])
    out_ap = np.concatenate([ap[h0:v0], body_ap, ap[v1 : v1 + coda]])
    y = pw.synthesize(
        np.ascontiguousarray(out_f0),
        np.ascontiguousarray(out_sp),
        np.ascontiguousarray(out_ap),
        sr,
        period,
    )
    return Shaped(audio=y.astype(np.float32), lead_s=(v0 - h0) * frame_s)


def _fade(piece: Audio, n_in: int, n_out: int) -> Audio:
    out = piece.copy()
    if n_in > 0:
        n_in = min(n_in, len(out))
        out[:n_in] *= np.sin(np.linspace(0, np.pi / 2, n_in, dtype=np.float32)) ** 2
    if n_out > 0:
        n_out = min(n_out, len(out))
        out[len(out) - n_out :] *= np.cos(np.linspace(0, np.pi / 2, n_out, dtype=np.float32)) ** 2
    return out


def place(
    pieces: Sequence[tuple[Audio, float]], sr: int, seconds: float, fade_s: float = 0.01
) -> Audio:
    """Overlap-add ``(audio, start_s)`` pieces into ``seconds`` of mono audio.
    Every piece gets raised-cosine fades at both ends, so where one syllable's
    onset consonant overlaps the previous one's tail the two crossfade instead
    of clicking."""
    total = max(1, round(seconds * sr))
    out = np.zeros(total, dtype=np.float32)
    fade = max(1, round(fade_s * sr))
    for audio, start_s in pieces:
        start = round(start_s * sr)
        piece = _fade(audio.astype(np.float32), fade, fade)
        if start < 0:
            piece, start = piece[-start:], 0
        end = min(total, start + len(piece))
        if end > start:
            out[start:end] += piece[: end - start]
    return out


def normalize_rms(audio: Audio, target_db: float = -18.0) -> Audio:
    """Scale ``audio`` to ``target_db`` dBFS RMS over its loud part, so syllables
    spoken quietly and loudly sit at one level."""
    if audio.size == 0:
        return audio
    hop = 256
    env = _frames_rms(audio, hop)
    loud = env[env > env.max() * 0.1]
    rms = float(np.sqrt(np.mean(loud**2))) if loud.size else 0.0
    if rms <= 1e-6:
        return audio
    return (audio * (10 ** (target_db / 20) / rms)).astype(np.float32)


def mix_over(
    vocals: Audio,
    backing: npt.NDArray[np.float32],
    *,
    vocal_db: float = 3.0,
    backing_db: float = -6.0,
    ceiling: float = 0.95,
) -> npt.NDArray[np.float32]:
    """Mono ``vocals`` (levelled to -18 dBFS RMS by the singer, +3 dB here: a
    lead sits a little above the bed) centred over ``backing`` (frames x
    channels, the same rate; -6 dB),
    as long as the longer of the two; the sum scaled down (never clipped) when
    its peak passes ``ceiling``."""
    if backing.ndim == 1:
        backing = backing[:, None]
    if backing.shape[1] == 1:
        backing = np.repeat(backing, 2, axis=1)
    n = max(len(vocals), len(backing))
    out = np.zeros((n, backing.shape[1]), dtype=np.float32)
    out[: len(backing)] += backing * np.float32(10 ** (backing_db / 20))
    out[: len(vocals)] += (vocals * np.float32(10 ** (vocal_db / 20)))[:, None]
    peak = float(np.max(np.abs(out))) if out.size else 0.0
    if peak > ceiling:
        out *= np.float32(ceiling / peak)
    return out


# --- melodies from MIDI -------------------------------------------------------------

_MELODY_NAMES = ("vocal", "voice", "melody", "lead", "sing")
_DRUM_CHANNEL = 9


@dataclass(frozen=True)
class MidiMelody:
    notes: list[MelodyNote]  # one voice, by start time
    bpm: float  # the file's first tempo
    track: str  # which track the melody came from
    key: str | None  # the file's key signature ("A minor"), if it has one


class MidiError(ValueError):
    """A MIDI file that cannot be read, or that has no notes to sing."""


def melody_from_midi(path: str) -> MidiMelody:
    """The melody of a Standard MIDI File: the track named like a melody
    ("vocals", "melody", "lead"...), else the pitched track (not channel 10) with
    the highest average pitch among those with 4 or more notes, made monophonic.
    Times follow the file's tempo map (all tempo changes)."""
    import mido

    try:
        mid = mido.MidiFile(path)
    except (OSError, ValueError, EOFError, KeyError, IndexError) as exc:
        raise MidiError(f"not a readable MIDI file ({exc})") from exc
    tempo_changes: list[tuple[int, int]] = []  # (tick, tempo)
    key: str | None = None
    for track in mid.tracks:
        tick = 0
        for msg in track:
            tick += msg.time
            if msg.type == "set_tempo":
                tempo_changes.append((tick, msg.tempo))
            elif msg.type == "key_signature" and key is None:
                sig = str(msg.key)
                key = f"{sig[:-1]} minor" if sig.endswith("m") else f"{sig} major"
    tempo_changes.sort()
    if not tempo_changes or tempo_changes[0][0] != 0:
        tempo_changes.insert(0, (0, 500_000))
    tpb = mid.ticks_per_beat or 480

    def seconds(tick: int) -> float:
        total, last_tick, tempo = 0.0, 0, tempo_changes[0][1]
        for at, new in tempo_changes[1:]:
            if at >= tick:
                break
            total += (at - last_tick) * tempo / 1e6 / tpb
            last_tick, tempo = at, new
        return total + (tick - last_tick) * tempo / 1e6 / tpb

    candidates: list[tuple[str, list[MelodyNote]]] = []
    for number, track in enumerate(mid.tracks):
        tick = 0
        sounding: dict[tuple[int, int], int] = {}
        notes: list[MelodyNote] = []
        drums = True
        for msg in track:
            tick += msg.time
            if msg.type not in ("note_on", "note_off"):
                continue
            drums = drums and msg.channel == _DRUM_CHANNEL
            k = (msg.channel, msg.note)
            if msg.type == "note_on" and msg.velocity > 0:
                sounding[k] = tick
            elif k in sounding:
                start = sounding.pop(k)
                notes.append(MelodyNote(seconds(start), seconds(tick), float(msg.note)))
        if notes and not drums:
            candidates.append((track.name or f"track {number + 1}", notes))
    if not candidates:
        raise MidiError("the MIDI file has no notes (outside the drum channel) to sing")
    named = [c for c in candidates if any(w in c[0].lower() for w in _MELODY_NAMES)]
    if named:
        name, notes = named[0]
    else:
        enough = [c for c in candidates if len(c[1]) >= 4] or candidates
        name, notes = max(enough, key=lambda c: sum(n.pitch for n in c[1]) / len(c[1]))
    return MidiMelody(
        notes=monophonic(notes), bpm=float(mido.tempo2bpm(tempo_changes[0][1])), track=name,
        key=key,
    )  # fmt: skip


def transposed(notes: Sequence[MelodyNote], semitones: float) -> list[MelodyNote]:
    return [MelodyNote(n.start_s, n.end_s, n.pitch + semitones) for n in notes]


def retimed(notes: Sequence[MelodyNote], factor: float) -> list[MelodyNote]:
    """Every time multiplied by ``factor`` (old bpm / new bpm)."""
    return [MelodyNote(n.start_s * factor, n.end_s * factor, n.pitch) for n in notes]
