"""Torch models on the GPU against the CPU, through the project's own providers.

    .venv/bin/python bench/gpu.py            # --quick: small models, CPU side only, < ~2 min
    .venv/bin/python bench/gpu.py --full     # MusicGen-small-sized and HDemucs, GPU and CPU

Models are the real architectures at random weights, built from configs and
saved to a temporary directory, then loaded by the providers as a checkpoint
would be (nothing is downloaded; the cost does not depend on the values):
MusicGen-small-sized (T5-base text encoder, 24-layer 1024-wide decoder with 4
codebooks, 32 kHz EnCodec: about 588 M parameters) and HDemucs (4 sources).

Figures (issue 18's table):

* MusicGen seconds of wall time per 10 s of audio, for 1, 4 and 8 concurrent
  jobs (the provider batches concurrent jobs into one ``generate()`` call), in
  float32, float16 and bfloat16, and with the compiled decoder;
* Demucs seconds per 60 s of stereo 44.1 kHz audio (``separate_wav``);
* the same on the CPU (2 threads) for the ratios.

Targets on an H200-class GPU: 8 concurrent 10 s jobs in at most 2x the wall
time of one; one job at least 5x faster than on 2 CPU threads; half precision
not slower than float32 (or the reason documented); Demucs at least 100x real
time. Without CUDA the script says so, prints the CPU figures it can get
quickly, and exits 0.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

WORDS = ["<pad>", "</s>", "<unk>", "calm", "happy", "music", "piano", "drums", "bpm", "in", "mood"]
PROMPTS = ["calm piano music", "happy drums", "piano in calm mood", "drums music"]


@dataclass(frozen=True)
class MusicgenSize:
    name: str
    t5: dict[str, int]
    encodec: dict[str, Any]
    decoder: dict[str, int]


SMALL = MusicgenSize(
    "MusicGen-small-sized (~588 M)",
    t5={"d_model": 768, "d_kv": 64, "d_ff": 3072, "num_layers": 12, "num_heads": 12,
        "vocab_size": 32128},
    encodec={"hidden_size": 128, "num_filters": 64, "num_lstm_layers": 2, "codebook_size": 2048,
             "codebook_dim": 128, "compress": 2, "upsampling_ratios": [8, 5, 4, 4]},
    decoder={"hidden_size": 1024, "num_hidden_layers": 24, "num_attention_heads": 16,
             "ffn_dim": 4096, "vocab_size": 2048},
)  # fmt: skip
QUICK = MusicgenSize(
    "MusicGen, reduced (~10 M, --quick)",
    t5={"d_model": 64, "d_kv": 16, "d_ff": 128, "num_layers": 2, "num_heads": 4,
        "vocab_size": len(WORDS)},
    encodec={"hidden_size": 64, "num_filters": 16, "num_lstm_layers": 1, "codebook_size": 2048,
             "codebook_dim": 64, "compress": 2, "upsampling_ratios": [8, 5, 4, 4]},
    decoder={"hidden_size": 256, "num_hidden_layers": 4, "num_attention_heads": 4,
             "ffn_dim": 1024, "vocab_size": 2048},
)  # fmt: skip


def build_musicgen(out: Path, size: MusicgenSize) -> tuple[Path, int]:
    """Save a random MusicGen of ``size`` with a tiny T5 tokenizer; returns the
    directory and the parameter count."""
    import torch
    from tokenizers import Tokenizer, models, pre_tokenizers
    from transformers import (
        EncodecConfig,
        EncodecFeatureExtractor,
        MusicgenConfig,
        MusicgenDecoderConfig,
        MusicgenForConditionalGeneration,
        MusicgenProcessor,
        T5Config,
        T5TokenizerFast,
    )

    unigram = Tokenizer(models.Unigram([(w, -float(i)) for i, w in enumerate(WORDS)], unk_id=2))
    unigram.pre_tokenizer = pre_tokenizers.Metaspace()
    tokenizer = T5TokenizerFast(
        tokenizer_object=unigram, pad_token="<pad>", eos_token="</s>", unk_token="<unk>",
        extra_ids=0,
    )  # fmt: skip
    codes = size.decoder["vocab_size"]
    config = MusicgenConfig(
        text_encoder=T5Config(
            **size.t5, decoder_start_token_id=0, pad_token_id=0, eos_token_id=1
        ),
        audio_encoder=EncodecConfig(
            **size.encodec, sampling_rate=32000, target_bandwidths=[2.2], audio_channels=1,
            norm_type="weight_norm",
        ),
        decoder=MusicgenDecoderConfig(
            **size.decoder, num_codebooks=4, pad_token_id=codes, decoder_start_token_id=codes,
            bos_token_id=codes, max_position_embeddings=2048,
        ),
    )  # fmt: skip
    torch.manual_seed(0)
    model = MusicgenForConditionalGeneration(config)
    # MusicGen-small's own generation_config.json
    model.generation_config.update(do_sample=True, top_k=250, guidance_scale=3.0)
    params = sum(p.numel() for p in model.parameters())
    model.save_pretrained(str(out))
    MusicgenProcessor(
        feature_extractor=EncodecFeatureExtractor(feature_size=1, sampling_rate=32000),
        tokenizer=tokenizer,
    ).save_pretrained(str(out))
    return out, params


def build_demucs(repo: Path) -> Path:
    """HDemucs at its default size (4 sources), saved as Demucs' repositories hold it."""
    import torch
    from demucs.hdemucs import HDemucs

    repo.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(0)
    model = HDemucs(sources=["drums", "bass", "other", "vocals"])
    args, kwargs = model._init_args_kwargs
    torch.save(
        {"klass": HDemucs, "args": args, "kwargs": kwargs, "state": model.state_dict()},
        repo / "0bench00.th",
    )
    (repo / "htdemucs.yaml").write_text("models: ['0bench00']\n")
    return repo


async def musicgen_wall(
    model_dir: Path,
    out: Path,
    *,
    device: str,
    dtype: str,
    jobs: int,
    seconds: float,
    compile_decoder: bool = False,
) -> float:
    """Wall seconds for ``jobs`` concurrent jobs of ``seconds`` each, after a
    warm-up of the same batch shape (model load, kernel selection, compilation)."""
    from soundstage.providers.music.base import MusicRequest
    from soundstage.providers.music.musicgen import MusicgenProvider

    provider = MusicgenProvider(
        model_dir, device=device, dtype=dtype, max_batch=max(8, jobs), batch_window_s=0.2,
        compile_decoder=compile_decoder,
    )  # fmt: skip

    def batch(duration: float) -> list[MusicRequest]:
        return [
            MusicRequest(prompt=PROMPTS[i % len(PROMPTS)], duration_s=duration, seed=i)
            for i in range(jobs)
        ]

    await asyncio.gather(*(provider.generate(r, out) for r in batch(1.0)))  # warm-up
    calls = provider.generate_calls
    started = time.perf_counter()
    await asyncio.gather(*(provider.generate(r, out) for r in batch(seconds)))
    took = time.perf_counter() - started
    assert provider.generate_calls - calls == 1, "the jobs were not batched into one call"
    return took


def demucs_wall(repo: Path, out: Path, *, device: str, seconds: float) -> float:
    import soundfile as sf

    from soundstage.audio.stems import separate_wav

    sr = 44_100
    rng = np.random.default_rng(0)
    mix = (0.1 * rng.standard_normal((int(seconds * sr), 2))).astype(np.float32)
    wav = out / f"mix-{seconds:g}.wav"
    sf.write(str(wav), mix, sr, subtype="FLOAT")
    short = out / "warm.wav"
    sf.write(str(short), mix[: 2 * sr], sr, subtype="FLOAT")
    separate_wav(short, out / "warm", demucs_model_dir=repo, demucs_device=device)  # warm-up
    started = time.perf_counter()
    separate_wav(wav, out / "stems", demucs_model_dir=repo, demucs_device=device)
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--quick", action="store_true", help="small models, CPU side (default)")
    mode.add_argument("--full", action="store_true", help="full-size models, GPU and CPU")
    parser.add_argument("--cpu-threads", type=int, default=2)
    parser.add_argument("--skip-cpu", action="store_true", help="GPU figures only")
    args = parser.parse_args()

    try:
        import torch
    except ImportError:
        print("torch is not installed (pip install 'soundstage[musicgen,demucs]'): nothing to do")
        return 0
    cuda = torch.cuda.is_available()
    full = args.full
    torch.set_num_threads(args.cpu_threads)
    size = SMALL if full else QUICK
    print(f"torch {torch.__version__}; CUDA: "
          f"{torch.cuda.get_device_name(0) if cuda else 'none'}; model: {size.name}")  # fmt: skip
    if not cuda:
        note = "" if full else " (--quick: reduced models, short clips)"
        print("no CUDA device on this machine: the GPU figures are not measured here; "
              f"CPU figures follow{note}")  # fmt: skip

    rows: list[tuple[str, str, float]] = []  # (what, where, seconds per 10 s | per 60 s)

    def show(what: str, where: str, value: float, unit: str) -> None:
        rows.append((what, where, value))
        print(f"  {what:<46} {where:<18} {value:8.2f} {unit}", flush=True)

    with tempfile.TemporaryDirectory(prefix="bench-gpu-") as tmp:
        root = Path(tmp)
        model_dir, params = build_musicgen(root / "musicgen", size)
        print(f"MusicGen: {params / 1e6:.0f} M parameters")
        out = root / "out"

        if cuda:
            seconds = 10.0
            for dtype in ("float32", "float16", "bfloat16"):
                for jobs in (1, 4, 8):
                    took = asyncio.run(musicgen_wall(
                        model_dir, out, device="cuda", dtype=dtype, jobs=jobs,
                        seconds=seconds))  # fmt: skip
                    show(f"MusicGen {jobs} x 10 s, {dtype} (wall)", "cuda", took, "s")
            took = asyncio.run(musicgen_wall(
                model_dir, out, device="cuda", dtype="float32", jobs=1, seconds=seconds,
                compile_decoder=True))  # fmt: skip
            show("MusicGen 1 x 10 s, float32, compiled decoder", "cuda", took, "s")
        if not args.skip_cpu:
            # 2 CPU threads: MusicGen-small needs ~26 s per 5 s here; quick keeps it short
            cpu_seconds = 5.0 if full else 2.0
            for jobs in (1,) if full else (1, 4):
                took = asyncio.run(musicgen_wall(
                    model_dir, out, device="cpu", dtype="float32", jobs=jobs,
                    seconds=cpu_seconds))  # fmt: skip
                show(f"MusicGen {jobs} x {cpu_seconds:g} s, float32 (wall, per 10 s)", "cpu",
                     took * 10 / cpu_seconds, "s")  # fmt: skip

        if importlib_has("demucs"):
            repo = build_demucs(root / "demucs")
            if cuda:
                took = demucs_wall(repo, out, device="cuda", seconds=60.0)
                show("HDemucs, 60 s stereo 44.1 kHz", "cuda", took, "s per 60 s")
            if not args.skip_cpu:
                clip = 10.0 if full else 5.0
                took = demucs_wall(repo, out, device="cpu", seconds=clip)
                show(f"HDemucs, {clip:g} s stereo (per 60 s)", "cpu", took * 60 / clip,
                     "s per 60 s")  # fmt: skip
        else:
            print("demucs is not installed: no stems figures")

    if cuda:
        by = {(w, d): v for w, d, v in rows}
        one = by.get(("MusicGen 1 x 10 s, float32 (wall)", "cuda"))
        eight = by.get(("MusicGen 8 x 10 s, float32 (wall)", "cuda"))
        cpu_one = next((v for w, d, v in rows if d == "cpu" and w.startswith("MusicGen 1 x")), None)
        if one and eight:
            print(f"8 concurrent / 1 job: {eight / one:.2f}x wall (target <= 2x)")
        if one and cpu_one and full:
            print(f"one job, GPU vs 2 CPU threads: {cpu_one / one:.1f}x (target >= 5x)")
        demucs = by.get(("HDemucs, 60 s stereo 44.1 kHz", "cuda"))
        if demucs:
            print(f"Demucs: {60 / demucs:.0f}x real time (target >= 100x)")
    return 0


def importlib_has(module: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(module) is not None


if __name__ == "__main__":
    sys.exit(main())
