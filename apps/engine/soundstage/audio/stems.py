"""Stem separation: drums, bass, vocals and other, one WAV per stem.

Demucs is used when its optional package is importable *and* a model directory
is configured (``SOUNDSTAGE_DEMUCS_MODEL_DIR``): weights are never downloaded
(see :func:`load_demucs` for the directory's layout). A configured directory
that holds no loadable model is a permanent job error naming the setting, not
a silent fallback.
Otherwise a built-in DSP separation, labelled ``dsp-hpss`` in ``stems.json``:

* harmonic/percussive split of the mid signal (median-filter HPSS, soft masks);
* drums = the percussive part;
* bass = the harmonic part below ~180 Hz;
* vocals = the harmonic part between 200 Hz and 5 kHz that sits in the centre
  of a stereo mix (left and right alike in level and phase);
* other = the rest of the harmonic part.

The masks sum to one in every time-frequency bin, so the stems add back up to
the mix. It is a rough separation: a centred pad lands in vocals, and a mono
mix has no centre to find vocals by, so its vocals stem is silent (said so in
the metadata).
"""

from __future__ import annotations

import importlib.util
import json
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from soundstage.audio.wav import read_wav, write_wav
from soundstage.errors import PermanentError

STEMS = ("drums", "bass", "vocals", "other")
SAMPLE_RATE = 44_100
N_FFT = 2048
HOP = 512
BASS_CUTOFF_HZ = 180.0
VOCAL_BAND_HZ = (200.0, 5000.0)

Audio = npt.NDArray[np.float32]  # (channels, samples)


@dataclass
class StemsResult:
    method: str  # "dsp-hpss" or "demucs:<model>"
    sample_rate: int
    channels: int
    seconds: float
    stems: dict[str, str]  # stem -> file name
    processing_seconds: float
    notes: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def demucs_available(model_dir: Path | None) -> bool:
    return model_dir is not None and importlib.util.find_spec("demucs") is not None


def _ramp(freqs: npt.NDArray[np.float64], lo: float, hi: float) -> npt.NDArray[np.float64]:
    """0 below ``lo``, 1 above ``hi``, a raised-cosine between: soft band edges
    keep the masks from ringing."""
    t = np.clip((freqs - lo) / (hi - lo), 0.0, 1.0)
    return np.asarray(0.5 - 0.5 * np.cos(np.pi * t))


def separate(audio: Audio, sr: int) -> tuple[dict[str, Audio], list[str]]:
    """The DSP separation of ``audio`` (channels, samples); returns each stem at
    the input's shape, and notes on what it could not do."""
    import librosa

    notes: list[str] = []
    channels, n = audio.shape
    specs = np.stack([librosa.stft(ch, n_fft=N_FFT, hop_length=HOP) for ch in audio])
    mid = specs.mean(axis=0)
    # Soft Wiener-style masks (power 2) that sum to one, from the mid magnitude:
    # every channel is split the same way, so the stereo image survives.
    harmonic, percussive = librosa.decompose.hpss(np.abs(mid), mask=True, margin=1.0)
    freqs = librosa.fft_frequencies(sr=sr, n_fft=N_FFT)[:, None]
    low = 1.0 - _ramp(freqs, BASS_CUTOFF_HZ * 0.8, BASS_CUTOFF_HZ * 1.25)
    band = _ramp(freqs, VOCAL_BAND_HZ[0] * 0.8, VOCAL_BAND_HZ[0] * 1.2) * (
        1.0 - _ramp(freqs, VOCAL_BAND_HZ[1] * 0.8, VOCAL_BAND_HZ[1] * 1.2)
    )
    if channels >= 2:
        left, right = specs[0], specs[1]
        # Panning/coherence index (Avendano & Jot): 1 where left and right agree
        # in level and phase (the centre), towards 0 for panned or wide sound.
        cross = np.real(left * np.conj(right))
        power = np.abs(left) ** 2 + np.abs(right) ** 2 + 1e-12
        centre = np.clip(2.0 * cross / power, 0.0, 1.0) ** 4
    else:
        centre = np.zeros_like(harmonic)
        notes.append("mono input: no stereo centre to find vocals by; the vocals stem is silent")
    vocal = harmonic * (1.0 - low) * band * centre
    masks = {
        "drums": percussive,
        "bass": harmonic * low,
        "vocals": vocal,
        "other": harmonic * (1.0 - low) - vocal,
    }
    stems: dict[str, Audio] = {}
    for name, mask in masks.items():
        out = librosa.istft(specs * mask[None], hop_length=HOP, n_fft=N_FFT, length=n)
        stems[name] = out.astype(np.float32)
    return stems, notes


def separate_long(
    audio: Audio, sr: int, *, block_s: float = 30.0, context_s: float = 2.0
) -> tuple[dict[str, Audio], list[str]]:
    """:func:`separate` in blocks, so memory stays bounded for a long track.
    Each block is separated with ``context_s`` of its neighbours on both sides
    and only its middle kept: HPSS's median filters span well under a second,
    so the masks at a seam agree and the blocks join without clicks."""
    n = audio.shape[1]
    block, context = int(block_s * sr), int(context_s * sr)
    if n <= block + 2 * context:
        return separate(audio, sr)
    stems = {name: np.zeros_like(audio) for name in STEMS}
    notes: list[str] = []
    for start in range(0, n, block):
        lo, hi = max(0, start - context), min(n, start + block + context)
        part, notes = separate(audio[:, lo:hi], sr)
        end = min(n, start + block)
        for name in STEMS:
            stems[name][:, start:end] = part[name][:, start - lo : end - lo]
    return stems, notes


def _write_stem(path: Path, audio: Audio, sr: int) -> None:
    peak = float(np.max(np.abs(audio))) if audio.size else 0.0
    # A stem can overshoot the mix slightly where masks and phase disagree.
    if peak > 1.0:
        audio = audio / peak
    write_wav(path, audio.T, sr, bits=24)


def separate_wav(
    source: Path, out_dir: Path, *, demucs_model_dir: Path | None = None, demucs_device: str = "cpu"
) -> StemsResult:
    """Separate a decoded WAV into ``out_dir/<stem>.wav`` plus ``stems.json``.
    Blocking: call it in a thread. ``demucs_device`` is a resolved torch device
    ("cpu", "cuda:0", ...; the caller resolves SOUNDSTAGE_TORCH_DEVICE)."""
    started = time.perf_counter()
    audio, sr = read_wav(source)
    out_dir.mkdir(parents=True, exist_ok=True)
    if demucs_available(demucs_model_dir):
        assert demucs_model_dir is not None
        stems, method, notes = _demucs(audio, sr, demucs_model_dir, demucs_device)
    else:
        stems, notes = separate_long(audio, sr)
        method = "dsp-hpss"
    files: dict[str, str] = {}
    for name in STEMS:
        _write_stem(out_dir / f"{name}.wav", stems[name], sr)
        files[name] = f"{name}.wav"
    result = StemsResult(
        method=method,
        sample_rate=sr,
        channels=audio.shape[0],
        seconds=round(audio.shape[1] / sr, 3),
        stems=files,
        processing_seconds=round(time.perf_counter() - started, 3),
        notes=notes,
    )
    (out_dir / "stems.json").write_text(json.dumps(result.to_json(), indent=2))
    return result


DEMUCS_SETTING = "SOUNDSTAGE_DEMUCS_MODEL_DIR"
_demucs_lock = threading.Lock()
_demucs_models: dict[tuple[Path, str], tuple[Any, str]] = {}


def _demucs_name(model_dir: Path) -> str:
    """What to load from ``model_dir``: the ``htdemucs`` bag when its YAML is
    there, else the only bag (``<name>.yaml``), else the only single model
    (``<signature>[-<checksum>].th``), as in Demucs' own model repository."""
    bags = sorted(f.stem for f in model_dir.glob("*.yaml"))
    singles = sorted(f.stem.rsplit("-", 1)[0] for f in model_dir.glob("*.th"))
    if "htdemucs" in bags:
        return "htdemucs"
    if len(bags) == 1:
        return bags[0]
    if not bags and len(singles) == 1:
        return singles[0]
    raise PermanentError(
        f"{DEMUCS_SETTING}={model_dir} should hold one Demucs model: a bag "
        f"(<name>.yaml and its <signature>.th files) or a single <signature>.th; "
        f"found {len(bags)} bags and {len(singles)} weight files"
    )


def load_demucs(model_dir: Path, device: str = "cpu") -> tuple[Any, str]:
    """The Demucs model in ``model_dir`` and its name, loaded once per process
    and device, and moved there once (never downloaded: a local repository
    only). PermanentError naming the setting when the directory holds no
    loadable model.

    On the device from the start: ``apply_model`` moves each model of a bag to
    the device and back after every call, which for concurrent jobs sharing the
    model would move it away under another job's feet; already there, both
    moves are no-ops."""
    path = Path(model_dir).expanduser()
    key = (path, device)
    with _demucs_lock:
        if key not in _demucs_models:
            if not path.is_dir():
                # demucs exits the process (fatal()) on a missing directory: check first
                raise PermanentError(f"{DEMUCS_SETTING}={path} is not a directory")
            name = _demucs_name(path)
            from demucs.pretrained import get_model
            from demucs.repo import ModelLoadingError

            try:
                model = get_model(name, repo=path)
            except (ModelLoadingError, OSError, RuntimeError, KeyError) as exc:
                raise PermanentError(
                    f"could not load Demucs '{name}' from {path} ({DEMUCS_SETTING}): {exc}"
                ) from exc
            model.to(device)
            model.eval()
            _demucs_models[key] = (model, name)
        return _demucs_models[key]


def _demucs(
    audio: Audio, sr: int, model_dir: Path, device: str = "cpu"
) -> tuple[dict[str, Audio], str, list[str]]:
    """Demucs from a local model repository (optional package; never downloads).
    Sources a 6-stem model adds (guitar, piano) are folded into ``other``.
    Always float32: its STFT has no half-precision kernels. The model moves to
    ``device`` on first use there (apply_model moves it; then a no-op)."""
    import torch
    from demucs.apply import apply_model

    model, name = load_demucs(model_dir, device)
    notes: list[str] = []
    if sr != model.samplerate:
        import librosa

        audio = librosa.resample(audio, orig_sr=sr, target_sr=model.samplerate)
    wav = torch.from_numpy(np.ascontiguousarray(audio))
    if wav.shape[0] == 1:
        wav = wav.repeat(model.audio_channels, 1)  # the model wants stereo
    elif wav.shape[0] > model.audio_channels:
        wav = wav[: model.audio_channels]
    with torch.no_grad():
        out = apply_model(model, wav[None], device=device, progress=False)[0].cpu().numpy()
    stems: dict[str, Audio] = {}
    for i, source in enumerate(model.sources):
        stem = out[i]
        if audio.shape[0] == 1:
            stem = stem.mean(axis=0, keepdims=True)
        if sr != model.samplerate:
            import librosa

            stem = librosa.resample(stem, orig_sr=model.samplerate, target_sr=sr)
        target = source if source in STEMS else "other"
        if target != source:
            notes.append(f"demucs source '{source}' is in other")
        stem = stem.astype(np.float32)
        stems[target] = stems[target] + stem if target in stems else stem
    for missing in (s for s in STEMS if s not in stems):
        notes.append(f"the model has no '{missing}' source: that stem is silent")
        stems[missing] = np.zeros_like(next(iter(stems.values())))
    return stems, f"demucs:{name}", notes
