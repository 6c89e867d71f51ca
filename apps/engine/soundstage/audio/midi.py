"""Standard MIDI Files, with mido (MIT): our arrangements out and back, any
file's notes in, and the checks an upload gets.

Public API (stable)::

    write_midi(arrangement, path) -> Path    # type 1: a tempo track, then one track per part
    read_midi(path) -> Arrangement-like tracks {name: [Note]} and the bpm
    read_midi_notes(path) -> (pitched, drums)  # any file, its whole tempo map applied
    check_midi(path, max_seconds) -> seconds   # UndecodableError for corrupt or over-long

The file has a conductor track (tempo, 4/4, key signature), then one track per
part named after it, with its General MIDI program; drums go on channel 10.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import mido

from soundstage.audio.decode import UndecodableError
from soundstage.audio.notes import Note

if TYPE_CHECKING:
    # only a type here: reading or checking a MIDI upload must not load the composer
    from soundstage.audio.compose import Arrangement

TICKS_PER_BEAT = 480
DRUM_CHANNEL = 9  # "channel 10" counting from 1


def _mido_key(arrangement: Arrangement) -> str:
    name = arrangement.key
    return f"{name}m" if arrangement.mode == "minor" else name


def write_midi(arrangement: Arrangement, path: Path) -> Path:
    """Write ``arrangement`` as a type-1 MIDI file at ``path``."""
    mid = mido.MidiFile(type=1, ticks_per_beat=TICKS_PER_BEAT)
    conductor = mido.MidiTrack()
    conductor.append(mido.MetaMessage("track_name", name="conductor", time=0))
    conductor.append(mido.MetaMessage("set_tempo", tempo=mido.bpm2tempo(arrangement.bpm), time=0))
    conductor.append(mido.MetaMessage("time_signature", numerator=4, denominator=4, time=0))
    try:
        conductor.append(mido.MetaMessage("key_signature", key=_mido_key(arrangement), time=0))
    except ValueError:
        pass  # a spelling mido does not know; the key is in the track names' piece anyway
    end_tick = _ticks(arrangement.duration_s, arrangement.bpm)
    conductor.append(mido.MetaMessage("end_of_track", time=end_tick))
    mid.tracks.append(conductor)

    channels = iter(c for c in range(16) if c != DRUM_CHANNEL)
    for part, notes in arrangement.tracks.items():
        track = mido.MidiTrack()
        track.append(mido.MetaMessage("track_name", name=part, time=0))
        if part == "drums":
            channel = DRUM_CHANNEL
        else:
            channel = next(channels)
            program = arrangement.programs.get(part, 0)
            track.append(mido.Message("program_change", channel=channel, program=program, time=0))
        events: list[tuple[int, int, mido.Message]] = []
        for n in notes:
            on = _ticks(n.start_s, arrangement.bpm)
            off = max(on + 1, _ticks(n.end_s, arrangement.bpm))
            pitch = min(127, max(0, n.pitch))
            # Offs sort before ons at the same tick, so repeated notes retrigger.
            events.append(
                (off, 0, mido.Message("note_off", channel=channel, note=pitch, velocity=0))
            )
            events.append(
                (on, 1, mido.Message("note_on", channel=channel, note=pitch, velocity=n.velocity))
            )
        events.sort(key=lambda e: (e[0], e[1]))
        now = 0
        for tick, _, msg in events:
            track.append(msg.copy(time=tick - now))
            now = tick
        track.append(mido.MetaMessage("end_of_track", time=max(0, end_tick - now)))
        mid.tracks.append(track)
    path.parent.mkdir(parents=True, exist_ok=True)
    mid.save(str(path))
    return path


def _ticks(seconds: float, bpm: float) -> int:
    return round(seconds * bpm / 60.0 * TICKS_PER_BEAT)


def read_midi(path: Path) -> tuple[float, dict[str, list[Note]]]:
    """(bpm, {track name: notes}) from a file this module wrote (single tempo)."""
    mid = mido.MidiFile(str(path))
    tempo = 500_000
    for msg in mid.tracks[0]:
        if msg.type == "set_tempo":
            tempo = msg.tempo
            break
    bpm = mido.tempo2bpm(tempo)
    seconds_per_tick = tempo / 1e6 / mid.ticks_per_beat
    parts: dict[str, list[Note]] = {}
    for track in mid.tracks[1:]:
        name = track.name or f"track{len(parts)}"
        notes: list[Note] = []
        sounding: dict[int, tuple[float, int]] = {}
        tick = 0
        for msg in track:
            tick += msg.time
            t = tick * seconds_per_tick
            if msg.type == "note_on" and msg.velocity > 0:
                sounding[msg.note] = (t, msg.velocity)
            elif msg.type in ("note_off", "note_on") and msg.note in sounding:
                start, vel = sounding.pop(msg.note)
                notes.append(Note(start, t, msg.note, vel))
        parts[name] = sorted(notes, key=lambda n: (n.start_s, n.pitch))
    return float(bpm), parts


def _load_midi(path: Path) -> Any:
    try:
        return mido.MidiFile(str(path))
    except Exception as exc:  # any parser failure means "corrupt"
        why = "the file ends too early" if isinstance(exc, EOFError) else str(exc)
        raise UndecodableError(f"the MIDI file does not parse: {why}") from exc


def midi_seconds(midi: Any) -> float:
    try:
        return float(midi.length)
    except Exception as exc:  # type 2 (asynchronous) files have no length
        raise UndecodableError(f"the MIDI file has no playable length: {exc}") from exc


def check_midi(path: Path, max_seconds: float) -> float:
    """Parse a MIDI file; return its length, refusing a corrupt or over-long one."""
    seconds = midi_seconds(_load_midi(path))
    if seconds > max_seconds:
        raise UndecodableError(
            f"the MIDI file lasts {seconds:.1f} s; at most {max_seconds:g} s is allowed"
        )
    return seconds


def read_midi_notes(path: Path) -> tuple[list[Note], list[Note]]:
    """(pitched notes, drum notes) of any MIDI file, in seconds with its whole
    tempo map applied (:func:`read_midi` reads only our own
    single-tempo files). Drums are the notes on channel 10."""
    midi = _load_midi(path)
    midi_seconds(midi)  # refuse type 2 files the same way
    pitched: list[Note] = []
    drums: list[Note] = []
    sounding: dict[tuple[int, int], list[tuple[float, int]]] = {}
    now = 0.0

    def finish(channel: int, pitch: int, start: float, velocity: int, end: float) -> None:
        note = Note(start, max(end, start + 0.01), pitch, velocity)
        (drums if channel == 9 else pitched).append(note)

    # Iterating a MidiFile merges the tracks and converts delta ticks to
    # seconds through the tempo map.
    for msg in midi:
        now += float(msg.time)
        if msg.type == "note_on" and msg.velocity > 0:
            sounding.setdefault((msg.channel, msg.note), []).append((now, int(msg.velocity)))
        elif msg.type in ("note_off", "note_on"):
            started = sounding.get((msg.channel, msg.note))
            if started:
                start, velocity = started.pop(0)
                finish(msg.channel, msg.note, start, velocity, now)
    for (channel, pitch), starts in sounding.items():  # never released: end with the file
        for start, velocity in starts:
            finish(channel, pitch, start, velocity, now)
    pitched.sort(key=lambda n: (n.start_s, n.pitch))
    drums.sort(key=lambda n: (n.start_s, n.pitch))
    return pitched, drums
