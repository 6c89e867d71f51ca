"""MusicGen-melody: music conditioned on a melody's chroma and a text prompt.

Used by ``hum_to_beat`` when ``SOUNDSTAGE_MUSICGEN_MELODY_MODEL_DIR`` names a
local checkpoint saved with ``save_pretrained`` (model and tokenizer, such as a
copy of ``facebook/musicgen-melody``); needs the musicgen extra (torch and
transformers). Nothing is ever downloaded: loading is ``local_files_only``.

The melody enters the model as a one-hot chromagram: for each frame, the
loudest of the 12 pitch classes. transformers computes it in
``MusicgenMelodyFeatureExtractor``, which needs torchaudio (not in the extra, a
second large wheel pinned to torch's version); :func:`melody_chroma` computes the
same thing with librosa, from the checkpoint's ``preprocessor_config.json`` when
it has one.

Public API::

    melody_model(model_dir, device="auto", dtype="auto") -> MusicgenMelody
        # shared per process, directory and placement (SOUNDSTAGE_TORCH_DEVICE/_DTYPE)
    MusicgenMelody.generate(melody, sr, prompt, duration_s, seed, out_dir) -> GeneratedTrack
    melody_chroma(audio, sr, config) -> (frames, chroma) one-hot float32
"""

from __future__ import annotations

import asyncio
import json
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from soundstage.errors import PermanentError
from soundstage.providers.base import provider_call
from soundstage.providers.loops import PerLoop
from soundstage.providers.music.base import GeneratedTrack
from soundstage.providers.music.musicgen import (
    GUIDANCE_SCALE,
    extra_installed,
    load_error,
    to_placement,
    write_generated,
)
from soundstage.providers.torch_device import (
    DeviceUnavailable,
    TorchPlacement,
    out_of_memory_is_retryable,
    placement_for,
)

SETTING = "SOUNDSTAGE_MUSICGEN_MELODY_MODEL_DIR"


@dataclass(frozen=True)
class ChromaConfig:
    """``MusicgenMelodyFeatureExtractor``'s parameters, with its defaults."""

    sampling_rate: int = 32_000
    n_fft: int = 16_384
    hop_length: int = 4_096
    chunk_length: int = 30  # seconds of melody the model reads at most

    @classmethod
    def from_dir(cls, model_dir: Path) -> ChromaConfig:
        path = model_dir / "preprocessor_config.json"
        if not path.is_file():
            return cls()
        saved = json.loads(path.read_text())
        return cls(**{k: int(saved[k]) for k in cls.__dataclass_fields__ if k in saved})


def melody_chroma(
    audio: npt.NDArray[np.float32], sr: int, config: ChromaConfig, num_chroma: int = 12
) -> npt.NDArray[np.float32]:
    """The one-hot chromagram MusicGen-melody is conditioned on, (frames, num_chroma):
    power spectrogram (Hann window, centred, reflect padding), chroma filter
    bank, then 1 at each frame's loudest pitch class and 0 elsewhere."""
    import librosa
    from transformers.audio_utils import chroma_filter_bank

    y = np.asarray(audio, dtype=np.float32)
    if sr != config.sampling_rate:
        y = librosa.resample(y, orig_sr=sr, target_sr=config.sampling_rate)
    y = y[: config.chunk_length * config.sampling_rate]
    if len(y) < config.n_fft:  # as the extractor does: centre a short clip in silence
        pad = config.n_fft - len(y)
        y = np.pad(y, (pad // 2, pad - pad // 2))
    spec = (
        np.abs(
            librosa.stft(
                y, n_fft=config.n_fft, hop_length=config.hop_length, window="hann",
                center=True, pad_mode="reflect",
            )
        )
        ** 2
    )  # fmt: skip
    filters = chroma_filter_bank(
        sampling_rate=config.sampling_rate,
        num_frequency_bins=config.n_fft,
        tuning=0,
        num_chroma=num_chroma,
    )
    raw = filters @ spec  # (chroma, frames)
    one_hot = np.zeros((raw.shape[1], num_chroma), dtype=np.float32)
    one_hot[np.arange(raw.shape[1]), np.argmax(raw, axis=0)] = 1.0
    return one_hot


class MusicgenMelody:
    name = "musicgen_melody"
    concurrency = 1

    def __init__(self, model_dir: Path, *, device: str = "auto", dtype: str = "auto") -> None:
        self.model_dir = Path(model_dir).expanduser()
        self.device_setting, self.dtype_setting = device, dtype
        self._slots = PerLoop(lambda: asyncio.Semaphore(self.concurrency))
        self._load_lock = threading.Lock()
        self._loaded: tuple[Any, Any, ChromaConfig, TorchPlacement] | None = None

    def __repr__(self) -> str:
        return f"MusicgenMelody(model_dir={str(self.model_dir)!r})"

    def check(self) -> None:
        """PermanentError naming the fix unless the extra and a checkpoint are there."""
        if not extra_installed():
            raise PermanentError(
                "MusicGen-melody needs torch and transformers: pip install 'soundstage[musicgen]'"
            )
        if not (self.model_dir / "config.json").is_file():
            raise PermanentError(
                f"no MusicGen-melody model in {self.model_dir} (config.json missing): point "
                f"{SETTING} at a directory saved with save_pretrained"
            )

    def _load(self) -> tuple[Any, Any, ChromaConfig, TorchPlacement]:
        with self._load_lock:
            if self._loaded is None:
                self.check()
                try:
                    where = placement_for(self.device_setting, self.dtype_setting)
                except DeviceUnavailable as exc:
                    raise PermanentError(str(exc)) from exc
                from transformers import AutoTokenizer, MusicgenMelodyForConditionalGeneration

                try:
                    tokenizer = AutoTokenizer.from_pretrained(
                        str(self.model_dir), local_files_only=True
                    )
                    model = MusicgenMelodyForConditionalGeneration.from_pretrained(
                        str(self.model_dir), local_files_only=True
                    )
                    chroma = ChromaConfig.from_dir(self.model_dir)
                except (OSError, ValueError, TypeError, KeyError) as exc:
                    raise load_error(exc, self.model_dir, SETTING, "MusicGen-melody") from exc
                with out_of_memory_is_retryable(where.device, "loading MusicGen-melody"):
                    model = to_placement(model, where)
                self._loaded = (tokenizer, model, chroma, where)
            return self._loaded

    async def generate(
        self,
        melody: npt.NDArray[np.float32],
        sr: int,
        prompt: str,
        duration_s: float,
        seed: int,
        out_dir: Path,
    ) -> GeneratedTrack:
        """``duration_s`` of music following ``melody`` (mono, at ``sr``), as a new
        WAV under ``out_dir``. Blocking work runs in a thread, one at a time."""
        self.check()  # fail fast, before waiting for a slot
        async with self._slots.get(), provider_call(self.name):
            return await asyncio.to_thread(
                self._generate, melody, sr, prompt, duration_s, seed, out_dir
            )

    def _generate(
        self,
        melody: npt.NDArray[np.float32],
        sr: int,
        prompt: str,
        duration_s: float,
        seed: int,
        out_dir: Path,
    ) -> GeneratedTrack:
        import torch

        tokenizer, model, chroma_config, where = self._load()
        chroma = melody_chroma(melody, sr, chroma_config, int(model.config.num_chroma))
        chroma = chroma[: int(model.config.chroma_length)]
        audio_cfg = model.config.audio_encoder
        sample_rate = int(audio_cfg.sampling_rate)
        # The codebook delay pattern costs a few frames; ask for them on top.
        tokens = int(np.ceil(duration_s * float(audio_cfg.frame_rate))) + int(
            model.config.decoder.num_codebooks
        )
        inputs = tokenizer([prompt], padding=True, return_tensors="pt").to(where.device)
        features = torch.from_numpy(chroma)[None].to(where.device, where.torch_dtype())
        torch.manual_seed(seed)
        with out_of_memory_is_retryable(where.device, "MusicGen-melody"), torch.inference_mode():
            values = model.generate(
                **inputs,
                input_features=features,
                do_sample=True,
                guidance_scale=GUIDANCE_SCALE,
                max_new_tokens=tokens,
            )
        path = write_generated(values, out_dir, self.name, sample_rate)
        return GeneratedTrack(
            path=path,
            metadata={
                "seed": seed,
                "prompt": prompt,
                "sample_rate": sample_rate,
                "chroma_frames": len(chroma),
                "device": where.device,
                "dtype": where.dtype,
                "model": model.config.name_or_path or str(self.model_dir),
            },
        )


_lock = threading.Lock()
_instances: dict[tuple[Path, str, str], MusicgenMelody] = {}


def melody_model(model_dir: Path, *, device: str = "auto", dtype: str = "auto") -> MusicgenMelody:
    """The process's one instance for ``model_dir`` on a placement (the model loads once)."""
    key = (Path(model_dir).expanduser(), device, dtype)
    with _lock:
        if key not in _instances:
            _instances[key] = MusicgenMelody(key[0], device=device, dtype=dtype)
        return _instances[key]
