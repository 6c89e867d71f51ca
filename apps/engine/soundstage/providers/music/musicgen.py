"""``musicgen``: Meta's MusicGen through Hugging Face transformers, from a local directory.

Needs the optional extra (``pip install 'soundstage[musicgen]'``: torch and
transformers) and ``SOUNDSTAGE_MUSICGEN_MODEL_DIR``, a directory holding a
checkpoint saved with ``save_pretrained`` (model and processor), such as a copy
of ``facebook/musicgen-small``. Nothing is ever downloaded: loading is
``local_files_only``.

The model loads once per process, on first use, onto the device and in the
precision of ``SOUNDSTAGE_TORCH_DEVICE`` / ``SOUNDSTAGE_TORCH_DTYPE``
(:mod:`soundstage.providers.torch_device`), and every job of the process shares
it. Concurrent jobs whose duration falls in the same bucket are generated in
one batched ``generate()`` call (up to ``SOUNDSTAGE_MUSICGEN_MAX_BATCH``;
:mod:`soundstage.providers.batching`); batches run one at a time.

Seeds in a batch: ``generate()``'s own sampling draws every row from torch's one
global generator, so a job's audio would depend on which jobs shared its batch.
Instead :class:`PerJobSampler` (a logits processor, with ``generate()`` in
greedy mode) does the sampling itself: for each job, classifier-free guidance,
temperature, top-k and a multinomial draw from *that job's own*
``torch.Generator`` seeded with its seed. The draws a job sees are then the same
alone or in any batch, and so are its codes, up to floating-point differences
between batched and unbatched matrix products (which would change a draw only
if a uniform number fell within ~1e-7 of a probability boundary). Every job is
generated to its duration bucket's length (and the pipeline cuts it to the
duration asked for), so batching never changes a job's length either.
"""

from __future__ import annotations

import asyncio
import hashlib
import importlib.util
import math
import secrets
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from soundstage.audio.wav import write_wav
from soundstage.errors import PermanentError
from soundstage.providers.base import provider_call
from soundstage.providers.batching import Batcher
from soundstage.providers.music.base import GeneratedTrack, MusicRequest, new_output_path
from soundstage.providers.torch_device import (
    DeviceUnavailable,
    TorchPlacement,
    out_of_memory_is_retryable,
    placement_for,
)

GUIDANCE_SCALE = 3.0  # MusicGen's own default: classifier-free guidance on the text
# Jobs are generated to their duration rounded up to this many seconds, so
# jobs of nearby durations can share a batch (the pipeline trims each to its own).
DURATION_BUCKET_S = 5.0


def extra_installed() -> bool:
    return all(importlib.util.find_spec(m) is not None for m in ("torch", "transformers"))


def duration_bucket(duration_s: float) -> float:
    """The length a job is generated to: whole seconds up to one bucket (short
    clips stay cheap), then whole buckets."""
    if duration_s <= DURATION_BUCKET_S:
        return float(max(1, math.ceil(duration_s)))
    return math.ceil(duration_s / DURATION_BUCKET_S) * DURATION_BUCKET_S


def write_generated(
    values: Any, out_dir: Path, name: str, sample_rate: int, index: int = 0
) -> Path:
    """Item ``index`` of a MusicGen ``generate()`` batch as a WAV: NaNs zeroed and,
    only if it clips, scaled down to full scale."""
    audio = values[index].float().cpu().numpy()  # (channels, samples)
    audio = np.nan_to_num(audio.T if audio.ndim == 2 else audio)
    peak = float(np.max(np.abs(audio))) if audio.size else 0.0
    if peak > 1.0:
        audio = audio / peak
    return write_wav(new_output_path(out_dir, name, "wav"), audio.astype(np.float32), sample_rate)


def load_error(exc: Exception, model_dir: Path, setting: str, what: str) -> PermanentError:
    return PermanentError(f"could not load {what} from {model_dir} ({setting}): {exc}")


def to_placement(model: Any, where: TorchPlacement) -> Any:
    """``model`` moved to the placement's device and dtype, in eval mode."""
    model = model.to(device=where.device, dtype=where.torch_dtype())
    model.eval()
    return model


def make_sampler(
    seeds: Sequence[int],
    num_codebooks: int,
    *,
    guidance_scale: float,
    top_k: int | None,
    temperature: float,
    device: str,
    on_step: Callable[[], None] | None = None,
) -> Any:
    """A :class:`PerJobSampler` (built here so torch and transformers load lazily)."""
    import torch
    from transformers import LogitsProcessor

    class PerJobSampler(LogitsProcessor):  # type: ignore[misc, unused-ignore]
        """Samples each job's codebooks with the job's own generator (see the
        module docstring) and returns scores where only the chosen token is
        finite-high, so greedy ``generate()`` picks exactly it.

        It may run before MusicGen's classifier-free-guidance processor (which
        ``generate()`` appends after the caller's), so it takes the guidance
        itself when it sees the doubled (conditional + unconditional) rows and
        answers with both halves alike: the guidance that follows leaves them
        unchanged."""

        def __init__(self) -> None:
            self.generators = [torch.Generator(device=device).manual_seed(int(s)) for s in seeds]
            # each job's sampled codes, step by step (its "codes" fingerprint)
            self.tokens: list[list[torch.Tensor]] = [[] for _ in seeds]

        def __call__(self, input_ids: Any, scores: Any) -> Any:
            jobs, k = len(self.generators), num_codebooks
            rows = jobs * k
            logits = scores.float()
            if scores.shape[0] == 2 * rows and guidance_scale > 1:
                cond, uncond = logits.split(rows, dim=0)
                logits = uncond + (cond - uncond) * guidance_scale
            if temperature > 0 and temperature != 1.0:
                logits = logits / temperature
            chosen = torch.empty(rows, dtype=torch.long, device=scores.device)
            for i, generator in enumerate(self.generators):
                part = logits[i * k : (i + 1) * k]
                if top_k:
                    values, index = part.topk(min(int(top_k), part.shape[-1]), dim=-1)
                else:
                    values, index = part, None
                probs = torch.softmax(values, dim=-1)
                pick = torch.multinomial(probs, 1, generator=generator)
                token = (index.gather(-1, pick) if index is not None else pick).squeeze(-1)
                chosen[i * k : (i + 1) * k] = token
                self.tokens[i].append(token.cpu())
            out = torch.full_like(scores, -1e4)  # finite: the guidance after us stays finite
            picked = chosen.repeat(scores.shape[0] // rows).unsqueeze(-1)
            out.scatter_(-1, picked, 0.0)
            if on_step is not None:
                on_step()
            return out

        def codes_digest(self, i: int) -> str:
            joined = torch.stack(self.tokens[i]) if self.tokens[i] else torch.empty(0)
            return hashlib.sha256(joined.numpy().astype(np.int64).tobytes()).hexdigest()[:16]

    return PerJobSampler()


def make_stopper(alive: Callable[[int], bool], jobs: int) -> Any:
    """Stops a batch's generation once none of its jobs is wanted any more."""
    import torch
    from transformers import StoppingCriteria

    class AllCanceled(StoppingCriteria):  # type: ignore[misc, unused-ignore]
        def __call__(self, input_ids: Any, scores: Any, **kwargs: Any) -> Any:
            done = not any(alive(i) for i in range(jobs))
            rows = input_ids.shape[0]
            return torch.full((rows,), done, dtype=torch.bool, device=input_ids.device)

    return AllCanceled()


@dataclass
class _Job:
    request: MusicRequest
    seed: int
    out_dir: Path


class _Progress:
    """Per-job progress from the sampler's steps, at most every 2%."""

    def __init__(self, jobs: Sequence[_Job], alive: Callable[[int], bool], total: int) -> None:
        self.jobs, self.alive, self.total = jobs, alive, max(1, total)
        self.step = 0
        self.reported = 0.0

    def __call__(self) -> None:
        self.step += 1
        fraction = min(1.0, self.step / self.total)
        if fraction - self.reported < 0.02 and fraction < 1.0:
            return
        self.reported = fraction
        for i, job in enumerate(self.jobs):
            if job.request.progress is not None and self.alive(i):
                job.request.progress(fraction)


class MusicgenProvider:
    name = "musicgen"
    concurrency = 1  # batches at once (each batch holds up to max_batch jobs)

    def __init__(
        self,
        model_dir: Path,
        *,
        device: str = "auto",
        dtype: str = "auto",
        max_batch: int = 8,
        batch_window_s: float = 0.05,
        compile_decoder: bool = False,
        compile_backend: str = "inductor",
    ) -> None:
        self.model_dir = Path(model_dir).expanduser()
        self.device_setting, self.dtype_setting = device, dtype
        self.compile_decoder = compile_decoder
        self.compile_backend = compile_backend
        self._load_lock = threading.Lock()
        self._loaded: tuple[Any, Any, TorchPlacement] | None = None
        self.batcher: Batcher[float, _Job, GeneratedTrack] = Batcher(
            self._run_batch, max_batch=max_batch, window_s=batch_window_s
        )
        # the model.generate() calls made so far (tests count batches by it)
        self.generate_calls = 0

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

    def placement(self) -> TorchPlacement:
        try:
            return placement_for(self.device_setting, self.dtype_setting)
        except DeviceUnavailable as exc:
            raise PermanentError(str(exc)) from exc

    def _load(self) -> tuple[Any, Any, TorchPlacement]:
        with self._load_lock:
            if self._loaded is None:
                self._check()
                where = self.placement()
                from transformers import AutoProcessor, MusicgenForConditionalGeneration

                try:
                    processor = AutoProcessor.from_pretrained(  # type: ignore[no-untyped-call, unused-ignore]
                        str(self.model_dir), local_files_only=True
                    )
                    model = MusicgenForConditionalGeneration.from_pretrained(
                        str(self.model_dir), local_files_only=True
                    )
                except (OSError, ValueError) as exc:
                    raise load_error(
                        exc, self.model_dir, "SOUNDSTAGE_MUSICGEN_MODEL_DIR", "MusicGen"
                    ) from exc
                with out_of_memory_is_retryable(where.device, "loading MusicGen"):
                    model = to_placement(model, where)
                if self.compile_decoder:
                    import torch

                    # Decoding calls the decoder once per frame at a growing
                    # length: dynamic shapes, so one compilation serves them all.
                    model.decoder.forward = torch.compile(
                        model.decoder.forward, dynamic=True, backend=self.compile_backend
                    )
                self._loaded = (processor, model, where)
            return self._loaded

    async def generate(self, request: MusicRequest, out_dir: Path) -> list[GeneratedTrack]:
        self._check()  # fail fast, before waiting for a batch
        seed = request.seed if request.seed is not None else secrets.randbelow(2**31)
        job = _Job(request, seed, out_dir)
        async with provider_call(self.name):
            return [await self.batcher.submit(duration_bucket(request.duration_s), job)]

    def _run_batch(
        self, bucket_s: float, jobs: Sequence[_Job], alive: Callable[[int], bool]
    ) -> list[GeneratedTrack | BaseException]:
        import torch
        from transformers import LogitsProcessorList, StoppingCriteriaList

        processor, model, where = self._load()
        audio_cfg = model.config.audio_encoder
        sample_rate = int(audio_cfg.sampling_rate)
        num_codebooks = int(model.config.decoder.num_codebooks)
        # The codebook delay pattern costs a few frames; ask for them on top.
        tokens = int(np.ceil(bucket_s * float(audio_cfg.frame_rate))) + num_codebooks
        prompts = [job.request.description() for job in jobs]
        inputs = processor(text=prompts, padding=True, return_tensors="pt").to(where.device)
        gen_cfg = model.generation_config
        sampler = make_sampler(
            [job.seed for job in jobs],
            num_codebooks,
            guidance_scale=GUIDANCE_SCALE,
            top_k=getattr(gen_cfg, "top_k", None),
            temperature=float(getattr(gen_cfg, "temperature", None) or 1.0),
            device=where.device,
            on_step=_Progress(jobs, alive, tokens),
        )
        started = time.perf_counter()
        self.generate_calls += 1
        with out_of_memory_is_retryable(where.device, "MusicGen"), torch.inference_mode():
            values = model.generate(
                **inputs,
                do_sample=False,  # the sampler above samples, per job
                guidance_scale=GUIDANCE_SCALE,
                max_new_tokens=tokens,
                logits_processor=LogitsProcessorList([sampler]),
                stopping_criteria=StoppingCriteriaList([make_stopper(alive, len(jobs))]),
            )
        seconds = time.perf_counter() - started
        results: list[GeneratedTrack | BaseException] = []
        for i, job in enumerate(jobs):
            if not alive(i):
                results.append(asyncio.CancelledError())
                continue
            path = write_generated(values, job.out_dir, self.name, sample_rate, index=i)
            results.append(
                GeneratedTrack(
                    path=path,
                    metadata={
                        "seed": job.seed,
                        "prompt": prompts[i],
                        "sample_rate": sample_rate,
                        "model": model.config.name_or_path or str(self.model_dir),
                        "device": where.device,
                        "dtype": where.dtype,
                        "batch_size": len(jobs),
                        "generated_s": bucket_s,
                        "generate_seconds": round(seconds, 3),
                        "codes_sha256": sampler.codes_digest(i),
                    },
                )
            )
        return results
