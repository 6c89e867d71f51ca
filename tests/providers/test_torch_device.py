"""SOUNDSTAGE_TORCH_DEVICE / SOUNDSTAGE_TORCH_DTYPE resolution, with CUDA and
MPS availability mocked at torch's own API (``torch.cuda.is_available`` and
friends), the out-of-memory conversion, and a worker that refuses to start on a
device it does not have (a real ``soundstage worker`` process)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from soundstage.config import Settings
from soundstage.errors import RetryableError
from soundstage.providers import torch_device
from soundstage.providers.torch_device import (
    DeviceUnavailable,
    out_of_memory_is_retryable,
    placement,
    resolve_device,
    resolve_dtype,
)

torch = pytest.importorskip("torch")


@pytest.fixture(autouse=True)
def fresh_cache() -> Iterator[None]:
    torch_device.placement_for.cache_clear()
    yield
    torch_device.placement_for.cache_clear()


def machine(monkeypatch: pytest.MonkeyPatch, *, cuda: int = 0, mps: bool = False) -> None:
    """Pretend torch sees ``cuda`` GPUs and (or not) an Apple GPU."""
    monkeypatch.setattr(torch.cuda, "is_available", lambda: cuda > 0)
    monkeypatch.setattr(torch.cuda, "device_count", lambda: cuda)
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: mps)


@pytest.mark.parametrize(
    ("setting", "cuda", "mps", "expected"),
    [
        ("auto", 0, False, "cpu"),
        ("auto", 0, True, "mps"),
        ("auto", 1, True, "cuda"),  # CUDA first
        ("AUTO ", 2, False, "cuda"),
        ("cpu", 2, True, "cpu"),
        ("cuda", 1, False, "cuda"),
        ("cuda:0", 1, False, "cuda:0"),
        ("cuda:1", 2, False, "cuda:1"),
        ("mps", 0, True, "mps"),
    ],
)
def test_device_resolution(
    monkeypatch: pytest.MonkeyPatch, setting: str, cuda: int, mps: bool, expected: str
) -> None:
    machine(monkeypatch, cuda=cuda, mps=mps)
    assert resolve_device(setting) == expected


@pytest.mark.parametrize(
    ("setting", "cuda", "mps", "needle"),
    [
        ("cuda", 0, True, "no CUDA device is available"),
        ("cuda:0", 0, False, "no CUDA device is available"),
        ("cuda:2", 2, False, "only 2 CUDA device(s) are visible"),
        ("mps", 1, False, "no Apple MPS device"),
        ("tpu", 1, True, "is not one of auto, cpu, cuda, cuda:N, mps"),
    ],
)
def test_a_missing_device_is_a_one_line_error_naming_the_setting(
    monkeypatch: pytest.MonkeyPatch, setting: str, cuda: int, mps: bool, needle: str
) -> None:
    machine(monkeypatch, cuda=cuda, mps=mps)
    with pytest.raises(DeviceUnavailable) as caught:
        resolve_device(setting)
    message = str(caught.value)
    assert needle in message and "SOUNDSTAGE_TORCH_DEVICE" in message and "\n" not in message


@pytest.mark.parametrize(
    ("setting", "device", "expected"),
    [
        ("auto", "cpu", "float32"),
        ("auto", "cuda", "float32"),  # until a GPU benchmark shows half winning
        ("auto", "mps", "float32"),
        ("float32", "cuda:1", "float32"),
        ("float16", "cuda", "float16"),
        ("bfloat16", "cuda", "bfloat16"),
        ("bfloat16", "cpu", "bfloat16"),
        ("float16", "mps", "float16"),
    ],
)
def test_dtype_resolution(setting: str, device: str, expected: str) -> None:
    assert resolve_dtype(setting, device) == expected


def test_float16_on_the_cpu_and_unknown_dtypes_are_refused() -> None:
    with pytest.raises(DeviceUnavailable, match="SOUNDSTAGE_TORCH_DTYPE=float16 on the CPU"):
        resolve_dtype("float16", "cpu")
    with pytest.raises(DeviceUnavailable, match="is not one of auto, float32"):
        resolve_dtype("int8", "cuda")


def test_placement_from_settings_and_when_torch_counts(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    machine(monkeypatch, cuda=1)
    plain = Settings(data_dir=tmp_path)
    # nothing torch configured: nothing resolved (torch is not even imported)
    assert torch_device.require_device(plain) is None and torch_device.describe(plain) is None
    with_model = Settings(data_dir=tmp_path, musicgen_model_dir=tmp_path, torch_dtype="bfloat16")
    where = placement(with_model)
    assert (where.device, where.dtype) == ("cuda", "bfloat16")
    assert where.torch_dtype() is torch.bfloat16
    assert torch_device.describe(with_model) == where
    # an explicit device counts even without a model: the worker checks it
    assert torch_device.torch_in_use(Settings(data_dir=tmp_path, torch_device="cuda"))


def test_the_device_setting_is_validated_at_startup(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="torch_device"):
        Settings(data_dir=tmp_path, torch_device="gpu")


def test_out_of_memory_becomes_retryable_after_freeing(monkeypatch: pytest.MonkeyPatch) -> None:
    freed: list[str] = []
    monkeypatch.setattr(torch_device, "free_memory", freed.append)
    with (
        pytest.raises(RetryableError, match="ran out of memory on cuda:0") as caught,
        out_of_memory_is_retryable("cuda:0", "MusicGen"),
    ):
        raise torch.OutOfMemoryError("CUDA out of memory. Tried to allocate 2.00 GiB")
    assert caught.value.retryable and caught.value.retry_after
    # MPS says it in a RuntimeError
    with pytest.raises(RetryableError), out_of_memory_is_retryable("mps", "Demucs"):
        raise RuntimeError("MPS backend out of memory (MPS allocated: 9 GB)")
    assert freed == ["cuda:0", "mps"]
    # anything else passes through untouched, and frees nothing
    with (
        pytest.raises(RuntimeError, match="shape mismatch"),
        out_of_memory_is_retryable("cpu", "x"),
    ):
        raise RuntimeError("shape mismatch")
    assert freed == ["cuda:0", "mps"]


def test_a_worker_set_to_cuda_without_one_refuses_to_start(tmp_path: Path) -> None:
    # (this machine has no CUDA device: the CPU build of torch, or no GPU)
    if torch.cuda.is_available():
        pytest.skip("this machine has a CUDA device")
    env = {
        **os.environ,
        "SOUNDSTAGE_DATA_DIR": str(tmp_path),
        "SOUNDSTAGE_TORCH_DEVICE": "cuda",
        # nowhere to connect: it must stop before it tries
        "DATABASE_URL": "postgresql://nobody@127.0.0.1:1/none",
    }
    done = subprocess.run(
        [sys.executable, "-m", "soundstage", "worker"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert lines[-1].startswith("soundstage worker: SOUNDSTAGE_TORCH_DEVICE=cuda but no CUDA")
