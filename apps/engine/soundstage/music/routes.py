from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from pydantic import ValidationError
from starlette.datastructures import UploadFile

from soundstage.auth.deps import CurrentUser
from soundstage.errors import ValidationFailed
from soundstage.errors_http import error_responses
from soundstage.music.analyze import (
    AnalysisResult,
    AnalyzeRequest,
    analyze_stream,
    analyze_upload,
    file_chunks,
)
from soundstage.resources import Engine, get_engine

router = APIRouter(prefix="/v1", tags=["music"])

EngineDep = Annotated[Engine, Depends(get_engine)]

# The body is either multipart (a `file` field) or JSON; FastAPI cannot declare
# both on one route, so the route reads the request itself and documents both.
_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {
                        "file": {
                            "type": "string",
                            "format": "binary",
                            "description": "Audio of any common format, at most 60 s.",
                        }
                    },
                }
            },
            "application/json": {"schema": AnalyzeRequest.model_json_schema()},
        },
    }
}


@router.post(
    "/analyze",
    response_model=AnalysisResult,
    responses=error_responses(401, 404, 413, 415, 422),
    openapi_extra=_BODY,
)
async def analyze(request: Request, who: CurrentUser, engine: EngineDep) -> AnalysisResult:
    """Tempo, beats, key and mode, loudness and format of a short audio file
    (at most 60 s), answered within the request. Longer files: an `analysis` job."""
    if request.headers.get("content-type", "").startswith("multipart/form-data"):
        form = await request.form(max_files=1)
        file = form.get("file")
        if not isinstance(file, UploadFile):
            raise ValidationFailed("send the audio as a multipart field named `file`")
        try:
            return await analyze_stream(engine, file_chunks(file), file.filename)
        finally:
            await form.close()
    try:
        body = AnalyzeRequest.model_validate_json(await request.body())
    except ValidationError as exc:
        raise ValidationFailed(
            'send a multipart `file`, or JSON {"upload_id": "..."}',
            details=exc.errors(include_url=False, include_context=False, include_input=False),
        ) from exc
    return await analyze_upload(engine, who, body.upload_id)
