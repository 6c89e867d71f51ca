"""Files under ``{data_dir}/storage/{bucket}/{path}``; signed URLs served by the engine."""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

from soundstage.errors import Conflict, NotFound, PayloadTooLarge
from soundstage.storage import signing
from soundstage.storage.base import SignedUpload, SignedURL, validate_key

_CHUNK = 256 * 1024


class LocalStorage:
    def __init__(self, root: Path, secret: str) -> None:
        self.root = root.resolve()
        self._key = signing.derive_key(secret)
        for bucket in ("uploads", "renders"):
            (self.root / bucket).mkdir(parents=True, exist_ok=True)

    def resolve(self, bucket: str, path: str) -> Path:
        validate_key(bucket, path)
        target = (self.root / bucket / path).resolve()
        # validate_key already forbids '..'; this also defeats symlinks.
        if not target.is_relative_to(self.root / bucket):
            raise NotFound("object not found")
        return target

    async def put_file(self, bucket: str, path: str, source: Path, content_type: str) -> int:
        target = self.resolve(bucket, path)

        def _copy() -> int:
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp = target.with_name(f".{target.name}.{uuid.uuid4().hex}.part")
            try:
                shutil.copyfile(source, tmp)
                os.replace(tmp, target)  # readers never see a half-written object
            finally:
                with contextlib.suppress(FileNotFoundError):
                    tmp.unlink()
            return target.stat().st_size

        return await asyncio.to_thread(_copy)

    async def open(self, bucket: str, path: str) -> AsyncIterator[bytes]:
        target = self.resolve(bucket, path)
        try:
            fh = await asyncio.to_thread(target.open, "rb")
        except FileNotFoundError as exc:
            raise NotFound("object not found") from exc
        try:
            while chunk := await asyncio.to_thread(fh.read, _CHUNK):
                yield chunk
        finally:
            fh.close()

    async def download(self, bucket: str, path: str, target: Path) -> None:
        source = self.resolve(bucket, path)
        if not source.exists():
            raise NotFound("object not found")
        await asyncio.to_thread(shutil.copyfile, source, target)

    async def delete(self, bucket: str, path: str) -> None:
        target = self.resolve(bucket, path)

        def _delete() -> None:
            with contextlib.suppress(FileNotFoundError):
                target.unlink()
            # prune empty {user}/{owner} folders, never the bucket itself
            parent = target.parent
            while parent != self.root / bucket:
                try:
                    parent.rmdir()
                except OSError:
                    break
                parent = parent.parent

        await asyncio.to_thread(_delete)

    async def exists(self, bucket: str, path: str) -> bool:
        return await asyncio.to_thread(self.resolve(bucket, path).is_file)

    async def signed_url(
        self, bucket: str, path: str, *, expires_in: int, base_url: str
    ) -> SignedURL:
        validate_key(bucket, path)
        token, exp = signing.sign(self._key, bucket, path, expires_in)
        url = f"{base_url.rstrip('/')}/storage/v1/object/sign/{bucket}/{quote(path)}?token={token}"
        return SignedURL(url=url, expires_at=datetime.fromtimestamp(exp, UTC))

    def verify_signed(self, bucket: str, path: str, token: str) -> Path:
        """The file a signed URL points at, or an error; never a file for a bad token."""
        signing.verify(self._key, token, bucket, path)
        target = self.resolve(bucket, path)
        if not target.is_file():
            raise NotFound("object not found")
        return target

    async def signed_upload_url(
        self,
        bucket: str,
        path: str,
        *,
        content_type: str,
        max_bytes: int,
        expires_in: int,
        base_url: str,
    ) -> SignedUpload:
        validate_key(bucket, path)
        token, exp = signing.sign_upload(self._key, bucket, path, expires_in, max_bytes)
        url = (
            f"{base_url.rstrip('/')}/storage/v1/object/upload/sign/{bucket}/{quote(path)}"
            f"?token={token}"
        )
        return SignedUpload(
            url=url,
            method="PUT",
            headers={"Content-Type": content_type},
            expires_at=datetime.fromtimestamp(exp, UTC),
        )

    def verify_upload(self, bucket: str, path: str, token: str) -> tuple[Path, int]:
        """Where a signed upload goes and how large it may be; the token is checked first."""
        max_bytes = signing.verify_upload(self._key, token, bucket, path)
        return self.resolve(bucket, path), max_bytes

    async def receive(self, target: Path, chunks: AsyncIterator[bytes], max_bytes: int) -> int:
        """Write a signed upload's body to ``target``, which must not exist yet.

        Like Supabase's signed uploads without upsert: the first complete body
        wins and later ones get 409, so an object validated after its upload
        cannot be replaced through the same link. The body goes to a temporary
        file first; a body over ``max_bytes`` leaves nothing behind.
        """
        if await asyncio.to_thread(target.exists):
            raise Conflict("the file for this upload link has already been uploaded")
        await asyncio.to_thread(target.parent.mkdir, parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.{uuid.uuid4().hex}.part")
        size = 0
        try:
            fh = await asyncio.to_thread(tmp.open, "wb")
            try:
                async for chunk in chunks:
                    size += len(chunk)
                    if size > max_bytes:
                        raise PayloadTooLarge(
                            f"the upload is larger than the {max_bytes} bytes declared for it"
                        )
                    await asyncio.to_thread(fh.write, chunk)
            finally:
                fh.close()
            try:
                # link() creates the name only if it is free: two racing uploads
                # cannot both win, and readers never see a half-written file.
                await asyncio.to_thread(os.link, tmp, target)
            except FileExistsError as exc:
                raise Conflict("the file for this upload link has already been uploaded") from exc
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()
            await asyncio.to_thread(self._prune_empty, target.parent)
            raise
        tmp.unlink()
        return size

    def _prune_empty(self, directory: Path) -> None:
        # empty {user}/{owner} folders left by a refused upload; never a bucket
        while directory.is_relative_to(self.root) and directory.parent != self.root:
            try:
                directory.rmdir()
            except OSError:
                break
            directory = directory.parent

    async def ping(self) -> None:
        await asyncio.to_thread(os.stat, self.root)
