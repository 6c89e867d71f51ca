"""``local``: offline voices from pip packages, the default provider.

hibari's bundled American female voice is always there; Piper's Joe (American
male) joins it when the GPL ``piper`` extra is installed, so a fresh ``make run``
narrates a two-voice book with no key and no network.

Synthesis is CPU-bound, so it runs on this provider's own thread pool: the event
loop (and with it the worker's lease heartbeats) keeps running meanwhile.
"""

from __future__ import annotations

import asyncio
import logging
import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from soundstage.errors import PermanentError
from soundstage.providers.base import provider_call
from soundstage.providers.loops import PerLoop
from soundstage.providers.tts import local_hibari, local_piper
from soundstage.providers.tts.base import (
    Synthesis,
    Voice,
    check_text,
    new_output_path,
    strip_prefix,
)

log = logging.getLogger(__name__)


def _usable_cores() -> int:
    # The cores this process may run on (a container's share), not the host's count.
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # macOS, Windows
        return os.cpu_count() or 1


class LocalTTSProvider:
    name = "local"
    label = "local TTS"
    # Both engines split text into sentences themselves; chunks of a few hundred
    # characters keep checkpoints frequent and a failed chunk cheap to redo.
    max_chars = 1000
    preferred_chars = 500

    def __init__(self, *, threads: int = 1, concurrency: int | None = None) -> None:
        self.threads = threads
        self.concurrency = concurrency or max(1, _usable_cores() // threads)
        self._executor = ThreadPoolExecutor(
            max_workers=self.concurrency, thread_name_prefix="soundstage-tts"
        )
        self._slots = PerLoop(lambda: asyncio.Semaphore(self.concurrency))

    def __repr__(self) -> str:
        return f"LocalTTSProvider(threads={self.threads}, concurrency={self.concurrency})"

    async def voices(self) -> list[Voice]:
        # find_spec and a directory listing: cheap, but still off the loop.
        return await asyncio.to_thread(self._voices)

    def _voices(self) -> list[Voice]:
        hibari = local_hibari.available()
        voices = [
            Voice(f"local:{v.voice_id}", v.name, self.name, v.language, v.gender) for v in hibari
        ]
        if local_piper.available():
            piper = Voice(
                f"local:{local_piper.VOICE_ID}",
                local_piper.NAME,
                self.name,
                local_piper.LANGUAGE,
                local_piper.GENDER,
            )
            # bundled hibari, piper, then hibari voices found in hibari's cache
            voices.insert(min(1, len(voices)), piper)
        return voices

    async def synthesize(
        self,
        text: str,
        voice: str,
        out_dir: Path,
        *,
        previous_text: str | None = None,
        next_text: str | None = None,
        previous_request_ids: list[str] | None = None,
        instructions: str | None = None,
    ) -> Synthesis:
        voice = strip_prefix(self.name, voice)
        check_text(self.label, text, self.max_chars)
        target = new_output_path(out_dir, self.name, "wav")
        if voice == local_piper.VOICE_ID:
            if not await asyncio.to_thread(local_piper.available):
                raise PermanentError(
                    f"the voice 'local:{voice}' needs the piper extra: "
                    "pip install 'soundstage[piper]' (make run installs it)"
                )
            threads = self.threads

            def run() -> int:
                return local_piper.synthesize_to(target, text, threads)
        else:
            hibari = {v.voice_id: v for v in await asyncio.to_thread(local_hibari.available)}
            found = hibari.get(voice)
            if found is None:
                names = ", ".join(v.id for v in await self.voices()) or "none"
                raise PermanentError(f"no local voice 'local:{voice}'; available: {names}")
            threads = self.threads

            def run() -> int:
                return local_hibari.synthesize_to(target, text, found, threads)

        async with self._slots.get(), provider_call(self.name):
            loop = asyncio.get_running_loop()
            try:
                rate = await loop.run_in_executor(self._executor, run)
            except (RuntimeError, ValueError, OSError) as exc:
                # onnxruntime and the phonemizers raise these on input they cannot
                # handle; another attempt would fail the same way.
                log.exception("local synthesis failed (voice %s)", voice)
                raise PermanentError(
                    f"local TTS could not speak this text with 'local:{voice}': {exc}"
                ) from exc
        return Synthesis(path=target, sample_rate=rate, request_id=None)

    def cost_per_million_chars(self) -> float | None:
        return 0.0
