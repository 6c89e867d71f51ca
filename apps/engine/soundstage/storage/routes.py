"""The local backend's signed download and upload routes, at Supabase Storage's paths."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import FileResponse, JSONResponse
from pydantic import BaseModel, Field
from starlette.datastructures import Headers
from starlette.datastructures import UploadFile as StarletteUploadFile
from starlette.responses import MalformedRangeHeader, RangeNotSatisfiable
from starlette.types import Receive, Scope, Send

from soundstage.errors import BadRequest, NotFound, PayloadTooLarge
from soundstage.errors_http import error_responses
from soundstage.storage.local import LocalStorage

router = APIRouter(tags=["storage"])

UPLOAD_PREFIX = "/storage/v1/object/upload/sign/"


class UploadedObject(BaseModel):
    """Supabase's answer to a signed upload: the object's ``{bucket}/{path}``."""

    key: str = Field(serialization_alias="Key")


def _local(request: Request) -> LocalStorage:
    storage = request.app.state.engine.storage
    if not isinstance(storage, LocalStorage):
        raise NotFound("signed URLs are served by Supabase Storage in this deployment")
    return storage


_BINARY = {"schema": {"type": "string", "format": "binary"}}
# audio and video first (what outputs mostly are); */*: JSON, MIDI, LRC, images too
_ANY_FILE = {"audio/*": _BINARY, "video/*": _BINARY, "image/*": _BINARY, "*/*": _BINARY}

# The file itself, not JSON: typed clients must read it as a Blob (parseAs: "blob").
DOWNLOAD_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"description": "The whole file", "content": _ANY_FILE},
    206: {
        "description": "The byte range asked for with Range (see Content-Range)",
        "content": _ANY_FILE,
    },
    **error_responses(400, 404, 416),
}


_DOWNLOAD = "/storage/v1/object/sign/{bucket}/{path:path}"


class _SignedFile(FileResponse):
    """Starlette's FileResponse (200, 206, HEAD), with its plain-text 400 and
    416 for a bad ``Range`` answered in the engine's JSON envelope instead."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        wanted = Headers(scope=scope).get("range")
        if wanted is not None and self.status_code == 200:
            size = (await asyncio.to_thread(os.stat, self.path)).st_size
            try:
                self._parse_range_header(wanted, size)
            except MalformedRangeHeader as exc:
                error = BadRequest(f"bad Range header: {exc.content}")
                body, status, headers = error.to_body(), 400, {}
            except RangeNotSatisfiable:
                body = {
                    "error": {
                        "code": "range_not_satisfiable",
                        "message": f"the range is outside the file's {size} bytes",
                        "details": {"size": size},
                    }
                }
                status, headers = 416, {"Content-Range": f"bytes */{size}"}
            else:
                await super().__call__(scope, receive, send)
                return
            await JSONResponse(body, status_code=status, headers=headers)(scope, receive, send)
            return
        await super().__call__(scope, receive, send)


@router.get(
    _DOWNLOAD,
    operation_id="download_signed",
    response_class=FileResponse,
    responses=DOWNLOAD_RESPONSES,
)
@router.head(
    _DOWNLOAD,
    operation_id="download_signed_head",
    response_class=FileResponse,
    responses=DOWNLOAD_RESPONSES,
)
async def download_signed(
    request: Request, bucket: str, path: str, token: str = Query(min_length=1)
) -> _SignedFile:
    """A signed download: the file (any media type), ``Range`` answered with 206
    (416 past the end), ``HEAD`` for the headers alone; 400 ``invalid_signature``
    for an expired or tampered token."""
    storage = _local(request)
    target = storage.verify_signed(bucket, path, token)
    return _SignedFile(
        target,
        filename=target.name,
        content_disposition_type="attachment",
        headers={"Cache-Control": "private, max-age=60"},
    )


@router.put(
    UPLOAD_PREFIX + "{bucket}/{path:path}",
    response_model=UploadedObject,
    response_model_by_alias=True,
    responses=error_responses(400, 404, 409, 413),
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/octet-stream": {"schema": {"type": "string", "format": "binary"}},
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "properties": {"": {"type": "string", "format": "binary"}},
                    }
                },
            },
        }
    },
)
async def upload_signed(
    request: Request, bucket: str, path: str, token: str = Query(min_length=1)
) -> UploadedObject:
    """Store the request body as one object (the local twin of Supabase's signed upload).

    The body is the file itself (any ``Content-Type``), or a multipart form with
    one file part as supabase-js sends it; the file may be at most the size
    declared when the link was made, and the object must not exist yet.
    """
    storage = _local(request)
    target, max_bytes = storage.verify_upload(bucket, path, token)
    declared = request.headers.get("content-length")
    # multipart framing (a few hundred bytes) may come on top of the file itself
    slack = _MULTIPART_SLACK if _is_multipart(request) else 0
    if declared is not None and declared.isdigit() and int(declared) > max_bytes + slack:
        raise PayloadTooLarge(f"the upload is larger than the {max_bytes} bytes declared for it")
    if _is_multipart(request):
        # supabase-js' uploadToSignedUrl sends a Blob as multipart form data (the
        # file under "" beside "cacheControl"), and Supabase stores the file part:
        # so does this twin, or `complete` would find the framing in the size.
        await storage.receive(target, _multipart_file(request, max_bytes), max_bytes)
    else:
        await storage.receive(target, request.stream(), max_bytes)
    return UploadedObject(key=f"{bucket}/{path}")


_MULTIPART_SLACK = 64 * 1024
_READ = 256 * 1024


def _is_multipart(request: Request) -> bool:
    return request.headers.get("content-type", "").lower().startswith("multipart/form-data")


async def _multipart_file(request: Request, max_bytes: int) -> AsyncIterator[bytes]:
    """The one file part of a multipart body, in chunks."""
    form = await request.form(max_files=1, max_fields=8, max_part_size=64 * 1024)
    try:
        files = [v for v in form.values() if isinstance(v, StarletteUploadFile)]
        if len(files) != 1:
            raise BadRequest("a multipart upload must carry exactly one file")
        while chunk := await files[0].read(_READ):
            yield chunk
    finally:
        await form.close()
