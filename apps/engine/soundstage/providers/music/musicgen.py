"""``musicgen``: Meta's MusicGen through Hugging Face transformers, from a local directory.

Needs the optional extra (``pip install 'soundstage[musicgen]'``: torch and
transformers) and ``SOUNDSTAGE_MUSICGEN_MODEL_DIR``, a directory holding a
checkpoint saved with ``save_pretrained`` (model and processor), such as a copy
of ``facebook/musicgen-small``. Nothing is ever downloaded: loading is
``local_files_only``.

The model loads once per process, on first use, and generation runs in a
thread, one at a time (a generation already uses every core).
"""

from __future__ import annotations

import asyncio
import importlib.util
import secrets
import threading
from pathlib import Path
from typing import Any

import numpy as np

from soundstage.audio.wav import write_wav
from soundstage.errors import PermanentError
from soundstage.providers.base import provider_call
from soundstage.providers.loops import PerLoop
from soundstage.providers.music.base import GeneratedTrack, MusicRequest, new_output_path

GUIDANCE_SCALE = 3.0  # MusicGen's own default: classifier-free guidance on the text


def extra_installed() -> bool:
    return all(importlib.util.find_spec(m) is not None for m in ("torch", "transformers"))


def write_generated(values: Any, out_dir: Path, name: str, sample_rate: int) -> Path:
    """The first of a MusicGen ``generate()`` batch as a WAV: NaNs zeroed and,
    only if it clips, scaled down to full scale."""
    audio = values[0].float().cpu().numpy()  # (channels, samples)
    audio = np.nan_to_num(audio.T if audio.ndim == 2 else audio)
    peak = float(np.max(np.abs(audio))) if audio.size else 0.0
    if peak > 1.0:
        audio = audio / peak
    return write_wav(new_output_path(out_dir, name, "wav"), audio.astype(np.float32), sample_rate)


class MusicgenProvider:
    name = "musicgen"
    concurrency = 1

    def __init__(self, model_dir: Path) -> None:
        self.model_dir = Path(model_dir).expanduser()
        self._slots = PerLoop(lambda: asyncio.Semaphore(self.concurrency))
        self._load_lock = threading.Lock()
        self._loaded: tuple[Any, Any] | None = None

    def __repr__(self) -> str:
        return f"MusicgenProvider(model_dir={str(self.model_dir)!r})"

    def _check(self) -> None:
        if not extra_installed():
            raise PermanentError(
                "the musicgen provider needs torch and transformers: "
                "pip install 'soundstage[musicgen]'"
            )
        if not (self.model_dir / "config.json").is_file():
            raise PermanentError(
                f"no MusicGen model in {self.model_dir} (config.json missing): point "
                "SOUNDSTAGE_MUSICGEN_MODEL_DIR at a directory saved with save_pretrained"
            )

    def _load(self) -> tuple[Any, Any]:
        with self._load_lock:
            if self._loaded is None:
                self._check()
                from transformers import AutoProcessor, MusicgenForConditionalGeneration

                try:
                    processor = AutoProcessor.from_pretrained(  # type: ignore[no-untyped-call, unused-ignore]
                        str(self.model_dir), local_files_only=True
                    )
                    model = MusicgenForConditionalGeneration.from_pretrained(
                        str(self.model_dir), local_files_only=True
                    )
                except (OSError, ValueError) as exc:
                    raise PermanentError(
                        f"could not load MusicGen from {self.model_dir}: {exc}"
                    ) from exc
                model.eval()  # type: ignore[no-untyped-call, unused-ignore]
                self._loaded = (processor, model)
            return self._loaded

    async def generate(self, request: MusicRequest, out_dir: Path) -> list[GeneratedTrack]:
        self._check()  # fail fast, before waiting for a slot
        seed = request.seed if request.seed is not None else secrets.randbelow(2**31)
        async with self._slots.get(), provider_call(self.name):
            return [await asyncio.to_thread(self._generate, request, seed, out_dir)]

    def _generate(self, request: MusicRequest, seed: int, out_dir: Path) -> GeneratedTrack:
        import torch

        processor, model = self._load()
        audio_cfg = model.config.audio_encoder
        sample_rate = int(audio_cfg.sampling_rate)
        frame_rate = float(audio_cfg.frame_rate)
        # The codebook delay pattern costs a few frames; ask for them on top.
        tokens = int(np.ceil(request.duration_s * frame_rate)) + int(
            model.config.decoder.num_codebooks
        )
        prompt = request.description()
        inputs = processor(text=[prompt], padding=True, return_tensors="pt")
        torch.manual_seed(seed)
        with torch.inference_mode():
            values = model.generate(
                **inputs, do_sample=True, guidance_scale=GUIDANCE_SCALE, max_new_tokens=tokens
            )
        path = write_generated(values, out_dir, self.name, sample_rate)
        return GeneratedTrack(
            path=path,
            metadata={
                "seed": seed,
                "prompt": prompt,
                "sample_rate": sample_rate,
                "model": model.config.name_or_path or str(self.model_dir),
            },
        )
