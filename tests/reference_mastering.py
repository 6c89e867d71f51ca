"""Mastering in separate passes (gain, then meters, then each encoder), as the
pipeline did before ``master_chapter`` did it all in one ffmpeg process. Kept
here, in the tests, as the reference the one-pass result is checked against.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from soundstage.audio.ffmpeg import run_ffmpeg
from soundstage.audio.master import (
    AAC_ARGS,
    SAMPLE_RATE,
    ChapterReport,
    Target,
    chapter_report,
    gain_chain,
    join_m4b,
    measure,
    mp3_args,
    wav_seconds,
)


async def apply_gain(source: Path, target_path: Path, gain_db: float, target: Target) -> None:
    """Pass two: the book's gain and the limiter, applied to one chapter."""
    await run_ffmpeg(
        [
            "-i", str(source),
            "-af", gain_chain(gain_db, target),
            "-ar", str(SAMPLE_RATE), "-ac", "1", "-c:a", "pcm_s16le", str(target_path),
        ]
    )  # fmt: skip


async def check_chapter(
    index: int, title: str, path: Path, target: Target, *, head_seconds: float
) -> ChapterReport:
    """Measure a mastered chapter file and judge it against the target."""
    levels = await measure([path], true_peak=target == "podcast")
    # The head is room tone only: its RMS is the noise floor a checker hears.
    floor = (await measure([path], seconds=head_seconds, true_peak=False)).rms_db
    return chapter_report(index, title, wav_seconds(path), levels, floor, target)


async def encode_mp3(source: Path, out: Path, tags: dict[str, str | int | None]) -> None:
    """CBR 192 kbps, 44.1 kHz mono, ID3v2.3 tags (title, album, artist, track)."""
    await run_ffmpeg(["-i", str(source), *mp3_args(tags), str(out)])


async def encode_aac(source: Path, out: Path) -> None:
    """One chapter as AAC (see ``AAC_ARGS``)."""
    await run_ffmpeg(["-i", str(source), *AAC_ARGS, str(out)])


async def encode_m4b(
    chapters: Sequence[tuple[Path, str]],
    out: Path,
    workdir: Path,
    *,
    tags: dict[str, str | int | None],
    cover: Path | None = None,
) -> None:
    """One AAC audiobook from chapter WAVs (encoded one by one, then joined)."""
    encoded: list[tuple[Path, str, float]] = []
    for i, (path, title) in enumerate(chapters):
        aac = workdir / f"m4b-part-{i:04d}.m4a"
        await encode_aac(path, aac)
        encoded.append((aac, title, wav_seconds(path)))
    await join_m4b(encoded, out, workdir, tags=tags, cover=cover)
