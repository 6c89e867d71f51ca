"""Where and in what precision the torch models run: one place for every torch provider.

``SOUNDSTAGE_TORCH_DEVICE``: ``auto`` (CUDA if torch sees a GPU, else Apple
MPS, else the CPU), ``cpu``, ``cuda`` or ``cuda:N``, ``mps``.
``SOUNDSTAGE_TORCH_DTYPE``: ``auto``, ``float32``, ``float16`` or ``bfloat16``.

``auto`` precision is float32 on every device. Half precision halves the
weights' memory, but the only GPU measurement there is (issue 18: MusicGen-small
on an H200, one prompt) had float16 and bfloat16 *slower* than float32 (see
``docs/benchmarks.md`` for why that can happen); ``auto`` changes here, once,
when ``bench/gpu.py`` on a GPU shows half precision winning. Models whose
kernels have no half-precision path (Demucs' STFT) stay float32 whatever is set:
:func:`model_dtype` says which.

Public API::

    TorchPlacement(device, dtype)               # what a provider loads its model onto
    placement(settings) -> TorchPlacement       # resolved once per (device, dtype) setting
    placement_for(device_setting, dtype_setting) -> TorchPlacement
    resolve_device(setting) -> str              # "cpu" | "cuda" | "cuda:1" | "mps"
    resolve_dtype(setting, device) -> str       # "float32" | "float16" | "bfloat16"
    require_device(settings)                    # DeviceUnavailable: the worker refuses to start
    job_device(settings) -> str                 # inside a job: PermanentError when missing
    torch_in_use(settings) -> bool              # is any torch model configured here?
    out_of_memory_is_retryable(device)          # context manager: OOM -> RetryableError
    is_out_of_memory(exc) -> bool
"""

from __future__ import annotations

import contextlib
import functools
import gc
import importlib.util
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from soundstage.errors import PermanentError, RetryableError

if TYPE_CHECKING:
    from soundstage.config import Settings

log = logging.getLogger(__name__)

DEVICE_SETTING = "SOUNDSTAGE_TORCH_DEVICE"
DTYPE_SETTING = "SOUNDSTAGE_TORCH_DTYPE"
DEVICE_PATTERN = r"^(auto|cpu|mps|cuda(:\d+)?)$"
DTypeSetting = Literal["auto", "float32", "float16", "bfloat16"]
# After an out-of-memory error, the next attempt waits at least this long: the
# other slots' generations finish meanwhile and give their memory back.
OOM_RETRY_AFTER_SECONDS = 10.0


class DeviceUnavailable(RuntimeError):
    """The configured device is not there; the message is one line naming the setting."""


@dataclass(frozen=True)
class TorchPlacement:
    device: str  # "cpu", "cuda", "cuda:1", "mps"
    dtype: str  # "float32", "float16", "bfloat16"

    def torch_dtype(self) -> Any:
        import torch

        return getattr(torch, self.dtype)


def torch_installed() -> bool:
    return importlib.util.find_spec("torch") is not None


def torch_in_use(settings: Settings) -> bool:
    """Whether this process has a torch model configured (or a device asked for
    explicitly): only then is torch imported to resolve and report the device."""
    return (
        any(
            d is not None
            for d in (
                settings.musicgen_model_dir,
                settings.musicgen_melody_model_dir,
                settings.demucs_model_dir,
            )
        )
        or settings.torch_device != "auto"
    )


def _cuda_available(torch: Any) -> bool:
    return bool(torch.cuda.is_available())


def _mps_available(torch: Any) -> bool:
    backend = getattr(torch.backends, "mps", None)
    return bool(backend is not None and backend.is_available())


def resolve_device(setting: str) -> str:
    """The device ``setting`` names, checked against what torch sees.
    DeviceUnavailable for an explicit device that is not there."""
    setting = setting.strip().lower()
    if not re.match(DEVICE_PATTERN, setting):
        raise DeviceUnavailable(
            f"{DEVICE_SETTING}={setting!r} is not one of auto, cpu, cuda, cuda:N, mps"
        )
    if setting == "cpu":
        return "cpu"
    if not torch_installed():
        if setting == "auto":
            return "cpu"
        raise DeviceUnavailable(
            f"{DEVICE_SETTING}={setting} but torch is not installed: "
            "pip install 'soundstage[musicgen]' (a CUDA build of torch for a GPU)"
        )
    import torch

    if setting == "auto":
        if _cuda_available(torch):
            return "cuda"
        if _mps_available(torch):
            return "mps"
        return "cpu"
    if setting == "mps":
        if not _mps_available(torch):
            raise DeviceUnavailable(
                f"{DEVICE_SETTING}=mps but torch sees no Apple MPS device (set it to auto or cpu)"
            )
        return "mps"
    # cuda or cuda:N
    if not _cuda_available(torch):
        build = getattr(torch.version, "cuda", None)
        why = (
            "this torch is a CPU-only build"
            if build is None
            else f"torch (CUDA {build}) sees no GPU: check the driver and the GPU access"
        )
        raise DeviceUnavailable(
            f"{DEVICE_SETTING}={setting} but no CUDA device is available ({why}); "
            "set it to auto or cpu to run on the CPU"
        )
    if ":" in setting:
        index = int(setting.split(":", 1)[1])
        count = int(torch.cuda.device_count())
        if index >= count:
            raise DeviceUnavailable(
                f"{DEVICE_SETTING}={setting} but only {count} CUDA device(s) are visible "
                f"(cuda:0 to cuda:{count - 1})"
            )
    return setting


def resolve_dtype(setting: str, device: str) -> str:
    """The precision ``setting`` names on ``device``. ``auto`` is float32 (see the
    module docstring); float16 on the CPU is refused: most CPU kernels have no
    float16 path and fall back to slow conversions (bfloat16 is the CPU's half)."""
    setting = setting.strip().lower()
    if setting == "auto":
        return "float32"
    if setting not in ("float32", "float16", "bfloat16"):
        raise DeviceUnavailable(
            f"{DTYPE_SETTING}={setting!r} is not one of auto, float32, float16, bfloat16"
        )
    if setting == "float16" and device == "cpu":
        raise DeviceUnavailable(
            f"{DTYPE_SETTING}=float16 on the CPU: use bfloat16 or float32 there"
        )
    return setting


@functools.lru_cache(maxsize=8)
def placement_for(device_setting: str, dtype_setting: str) -> TorchPlacement:
    """The placement two setting values name (cached: resolved once per process)."""
    device = resolve_device(device_setting)
    return TorchPlacement(device, resolve_dtype(dtype_setting, device))


def placement(settings: Settings) -> TorchPlacement:
    """Where this process's torch models run (resolved once per setting).
    DeviceUnavailable when an explicit device is missing."""
    return placement_for(settings.torch_device, settings.torch_dtype)


def job_device(settings: Settings) -> str:
    """The device for a torch model inside a job: PermanentError naming the
    setting when it is missing (a worker started without it refuses to start,
    so this is the API-and-worker-in-one-process case)."""
    try:
        return placement(settings).device
    except DeviceUnavailable as exc:
        raise PermanentError(str(exc)) from exc


def require_device(settings: Settings) -> TorchPlacement | None:
    """At worker start: the placement, or DeviceUnavailable (the worker exits
    with its one-line message). None when no torch model is configured and no
    device asked for: torch is then not even imported."""
    if not torch_in_use(settings):
        return None
    return placement(settings)


def describe(settings: Settings) -> TorchPlacement | None:
    """For ``/ready`` and ``/metrics``: the placement, or None when no torch model
    is configured here (or the configured device is missing)."""
    if not torch_in_use(settings):
        return None
    try:
        return placement(settings)
    except DeviceUnavailable:
        return None


def model_dtype(where: TorchPlacement, *, half_supported: bool = True) -> str:
    """The dtype a model actually loads in: float32 for models without half kernels."""
    return where.dtype if half_supported else "float32"


def is_out_of_memory(exc: BaseException) -> bool:
    """A CUDA (or MPS) allocator failure, as opposed to a bug."""
    try:
        import torch
    except ImportError:  # pragma: no cover - no torch, no torch OOM
        return False
    oom_type = getattr(torch, "OutOfMemoryError", None) or getattr(
        torch.cuda, "OutOfMemoryError", None
    )
    if oom_type is not None and isinstance(exc, oom_type):
        return True
    # MPS reports as a RuntimeError with this wording
    return isinstance(exc, RuntimeError) and "out of memory" in str(exc).lower()


def free_memory(device: str) -> None:
    """Give cached allocator blocks back, so the retry (or the next batch) has room."""
    gc.collect()
    try:
        import torch
    except ImportError:  # pragma: no cover
        return
    if device.startswith("cuda") and torch.cuda.is_available():
        torch.cuda.empty_cache()
    elif device == "mps" and _mps_available(torch):
        torch.mps.empty_cache()


@contextlib.contextmanager
def out_of_memory_is_retryable(device: str, what: str) -> Iterator[None]:
    """An out-of-memory error inside becomes a RetryableError after the cache is
    emptied: the attempt fails, the job is retried later, the worker lives on."""
    try:
        yield
    except Exception as exc:
        if not is_out_of_memory(exc):
            raise
        log.warning("%s ran out of memory on %s; freeing the cache, retrying later", what, device)
        # The traceback holds the frames (and their tensors): drop it before freeing.
        exc.__traceback__ = None
        free_memory(device)
        raise RetryableError(
            f"{what} ran out of memory on {device}; the job will be retried",
            retry_after=OOM_RETRY_AFTER_SECONDS,
        ) from None
