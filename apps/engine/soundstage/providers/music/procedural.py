"""``procedural``: the local composer and synthesizer, with a MIDI file beside the audio."""

from __future__ import annotations

import asyncio
import os
import secrets
from pathlib import Path

from soundstage.audio.compose import compose
from soundstage.audio.midi import write_midi
from soundstage.audio.render import render_arrangement
from soundstage.audio.wav import write_wav
from soundstage.errors import PermanentError
from soundstage.providers.base import provider_call
from soundstage.providers.loops import PerLoop
from soundstage.providers.music.base import GeneratedTrack, MusicRequest, new_output_path

DEFAULT_BPM = 110
SAMPLE_RATE = 44100


class ProceduralMusicProvider:
    name = "procedural"

    def __init__(self, concurrency: int | None = None) -> None:
        # CPU-bound numpy in threads: one render per core is all that helps.
        self.concurrency = concurrency or max(1, os.cpu_count() or 1)
        self._slots = PerLoop(lambda: asyncio.Semaphore(self.concurrency))

    async def generate(self, request: MusicRequest, out_dir: Path) -> list[GeneratedTrack]:
        seed = request.seed if request.seed is not None else secrets.randbelow(2**31)
        bpm = request.bpm or DEFAULT_BPM
        async with self._slots.get(), provider_call(self.name):
            try:
                return [await asyncio.to_thread(self._make, request, bpm, seed, out_dir)]
            except ValueError as exc:  # a key the composer cannot read, and the like
                raise PermanentError(f"procedural music: {exc}") from exc

    def _make(self, request: MusicRequest, bpm: int, seed: int, out_dir: Path) -> GeneratedTrack:
        arrangement = compose(bpm, request.duration_s, request.mood, request.key, seed)
        audio = render_arrangement(arrangement, SAMPLE_RATE)
        wav = write_wav(new_output_path(out_dir, self.name, "wav"), audio, SAMPLE_RATE)
        midi = write_midi(arrangement, wav.with_suffix(".mid"))
        return GeneratedTrack(
            path=wav,
            midi_path=midi,
            metadata={
                "bpm": bpm,
                "key": arrangement.key_name,
                "mood": arrangement.mood,
                "seed": seed,
                "sample_rate": SAMPLE_RATE,
            },
        )
