"""The local backend's signed download route, at Supabase Storage's path."""

from __future__ import annotations

from fastapi import APIRouter, Query, Request
from fastapi.responses import FileResponse

from soundstage.errors import NotFound
from soundstage.storage.local import LocalStorage

router = APIRouter(tags=["storage"])


@router.get("/storage/v1/object/sign/{bucket}/{path:path}", include_in_schema=True)
async def download_signed(
    request: Request, bucket: str, path: str, token: str = Query(min_length=1)
) -> FileResponse:
    storage = request.app.state.engine.storage
    if not isinstance(storage, LocalStorage):
        raise NotFound("signed URLs are served by Supabase Storage in this deployment")
    target = storage.verify_signed(bucket, path, token)
    return FileResponse(
        target,
        filename=target.name,
        content_disposition_type="attachment",
        headers={"Cache-Control": "private, max-age=60"},
    )
