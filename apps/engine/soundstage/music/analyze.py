"""``POST /v1/analyze``: analysis answered within the request, for short files.

The file is either sent in the request (typed by content, like an upload) or
named by ``upload_id``. Analysis is CPU work in a thread; a per-process cap
keeps a burst of requests from starving the event loop's executor.
"""

from __future__ import annotations

import asyncio
import contextlib
import tempfile
import weakref
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field
from starlette.datastructures import UploadFile

from soundstage.audio.analysis import Analysis, analyze_file
from soundstage.audio.decode import UndecodableError, probe_audio
from soundstage.auth.tokens import Principal
from soundstage.errors import NotFound, PayloadTooLarge, UnsupportedMediaType, ValidationFailed
from soundstage.resources import Engine
from soundstage.sniff import UnsupportedContent, UploadCategory, detect
from soundstage.uploads import repository as uploads_repo

MAX_SECONDS = 60.0
CONCURRENCY = 2
_CHUNK = 1024 * 1024

# One cap per event loop (tests run several apps; a semaphore binds to a loop).
_slots: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore] = (
    weakref.WeakKeyDictionary()
)


def _slot() -> asyncio.Semaphore:
    loop = asyncio.get_running_loop()
    if loop not in _slots:
        _slots[loop] = asyncio.Semaphore(CONCURRENCY)
    return _slots[loop]


class AnalyzeRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    upload_id: UUID = Field(description="An audio upload of yours, at most 60 s long.")


class AnalysisResult(BaseModel):
    duration_s: float
    sample_rate: int = Field(description="Of the file, in Hz.")
    channels: int
    tempo_bpm: float = Field(description="Folded into 70-180 BPM; 0 when there is no pulse.")
    beat_times: list[float] = Field(description="Seconds from the start.")
    key: str = Field(description='The tonic, e.g. "A", "Eb", "F#".')
    mode: str = Field(description='"major" or "minor".')
    key_confidence: float = Field(description="Correlation with the key's profile, 0-1.")
    integrated_lufs: float
    true_peak_db: float

    @classmethod
    def of(cls, a: Analysis) -> AnalysisResult:
        return cls(**a.to_dict())


@contextlib.contextmanager
def _workdir(engine: Engine) -> Iterator[Path]:
    root = engine.settings.data_path / "tmp"
    root.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=root) as work:
        yield Path(work)


def _analyze_short(path: Path, name: str | None) -> Analysis:
    """Type by content, refuse what is not audio or longer than MAX_SECONDS."""
    try:
        found = detect(path, name)
    except UnsupportedContent as exc:
        raise UnsupportedMediaType(str(exc)) from exc
    if found.category is not UploadCategory.AUDIO:
        raise UnsupportedMediaType(
            f"expected an audio file but the content is {found.category.value} ({found.format})"
        )
    try:
        info = probe_audio(path)
        if info.duration_s > MAX_SECONDS + 0.5:
            raise ValidationFailed(_too_long(info.duration_s))
        # A header may not state (or may misstate) the length: decode one
        # second past the cap and refuse if that much was there.
        result = analyze_file(path, max_seconds=MAX_SECONDS + 1.0)
    except UndecodableError as exc:
        raise ValidationFailed(str(exc)) from exc
    if result.duration_s > MAX_SECONDS + 0.5:
        raise ValidationFailed(_too_long(None))
    return result


def _too_long(seconds: float | None) -> str:
    length = (
        f"lasts {seconds:.1f} s" if seconds is not None else f"is longer than {MAX_SECONDS:g} s"
    )
    return (
        f"the audio {length}; /v1/analyze answers for files up to {MAX_SECONDS:g} s. "
        "For longer files create an `analysis` job."
    )


async def _run(path: Path, name: str | None) -> AnalysisResult:
    async with _slot():
        result = await asyncio.to_thread(_analyze_short, path, name)
    return AnalysisResult.of(result)


async def analyze_stream(
    engine: Engine, chunks: AsyncIterator[bytes], name: str | None
) -> AnalysisResult:
    limit = engine.settings.max_upload_bytes_audio
    with _workdir(engine) as work:
        path = work / "audio"
        size = 0
        with path.open("wb") as out:
            async for chunk in chunks:
                size += len(chunk)
                if size > limit:
                    raise PayloadTooLarge(f"audio files may be at most {limit} bytes")
                await asyncio.to_thread(out.write, chunk)
        if size == 0:
            raise ValidationFailed("the file is empty")
        return await _run(path, name)


async def file_chunks(file: UploadFile) -> AsyncIterator[bytes]:
    while chunk := await file.read(_CHUNK):
        yield chunk


async def analyze_upload(engine: Engine, who: Principal, upload_id: UUID) -> AnalysisResult:
    async with engine.db.as_user(who.claims) as conn:
        row = await uploads_repo.get_upload(conn, upload_id)
    if row is None:  # another user's upload is invisible under RLS: 404 either way
        raise NotFound("upload not found")
    if row["category"] != "audio":
        raise ValidationFailed(f"upload_id: that upload is {row['category']}, not audio")
    with _workdir(engine) as work:
        path = work / f"audio.{row['format']}"
        await engine.storage.download(row["bucket"], row["object_path"], path)
        return await _run(path, row["original_name"])
