"""Rules of the ``video`` kind that need the database or storage: what ``admit``
checks before a job exists, and what the story-video frontend's compatibility
routes ask (the caller's latest video job, one of its files)."""

from __future__ import annotations

import asyncio
import tempfile
from dataclasses import dataclass
from pathlib import Path
from uuid import UUID

from PIL import Image

from soundstage.auth.tokens import Principal
from soundstage.errors import NotFound, ValidationFailed
from soundstage.jobs import repository as jobs_repo
from soundstage.jobs.schemas import Job, JobCreate
from soundstage.jobs.service import JobService
from soundstage.pipelines import Admission, AdmitContext
from soundstage.providers.image import ai_provider
from soundstage.providers.tts import get_provider, resolve_voice
from soundstage.resources import Engine
from soundstage.uploads import repository as uploads_repo
from soundstage.video.schemas import VideoParams

KIND = "video"


def _decodes(path: Path) -> str | None:
    """None when Pillow decodes the whole picture, else why not."""
    try:
        with Image.open(path) as img:
            img.load()
            if img.width < 16 or img.height < 16:
                return "it is too small to fill a frame"
    except (OSError, ValueError, Image.DecompressionBombError) as exc:
        return f"it cannot be decoded ({exc})"
    return None


async def admit(ctx: AdmitContext, params: VideoParams) -> Admission:
    """Refuse at submit time (4xx) what would fail minutes later: a voice that
    does not exist, an unconfigured image provider, manual images that are not
    the caller's, not images, or do not decode."""
    provider_name, _voice = resolve_voice(params.voice_id)
    provider = get_provider(provider_name, ctx.engine)
    if provider_name == "local":
        known = [v.id for v in await provider.voices()]
        if params.voice_id not in known:
            raise ValidationFailed(
                f"voice_id: no voice {params.voice_id!r}; available: {', '.join(known)}"
            )
    if params.image_mode in ("ai_only", "mixed"):
        ai_provider(ctx.engine.settings)
    if not params.manual_image_paths:
        return Admission()
    rows = []
    for i, upload_id in enumerate(params.manual_image_paths):
        row = await uploads_repo.get_upload(ctx.conn, upload_id)
        if row is None:  # another user's upload is invisible under RLS: the same answer
            raise ValidationFailed(f"manual_image_paths[{i}]: no such upload")
        if row["category"] != "image":
            raise ValidationFailed(
                f"manual_image_paths[{i}]: that upload is {row['category']}, not an image"
            )
        rows.append(row)
    with tempfile.TemporaryDirectory(prefix="soundstage-admit-") as tmp:
        for i, row in enumerate(rows):
            target = Path(tmp) / f"{i}.{row['format']}"
            await ctx.engine.storage.download(row["bucket"], row["object_path"], target)
            problem = await asyncio.to_thread(_decodes, target)
            if problem is not None:
                raise ValidationFailed(f"manual_image_paths[{i}]: {problem}")
            target.unlink()
    return Admission()


@dataclass(frozen=True)
class VideoFile:
    """Where a finished video's MP4 lives in storage."""

    bucket: str
    object_path: str
    bytes: int


def compat_filename(job_id: UUID) -> str:
    return f"video_{job_id}.mp4"


def job_id_from_filename(filename: str) -> UUID | None:
    stem = filename.removesuffix(".mp4")
    if not stem.startswith("video_") or stem == filename:
        return None
    try:
        return UUID(stem.removeprefix("video_"))
    except ValueError:
        return None


class VideoService:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.jobs = JobService(engine)

    async def submit(self, who: Principal, params: dict[str, object], base_url: str) -> Job:
        return await self.jobs.create(who, JobCreate(kind=KIND, params=params), None, base_url)

    async def latest(self, who: Principal, base_url: str) -> Job | None:
        page = await self.jobs.list(
            who, status=None, kind=KIND, cursor=None, limit=1, base_url=base_url
        )
        return page.items[0] if page.items else None

    async def video_file(self, who: Principal, filename: str) -> VideoFile:
        """The MP4 of one of the caller's video jobs; anything else is 404."""
        job_id = job_id_from_filename(filename)
        if job_id is None:
            raise NotFound("video not found")
        async with self.engine.db.as_user(who.claims) as conn:
            job = await jobs_repo.get_job(conn, job_id)
            if job is None or job["kind"] != KIND:
                raise NotFound("video not found")
            outputs = await jobs_repo.list_outputs(conn, [job_id])
        for row in outputs:
            if row["name"] == "video.mp4":
                return VideoFile(row["bucket"], row["object_path"], row["bytes"])
        raise NotFound("video not found")
