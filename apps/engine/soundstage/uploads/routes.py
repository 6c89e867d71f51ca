from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, File, Form, Query, Request, Response, UploadFile, status

from soundstage.auth.deps import CurrentUser
from soundstage.errors import ValidationFailed
from soundstage.errors_http import error_responses
from soundstage.ratelimit.deps import RateLimited
from soundstage.resources import Engine, get_engine
from soundstage.sniff import UploadCategory
from soundstage.uploads.schemas import SignedUpload, SignUploadRequest, Upload, UploadList
from soundstage.uploads.service import UploadService

router = APIRouter(prefix="/v1/uploads", tags=["uploads"])


async def get_service(engine: Annotated[Engine, Depends(get_engine)]) -> UploadService:
    return UploadService(engine)


Service = Annotated[UploadService, Depends(get_service)]


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=Upload,
    responses=error_responses(401, 413, 415, 422, 429),
    dependencies=[Depends(RateLimited("uploads"))],
)
async def create_upload(
    request: Request,
    who: CurrentUser,
    service: Service,
    file: Annotated[UploadFile, File(description="manuscript, audio, MIDI or image")],
    category: Annotated[
        UploadCategory | None, Form(description="refuse the file unless it is of this kind")
    ] = None,
) -> Upload:
    if category is None and "category" in (await request.form()):
        # FastAPI reads an empty form field as "absent"; an empty category is a
        # mistake to report, not a request to accept any kind of file.
        raise ValidationFailed(
            "body.category: must be one of manuscript, audio, midi, image (or left out)"
        )
    return await service.create(who, file, category, service.engine.base_url(request))


@router.get("", response_model=UploadList, responses=error_responses(401, 422))
async def list_uploads(
    request: Request,
    who: CurrentUser,
    service: Service,
    category: UploadCategory | None = None,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> UploadList:
    return await service.list(
        who,
        category=category,
        cursor=cursor,
        limit=limit,
        base_url=service.engine.base_url(request),
    )


@router.get("/{upload_id}", response_model=Upload, responses=error_responses(401, 404))
async def get_upload(
    request: Request, upload_id: UUID, who: CurrentUser, service: Service
) -> Upload:
    return await service.get(who, upload_id, service.engine.base_url(request))


@router.delete(
    "/{upload_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    responses=error_responses(401, 404),
)
async def delete_upload(upload_id: UUID, who: CurrentUser, service: Service) -> None:
    await service.delete(who, upload_id)


@router.post(
    "/sign",
    status_code=status.HTTP_201_CREATED,
    response_model=SignedUpload,
    responses=error_responses(401, 409, 413, 415, 422, 429),
    dependencies=[Depends(RateLimited("uploads"))],
)
async def sign_upload(
    request: Request, body: SignUploadRequest, who: CurrentUser, service: Service
) -> SignedUpload:
    """Start a direct upload (for large files): send the file itself to ``upload_url``
    with ``method`` and ``headers``, then call ``POST /v1/uploads/{id}/complete``.

    Until completed the upload is pending: it is not listed, cannot be fetched and
    cannot be used. A second send to the same URL is refused (409).
    """
    return await service.sign(who, body, service.engine.base_url(request))


@router.post(
    "/{upload_id}/complete",
    response_model=Upload,
    responses=error_responses(401, 404, 409, 413, 415, 422),
)
async def complete_upload(
    request: Request, upload_id: UUID, who: CurrentUser, service: Service
) -> Upload:
    """Check a directly uploaded file by its content and make it usable.

    A file that fails (empty, unrecognised, named as another type, not of the
    requested category, too large, or not of the declared size) is deleted and
    the upload removed. 409 if nothing has been uploaded yet.
    """
    return await service.complete(who, upload_id, service.engine.base_url(request))
