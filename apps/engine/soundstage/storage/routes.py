"""The local backend's signed download and upload routes, at Supabase Storage's paths."""

from __future__ import annotations

from fastapi import APIRouter, Query, Request
from fastapi.responses import FileResponse
from pydantic import BaseModel, Field

from soundstage.errors import NotFound, PayloadTooLarge
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


@router.get(
    "/storage/v1/object/sign/{bucket}/{path:path}",
    include_in_schema=True,
    response_class=FileResponse,
    responses={
        200: {"content": {"*/*": {}}, "description": "The object's bytes, of its own type"},
        **error_responses(400, 404),
    },
)
async def download_signed(
    request: Request, bucket: str, path: str, token: str = Query(min_length=1)
) -> FileResponse:
    storage = _local(request)
    target = storage.verify_signed(bucket, path, token)
    return FileResponse(
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
)
async def upload_signed(
    request: Request, bucket: str, path: str, token: str = Query(min_length=1)
) -> UploadedObject:
    """Store the request body as one object (the local twin of Supabase's signed upload).

    The body is the file itself (any ``Content-Type``); it may be at most the
    size declared when the link was made, and the object must not exist yet.
    """
    storage = _local(request)
    target, max_bytes = storage.verify_upload(bucket, path, token)
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > max_bytes:
        raise PayloadTooLarge(f"the upload is larger than the {max_bytes} bytes declared for it")
    await storage.receive(target, request.stream(), max_bytes)
    return UploadedObject(key=f"{bucket}/{path}")
