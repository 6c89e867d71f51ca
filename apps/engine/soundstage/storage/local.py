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

from soundstage.errors import NotFound
from soundstage.storage import signing
from soundstage.storage.base import SignedURL, validate_key

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

    async def ping(self) -> None:
        await asyncio.to_thread(os.stat, self.root)
