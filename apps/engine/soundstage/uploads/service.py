"""Upload rules: the type is decided by content, sizes are bounded per type,
names are data (never paths), and a refused file leaves nothing behind."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import tempfile
import uuid
from pathlib import Path, PurePosixPath
from uuid import UUID

import asyncpg
from fastapi import UploadFile

from soundstage.auth.tokens import Principal
from soundstage.engine import Engine
from soundstage.errors import (
    NotFound,
    PayloadTooLarge,
    UnsupportedMediaType,
    ValidationFailed,
)
from soundstage.pagination import decode_cursor, encode_cursor
from soundstage.storage import object_path
from soundstage.uploads import repository as repo
from soundstage.uploads.schemas import Upload, UploadList
from soundstage.uploads.sniff import Detected, UnsupportedContent, UploadCategory, detect

BUCKET = "uploads"
_CHUNK = 1024 * 1024

# What a file name's extension claims; content must agree with it.
_EXTENSION_CATEGORY: dict[str, UploadCategory] = {
    **dict.fromkeys(
        ("txt", "text", "md", "markdown", "html", "htm", "xhtml", "epub", "docx", "pdf"),
        UploadCategory.MANUSCRIPT,
    ),
    **dict.fromkeys(
        ("wav", "wave", "mp3", "flac", "ogg", "oga", "opus", "m4a", "m4b", "aac"),
        UploadCategory.AUDIO,
    ),
    **dict.fromkeys(("mid", "midi"), UploadCategory.MIDI),
    **dict.fromkeys(("png", "jpg", "jpeg", "webp"), UploadCategory.IMAGE),
}


def check_filename(name: str | None) -> str:
    """The original name is kept as data, so it only has to be sane text."""
    if not name or not name.strip():
        raise ValidationFailed("the file needs a name")
    if len(name.encode("utf-8", "surrogatepass")) > 255:
        raise ValidationFailed("file name is too long (255 bytes at most)")
    if any(ord(c) < 32 or ord(c) == 127 for c in name):
        raise ValidationFailed("file name contains control characters")
    if "/" in name or "\\" in name or name.strip() in {".", ".."}:
        raise ValidationFailed("file name must not contain a path")
    return name.strip()


def _claimed_category(name: str) -> UploadCategory | None:
    suffix = PurePosixPath(name).suffix.lower().lstrip(".")
    return _EXTENSION_CATEGORY.get(suffix)


class UploadService:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        s = engine.settings
        self.limits = {
            UploadCategory.MANUSCRIPT: s.max_upload_bytes_manuscript,
            UploadCategory.AUDIO: s.max_upload_bytes_audio,
            UploadCategory.MIDI: s.max_upload_bytes_midi,
            UploadCategory.IMAGE: s.max_upload_bytes_image,
        }

    @property
    def max_bytes(self) -> int:
        return max(self.limits.values())

    async def _to_upload(self, row: asyncpg.Record, base_url: str) -> Upload:
        signed = await self.engine.storage.signed_url(
            row["bucket"],
            row["object_path"],
            expires_in=self.engine.settings.signed_url_ttl_seconds,
            base_url=base_url,
        )
        return Upload(
            id=row["id"],
            category=UploadCategory(row["category"]),
            format=row["format"],
            content_type=row["content_type"],
            original_name=row["original_name"],
            bytes=row["bytes"],
            sha256=row["sha256"],
            created_at=row["created_at"],
            url=signed.url,
            expires_at=signed.expires_at,
        )

    async def _spool(self, file: UploadFile, target: Path) -> tuple[int, str]:
        digest = hashlib.sha256()
        size = 0
        with target.open("wb") as out:
            while chunk := await file.read(_CHUNK):
                size += len(chunk)
                if size > self.max_bytes:
                    raise PayloadTooLarge(f"file is larger than {self.max_bytes} bytes")
                digest.update(chunk)
                await asyncio.to_thread(out.write, chunk)
        return size, digest.hexdigest()

    def _classify(
        self, path: Path, name: str, size: int, expected: UploadCategory | None
    ) -> Detected:
        if size == 0:
            raise ValidationFailed("the file is empty")
        try:
            found = detect(path, name)
        except UnsupportedContent as exc:
            raise UnsupportedMediaType(str(exc)) from exc
        claimed = _claimed_category(name)
        if claimed is not None and claimed is not found.category:
            raise UnsupportedMediaType(
                f"the file is named as {claimed.value} but its content is {found.category.value} "
                f"({found.format})"
            )
        if expected is not None and expected is not found.category:
            raise UnsupportedMediaType(
                f"expected a {expected.value} file but the content is {found.category.value} "
                f"({found.format})"
            )
        limit = self.limits[found.category]
        if size > limit:
            raise PayloadTooLarge(
                f"{found.category.value} files may be at most {limit} bytes; this one has {size}"
            )
        return found

    async def create(
        self,
        who: Principal,
        file: UploadFile,
        expected: UploadCategory | None,
        base_url: str,
    ) -> Upload:
        name = check_filename(file.filename)
        tmp_dir = self.engine.settings.data_path / "tmp"
        tmp_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=tmp_dir) as work:
            spooled = Path(work) / "upload"
            size, sha256 = await self._spool(file, spooled)
            found = await asyncio.to_thread(self._classify, spooled, name, size, expected)
            upload_id = uuid.uuid4()
            path = object_path(who.user_id, upload_id, f"source.{found.format}")
            storage = self.engine.storage
            await storage.put_file(BUCKET, path, spooled, found.content_type)
            try:
                async with self.engine.db.as_user(who.claims) as conn:
                    row = await repo.insert_upload(
                        conn,
                        upload_id=upload_id,
                        user_id=who.user_id,
                        category=found.category.value,
                        format=found.format,
                        content_type=found.content_type,
                        original_name=name,
                        bucket=BUCKET,
                        object_path=path,
                        size=size,
                        sha256=sha256,
                    )
            except BaseException:
                # no row, no file: the object is removed before the error travels on
                with contextlib.suppress(OSError):
                    await storage.delete(BUCKET, path)
                raise
        return await self._to_upload(row, base_url)

    async def get(self, who: Principal, upload_id: UUID, base_url: str) -> Upload:
        async with self.engine.db.as_user(who.claims) as conn:
            row = await repo.get_upload(conn, upload_id)
        if row is None:
            raise NotFound("upload not found")
        return await self._to_upload(row, base_url)

    async def list(
        self,
        who: Principal,
        *,
        category: UploadCategory | None,
        cursor: str | None,
        limit: int,
        base_url: str,
    ) -> UploadList:
        before = decode_cursor(cursor) if cursor else None
        async with self.engine.db.as_user(who.claims) as conn:
            rows = await repo.list_uploads(
                conn,
                limit=limit + 1,
                category=category.value if category else None,
                before=before,
            )
        page = rows[:limit]
        return UploadList(
            items=[await self._to_upload(r, base_url) for r in page],
            next_cursor=encode_cursor(page[-1]["created_at"], page[-1]["id"])
            if len(rows) > limit
            else None,
        )

    async def delete(self, who: Principal, upload_id: UUID) -> None:
        async with self.engine.db.as_user(who.claims) as conn:
            row = await repo.delete_upload(conn, upload_id)
        if row is None:
            raise NotFound("upload not found")
        await self.engine.storage.delete(row["bucket"], row["object_path"])
