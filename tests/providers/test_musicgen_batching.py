"""Batched MusicGen on a tiny random model (CPU torch): N concurrent jobs in one
``generate()`` call give each job exactly what it gets alone at the same seed;
each keeps its own progress and cancellation; an out-of-memory error injected
at the model call fails the attempt as retryable (the job is retried, the
worker lives on); half precision (bfloat16, the CPU's) generates."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import httpx
import pytest

from soundstage.config import Settings
from soundstage.errors import RetryableError
from soundstage.providers import torch_device
from soundstage.providers.music.base import MusicRequest
from soundstage.providers.music.musicgen import MusicgenProvider, duration_bucket, extra_installed
from soundstage.providers.music.registry import get_provider
from soundstage.worker import Worker
from support import User, wait_for_status
from torch_models import build_tiny_musicgen

pytestmark = pytest.mark.skipif(
    not extra_installed(), reason="the musicgen extra (torch, transformers) is not installed"
)

PROMPTS = [("calm piano", 1), ("happy drums music", 2), ("piano", 3), ("calm happy drums", 4)]


@pytest.fixture(scope="module")
def tiny_model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tiny_musicgen(tmp_path_factory.mktemp("musicgen-batch") / "tiny")


def requests(duration_s: float = 1.6, **extra: Any) -> list[MusicRequest]:
    return [MusicRequest(prompt=p, duration_s=duration_s, seed=s, **extra) for p, s in PROMPTS]


def test_duration_buckets() -> None:
    # whole seconds up to 5 s, then 5-second steps: 10 s and 12 s jobs do not
    # share a batch, 11 s and 14 s do
    assert [duration_bucket(d) for d in (0.4, 1.0, 1.6, 5.0)] == [1, 1, 2, 5]
    assert [duration_bucket(d) for d in (5.1, 10, 11, 14, 15, 300)] == [10, 10, 15, 15, 15, 300]


async def test_n_jobs_batched_into_one_call_match_unbatched_runs(
    tiny_model_dir: Path, tmp_path: Path
) -> None:
    alone = MusicgenProvider(tiny_model_dir, max_batch=1)
    singles = [(await alone.generate(r, tmp_path / "alone"))[0] for r in requests()]
    assert alone.generate_calls == len(PROMPTS)

    batched = MusicgenProvider(tiny_model_dir, max_batch=8, batch_window_s=0.5)
    # durations differ but share a bucket; each job asks for its own
    mixed = [
        MusicRequest(prompt=r.prompt, duration_s=d, seed=r.seed)
        for r, d in zip(requests(), (1.6, 1.2, 2.0, 1.9), strict=True)
    ]
    results = await asyncio.gather(*(batched.generate(r, tmp_path / "batched") for r in mixed))
    assert batched.generate_calls == 1 and batched.batcher.batch_sizes == [len(PROMPTS)]
    for single, [track] in zip(singles, results, strict=True):
        assert track.metadata["batch_size"] == len(PROMPTS)
        assert track.metadata["seed"] == single.metadata["seed"]
        assert track.metadata["codes_sha256"] == single.metadata["codes_sha256"]
        assert track.path.read_bytes() == single.path.read_bytes()
    # and different seeds made different music
    assert len({t.metadata["codes_sha256"] for [t] in results}) == len(PROMPTS)


async def test_each_job_keeps_its_progress_and_cancellation(
    tiny_model_dir: Path, tmp_path: Path
) -> None:
    provider = MusicgenProvider(tiny_model_dir, max_batch=8, batch_window_s=0.5)
    seen: dict[int, list[float]] = {s: [] for _, s in PROMPTS}
    started = asyncio.Event()
    loop = asyncio.get_running_loop()

    def reporter(seed: int) -> Any:
        def report(fraction: float) -> None:
            seen[seed].append(fraction)
            loop.call_soon_threadsafe(started.set)

        return report

    jobs = [
        asyncio.create_task(
            provider.generate(
                MusicRequest(prompt=p, duration_s=4.0, seed=s, progress=reporter(s)),
                tmp_path / str(s),
            )
        )
        for p, s in PROMPTS
    ]
    await started.wait()
    jobs[1].cancel()  # mid-batch: its result is dropped, the others go on
    results = await asyncio.gather(*jobs, return_exceptions=True)
    assert isinstance(results[1], asyncio.CancelledError)
    assert provider.generate_calls == 1
    for (_, seed), result in zip(PROMPTS, results, strict=True):
        if seed == PROMPTS[1][1]:
            continue
        assert isinstance(result, list) and result[0].path.is_file()
        fractions = seen[seed]
        assert fractions == sorted(fractions) and fractions[-1] == 1.0 and len(fractions) > 5
    assert not (tmp_path / str(PROMPTS[1][1])).exists()  # nothing written for it

    # the canceled job's neighbours got what they get alone
    alone = MusicgenProvider(tiny_model_dir, max_batch=1)
    [solo] = await alone.generate(
        MusicRequest(prompt=PROMPTS[0][0], duration_s=4.0, seed=PROMPTS[0][1]), tmp_path / "solo"
    )
    first = results[0]
    assert isinstance(first, list)
    assert first[0].metadata["codes_sha256"] == solo.metadata["codes_sha256"]


def inject_out_of_memory(provider: MusicgenProvider, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The provider's model call raises CUDA's out-of-memory error on its first
    call, then works; returns the list of calls' batch sizes."""
    import torch

    _, model, _ = provider._load()
    real = model.generate
    calls: list[int] = []

    def flaky(**kwargs: Any) -> Any:
        calls.append(int(kwargs["input_ids"].shape[0]))
        if len(calls) == 1:
            raise torch.OutOfMemoryError("CUDA out of memory. Tried to allocate 20.00 GiB")
        return real(**kwargs)

    monkeypatch.setattr(model, "generate", flaky)
    return calls


async def test_out_of_memory_fails_the_batch_as_retryable_after_freeing(
    tiny_model_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    freed: list[str] = []
    monkeypatch.setattr(torch_device, "free_memory", freed.append)
    provider = MusicgenProvider(tiny_model_dir, max_batch=8, batch_window_s=0.5)
    calls = inject_out_of_memory(provider, monkeypatch)
    outcomes = await asyncio.gather(
        *(provider.generate(r, tmp_path) for r in requests()), return_exceptions=True
    )
    assert calls == [len(PROMPTS)]
    assert all(isinstance(o, RetryableError) for o in outcomes), outcomes
    assert "ran out of memory on cpu" in str(outcomes[0]) and freed == ["cpu"]
    # the same provider (and model) serves the next attempt
    [track] = await provider.generate(requests()[0], tmp_path)
    assert track.path.is_file()


async def test_bfloat16_generates(tiny_model_dir: Path, tmp_path: Path) -> None:
    provider = MusicgenProvider(tiny_model_dir, device="cpu", dtype="bfloat16")
    [track] = await provider.generate(requests()[0], tmp_path)
    assert (track.metadata["device"], track.metadata["dtype"]) == ("cpu", "bfloat16")
    _, model, _ = provider._load()
    assert str(next(model.parameters()).dtype) == "torch.bfloat16"
    assert track.path.stat().st_size > 1000


async def test_music_jobs_retry_after_an_out_of_memory_error_and_the_worker_lives(
    client: httpx.AsyncClient,
    make_user: Any,
    worker: Worker,
    settings: Settings,
    tiny_model_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(settings, "musicgen_model_dir", tiny_model_dir)
    monkeypatch.setattr(settings, "musicgen_batch_window_seconds", 0.3)
    monkeypatch.setattr(torch_device, "OOM_RETRY_AFTER_SECONDS", 0.1)
    monkeypatch.setattr(settings, "retry_base_seconds", 0.01)
    provider = get_provider("musicgen", settings)
    assert isinstance(provider, MusicgenProvider)
    calls = inject_out_of_memory(provider, monkeypatch)
    user: User = await make_user()
    ids = []
    for seed in (5, 6):
        body = {
            "kind": "music",
            "params": {"provider": "musicgen", "duration_s": 5, "seed": seed, "format": "wav"},
        }
        r = await client.post("/v1/jobs", json=body, headers=user.headers)
        assert r.status_code == 202, r.text
        ids.append(r.json()["id"])
    for job_id in ids:
        done = await wait_for_status(client, user, job_id, {"succeeded", "failed"}, within=120)
        assert done["status"] == "succeeded", done
        assert done["attempts"] == 2  # the first attempt hit the injected OOM
    # both jobs' first attempts shared the batch that ran out of memory
    assert calls[0] == 2


async def test_a_compiled_decoder_gives_the_same_codes(
    tiny_model_dir: Path, tmp_path: Path
) -> None:
    # SOUNDSTAGE_MUSICGEN_COMPILE: torch.compile over the decoder step, dynamic
    # shapes (the KV cache grows every frame). Traced by dynamo with the eager
    # backend here: inductor's C++ code generation takes minutes on 2 CPU cores,
    # and the speed it may bring needs the GPU (bench/gpu.py).
    plain = MusicgenProvider(tiny_model_dir, max_batch=1)
    compiled = MusicgenProvider(
        tiny_model_dir, max_batch=1, compile_decoder=True, compile_backend="eager"
    )
    request = requests(1.0)[0]
    [a] = await plain.generate(request, tmp_path)
    [b] = await compiled.generate(request, tmp_path)
    assert a.metadata["codes_sha256"] == b.metadata["codes_sha256"]
    _, model, _ = compiled._load()
    assert "compile" in type(model.decoder.forward).__name__.lower() or hasattr(
        model.decoder.forward, "_torchdynamo_orig_callable"
    )
