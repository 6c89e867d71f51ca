from __future__ import annotations

import asyncio
import contextlib
import signal
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from functools import cache

from soundstage.errors import PermanentError


@cache
def ffmpeg_exe() -> str:
    import imageio_ffmpeg

    exe: str = imageio_ffmpeg.get_ffmpeg_exe()
    return exe


@contextlib.asynccontextmanager
async def killed_if_interrupted(proc: asyncio.subprocess.Process) -> AsyncIterator[None]:
    """Kill ``proc`` if the block is left by an exception, cancellation above
    all (job cancellation, worker shutdown): no ffmpeg outlives its job."""
    try:
        yield
    except BaseException:
        if proc.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                proc.send_signal(signal.SIGKILL)
            await proc.wait()
        raise


async def run_ffmpeg(
    args: Sequence[str],
    *,
    duration_s: float | None = None,
    on_progress: Callable[[float], Awaitable[None]] | None = None,
) -> None:
    """Run ffmpeg with ``-progress`` on stdout and report the fraction done.

    The child is killed if this coroutine is cancelled (:func:`killed_if_interrupted`).
    """
    proc = await asyncio.create_subprocess_exec(
        ffmpeg_exe(),
        "-hide_banner",
        "-nostdin",
        "-loglevel",
        "error",
        "-progress",
        "pipe:1",
        "-y",
        *args,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stderr is not None
    stderr_task = asyncio.create_task(proc.stderr.read())
    try:
        async with killed_if_interrupted(proc):
            async for raw in proc.stdout:
                key, _, value = raw.decode(errors="replace").strip().partition("=")
                if key == "out_time_us" and duration_s and on_progress and value.isdigit():
                    await on_progress(min(1.0, int(value) / 1e6 / duration_s))
            code = await proc.wait()
    except BaseException:
        stderr_task.cancel()
        raise
    err = (await stderr_task).decode(errors="replace").strip()
    if code != 0:
        # ffmpeg's own words are about our inputs, not secrets; keep them short.
        raise PermanentError(f"audio processing failed: {err.splitlines()[-1] if err else code}")


async def ffmpeg_log(args: Sequence[str], *, what: str = "process the audio") -> str:
    """Run ffmpeg and return its log (stderr at the default level), which is
    where analysis filters (``astats``, ``ebur128``) print their summaries.

    Killed if this coroutine is cancelled, like :func:`run_ffmpeg`.
    """
    proc = await asyncio.create_subprocess_exec(
        ffmpeg_exe(), "-hide_banner", "-nostdin", "-nostats", "-y", *args,
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    async with killed_if_interrupted(proc):
        _, err = await proc.communicate()
    text = err.decode(errors="replace")
    if proc.returncode != 0:
        last = text.strip().splitlines()[-1] if text.strip() else proc.returncode
        raise PermanentError(f"could not {what}: {last}")
    return text
