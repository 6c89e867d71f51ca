"""Upload rules: the type is decided by content, sizes are bounded per type,
names are data (never paths), and a refused file leaves nothing behind."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import tempfile
import unicodedata
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path, PurePosixPath
from uuid import UUID

import asyncpg
from fastapi import UploadFile

from soundstage.audio.decode import UndecodableError, check_audio
from soundstage.audio.midi import check_midi
from soundstage.auth.tokens import Principal
from soundstage.errors import (
    Conflict,
    NotFound,
    PayloadTooLarge,
    SoundstageError,
    UnsupportedMediaType,
    ValidationFailed,
)
from soundstage.pagination import fetch_page
from soundstage.resources import Engine
from soundstage.sniff import Detected, UnsupportedContent, UploadCategory, detect
from soundstage.storage import object_path
from soundstage.uploads import repository as repo
from soundstage.uploads.schemas import SignedUpload, SignUploadRequest, Upload, UploadList

log = logging.getLogger(__name__)

BUCKET = "uploads"
_CHUNK = 1024 * 1024
# Direct uploads: unfinished ones a user may have at once, and how long after
# its link ran out an unfinished one is swept away (with its object, if any).
MAX_PENDING_UPLOADS = 20
_ABANDONED_AFTER = timedelta(days=1)

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


_INVISIBLE = frozenset({"Cf", "Zl", "Zp"})


def check_filename(name: str | None) -> str:
    """The original name is kept as data, so it only has to be sane text."""
    if name:
        # Invisible format characters (bidi overrides such as U+202E, which make
        # "gpj.exe" display as "exe.jpg"; zero-width ones), C1 controls (U+0085
        # is a line break to some readers) and line/paragraph separators are
        # dropped: the name is shown to people, and these only mislead.
        name = "".join(
            c
            for c in name
            if unicodedata.category(c) not in _INVISIBLE and not 0x80 <= ord(c) < 0xA0
        )
    if not name or not name.strip():
        raise ValidationFailed("the file needs a name")
    if len(name.encode("utf-8", "surrogatepass")) > 255:
        raise ValidationFailed("file name is too long (255 bytes at most)")
    if any(ord(c) < 32 or ord(c) == 127 for c in name):
        raise ValidationFailed("file name contains control characters")
    if "/" in name or "\\" in name or name.strip() in {".", ".."}:
        raise ValidationFailed("file name must not contain a path")
    return name.strip()


# The Content-Type a direct upload is sent with, by extension: storage checks it
# against the bucket's allowed types (the sniffer's), so only extensions with a
# sniffable type can be uploaded directly. The content still decides the type.
_EXTENSION_CONTENT_TYPE: dict[str, str] = {
    **dict.fromkeys(("txt", "text"), "text/plain"),
    **dict.fromkeys(("md", "markdown"), "text/markdown"),
    **dict.fromkeys(("html", "htm", "xhtml"), "text/html"),
    "epub": "application/epub+zip",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    **dict.fromkeys(("wav", "wave"), "audio/wav"),
    "mp3": "audio/mpeg",
    "flac": "audio/flac",
    **dict.fromkeys(("ogg", "oga", "opus"), "audio/ogg"),
    **dict.fromkeys(("m4a", "m4b"), "audio/mp4"),
    **dict.fromkeys(("mid", "midi"), "audio/midi"),
    "png": "image/png",
    **dict.fromkeys(("jpg", "jpeg"), "image/jpeg"),
    "webp": "image/webp",
}


def _extension(name: str) -> str:
    return PurePosixPath(name).suffix.lower().lstrip(".")


def _claimed_category(name: str) -> UploadCategory | None:
    return _EXTENSION_CATEGORY.get(_extension(name))


def _digest(path: Path) -> tuple[int, str]:
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            size += len(chunk)
            digest.update(chunk)
    return size, digest.hexdigest()


@contextlib.contextmanager
def _workdir(root: Path) -> Iterator[Path]:
    tmp_dir = root / "tmp"
    tmp_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=tmp_dir) as work:
        yield Path(work)


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
        self._check_size(found.category, size)
        self._check_decodes(path, found.category)
        return found

    def _check_decodes(self, path: Path, category: UploadCategory) -> None:
        # Decoded now, so a corrupt or over-long file is a 422 in this request
        # and never a failed job later. Decoding stops just past the cap.
        limit = self.engine.settings.max_audio_seconds
        try:
            if category is UploadCategory.AUDIO:
                check_audio(path, limit)
            elif category is UploadCategory.MIDI:
                check_midi(path, limit)
        except UndecodableError as exc:
            raise ValidationFailed(str(exc)) from exc

    def _check_size(self, category: UploadCategory, size: int) -> None:
        limit = self.limits[category]
        if size > limit:
            raise PayloadTooLarge(
                f"{category.value} files may be at most {limit} bytes; this one has {size}"
            )

    async def create(
        self,
        who: Principal,
        file: UploadFile,
        expected: UploadCategory | None,
        base_url: str,
    ) -> Upload:
        name = check_filename(file.filename)
        with _workdir(self.engine.settings.data_path) as work:
            spooled = work / "upload"
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
        async with self.engine.db.as_user(who.claims) as conn:
            page = await fetch_page(
                lambda n, before: repo.list_uploads(
                    conn,
                    limit=n,
                    category=category.value if category else None,
                    before=before,
                ),
                cursor,
                limit,
            )
        return UploadList(
            items=[await self._to_upload(r, base_url) for r in page.rows],
            next_cursor=page.next_cursor,
        )

    async def delete(self, who: Principal, upload_id: UUID) -> None:
        async with self.engine.db.as_user(who.claims) as conn:
            row = await repo.delete_upload(conn, upload_id)
        if row is None:
            raise NotFound("upload not found")
        await self.engine.storage.delete(row["bucket"], row["object_path"])

    # --- direct uploads: sign, the client sends the file to storage, complete ---

    async def sign(self, who: Principal, request: SignUploadRequest, base_url: str) -> SignedUpload:
        """A pending upload and a URL to send its file to; nothing is usable until
        :meth:`complete` has checked the stored file."""
        name = check_filename(request.filename)
        extension = _extension(name)
        content_type = _EXTENSION_CONTENT_TYPE.get(extension)
        if content_type is None:
            raise UnsupportedMediaType(
                "direct uploads need a file name ending in one of: "
                + ", ".join(f".{e}" for e in sorted(_EXTENSION_CONTENT_TYPE))
            )
        claimed = _claimed_category(name)
        assert claimed is not None  # every extension with a content type has a category
        if request.category is not None and request.category is not claimed:
            raise UnsupportedMediaType(
                f"expected a {request.category.value} file but the file is named as {claimed.value}"
            )
        # Refused before any byte moves; checked again on the stored file.
        self._check_size(claimed, request.bytes)

        await self._sweep_abandoned(who)
        async with self.engine.db.as_user(who.claims) as conn:
            if await repo.count_pending(conn) >= MAX_PENDING_UPLOADS:
                raise Conflict(
                    f"you have {MAX_PENDING_UPLOADS} unfinished direct uploads; complete or "
                    "delete some first"
                )
        upload_id = uuid.uuid4()
        path = object_path(who.user_id, upload_id, f"source.{extension}")
        signed = await self.engine.storage.signed_upload_url(
            BUCKET,
            path,
            content_type=content_type,
            max_bytes=request.bytes,
            expires_in=self.engine.settings.upload_url_ttl_seconds,
            base_url=base_url,
        )
        async with self.engine.db.as_user(who.claims) as conn:
            await repo.insert_pending(
                conn,
                upload_id=upload_id,
                user_id=who.user_id,
                expected_category=request.category.value if request.category else None,
                original_name=name,
                bucket=BUCKET,
                object_path=path,
                declared_bytes=request.bytes,
                upload_expires_at=signed.expires_at,
            )
        return SignedUpload(
            id=upload_id,
            upload_url=signed.url,
            method="PUT",
            headers=signed.headers,
            expires_at=signed.expires_at,
        )

    async def complete(self, who: Principal, upload_id: UUID, base_url: str) -> Upload:
        """Check the file a client stored through its signed URL; keep it only if it passes.

        The same rules as a multipart upload (type by content, name against
        content, the requested category, the per-type size limit), plus the size
        declared when signing. A file that fails is deleted with its row. Completing
        a ready upload again returns it unchanged, so a retried call is harmless.
        """
        async with self.engine.db.as_user(who.claims) as conn:
            row = await repo.get_any(conn, upload_id)
        if row is None:
            raise NotFound("upload not found")
        if row["status"] == "ready":
            return await self._to_upload(row, base_url)
        bucket, path, declared = row["bucket"], row["object_path"], row["bytes"]
        expected = UploadCategory(row["expected_category"]) if row["expected_category"] else None
        with _workdir(self.engine.settings.data_path) as work:
            stored = work / "upload"
            try:
                await self.engine.storage.download(bucket, path, stored)
            except NotFound as exc:
                raise Conflict(
                    "nothing has been uploaded for this upload yet; send the file to its "
                    "upload_url first"
                ) from exc
            size, sha256 = await asyncio.to_thread(_digest, stored)
            try:
                if size and size != declared:
                    raise ValidationFailed(
                        f"the uploaded file has {size} bytes but {declared} were declared"
                    )
                found = await asyncio.to_thread(
                    self._classify, stored, row["original_name"], size, expected
                )
            except SoundstageError:
                await self._discard(who, upload_id, bucket, path)
                raise
        async with self.engine.db.as_user(who.claims) as conn:
            done = await repo.complete_upload(
                conn,
                upload_id,
                category=found.category.value,
                format=found.format,
                content_type=found.content_type,
                size=size,
                sha256=sha256,
            )
            if done is None:  # completed (or deleted) by a concurrent call
                done = await repo.get_upload(conn, upload_id)
        if done is None:
            raise NotFound("upload not found")
        return await self._to_upload(done, base_url)

    async def _discard(self, who: Principal, upload_id: UUID, bucket: str, path: str) -> None:
        # The object goes first: if storage fails now, the row stays pending and
        # the sweep removes both later, so a refused file is never left unowned.
        try:
            await self.engine.storage.delete(bucket, path)
        except (SoundstageError, OSError):
            log.warning("could not delete refused upload %s; it will be swept later", upload_id)
            return
        async with self.engine.db.as_user(who.claims) as conn:
            await repo.delete_pending(conn, upload_id)

    async def _sweep_abandoned(self, who: Principal) -> None:
        """Remove this user's pending uploads whose link ran out long ago."""
        cutoff = datetime.now(UTC) - _ABANDONED_AFTER
        async with self.engine.db.as_user(who.claims) as conn:
            gone = await repo.delete_abandoned(conn, expired_before=cutoff)
        for r in gone:
            with contextlib.suppress(SoundstageError, OSError):
                await self.engine.storage.delete(r["bucket"], r["object_path"])
