"""ffmpeg children die with the coroutine that started them: a canceled job
leaves no encoder running."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest

from soundstage.audio.ffmpeg import ffmpeg_exe, ffmpeg_log, run_ffmpeg

# An endless silent source, paced in real time, so ffmpeg runs until killed.
ENDLESS = ["-re", "-f", "lavfi", "-i", "anullsrc=r=8000:cl=mono", "-f", "null", "-"]


def _ffmpeg_children() -> set[int]:
    """Live (not zombie) ffmpeg processes whose parent is this process."""
    import os

    found = set()
    me = os.getpid()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            exe = os.readlink(entry / "exe")
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[1]) == me and fields[0] != "Z" and exe == os.path.realpath(ffmpeg_exe()):
            found.add(int(entry.name))
    return found


@pytest.mark.parametrize(
    "start",
    [
        lambda: run_ffmpeg(ENDLESS),
        lambda: ffmpeg_log(ENDLESS),
    ],
    ids=["run_ffmpeg", "ffmpeg_log"],
)
async def test_cancelling_kills_the_child(start: Callable[[], Awaitable[object]]) -> None:
    before = _ffmpeg_children()
    task = asyncio.ensure_future(start())
    for _ in range(200):
        if _ffmpeg_children() - before:
            break
        await asyncio.sleep(0.01)
    assert _ffmpeg_children() - before, "ffmpeg never started"
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert not _ffmpeg_children() - before
