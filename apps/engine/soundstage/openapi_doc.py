"""The OpenAPI document as the wire really is (assembly: it knows every kind).

FastAPI derives the document from the route signatures, which are generic on
purpose: ``POST /v1/jobs`` takes ``{kind: str, params: object}`` because the
kinds are a runtime list (``kinds.BUILTIN`` plus a team's own modules) that the
jobs domain must not import. Here, where the app is assembled and the engine's
``Pipelines`` are known, the document is refined so a generated client types
what matters:

- ``JobCreate`` and ``Job`` become unions discriminated by ``kind``, each
  member carrying that kind's params schema (``ToneJobParams``, ...), so the
  batch route and every job in a response are typed too;
- the SSE stream's events and the Realtime row shapes are schemas;
- multipart file fields are ``format: binary`` (a ``Blob``, not a string);
- every operation declares ``default``: any other error, in the one envelope.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable, Iterable
from typing import Any

from fastapi import FastAPI
from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from soundstage.errors_http import ErrorEnvelope
from soundstage.jobs.schemas import (
    JobBroadcast,
    JobBroadcastDeleted,
    JobBroadcastOutput,
    JobEventRow,
    JobOutputEvent,
    JobProgressEvent,
    JobRow,
    JobStatusEvent,
)
from soundstage.pipelines import Pipeline

REF = "#/components/schemas/"
_EVENTS_PATH = "/v1/jobs/{job_id}/events"
_LIVE_MODELS: tuple[type[BaseModel], ...] = (
    JobStatusEvent,
    JobProgressEvent,
    JobOutputEvent,
    JobRow,
    JobEventRow,
    JobBroadcast,
    JobBroadcastOutput,
    JobBroadcastDeleted,
)


def pascal(kind: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in re.split(r"[^A-Za-z0-9]+", kind))


def install_openapi(app: FastAPI, pipelines: Iterable[Pipeline]) -> None:
    """Wrap ``app.openapi`` so the document it returns is refined (once)."""
    build: Callable[[], dict[str, Any]] = app.openapi
    kinds = list(pipelines)
    refined: dict[str, Any] | None = None

    def openapi() -> dict[str, Any]:
        nonlocal refined
        if refined is None:
            refined = refine(copy.deepcopy(build()), kinds)
        return refined

    app.openapi = openapi  # type: ignore[method-assign]


def refine(document: dict[str, Any], pipelines: list[Pipeline]) -> dict[str, Any]:
    schemas: dict[str, Any] = document.setdefault("components", {}).setdefault("schemas", {})
    _kind_unions(schemas, pipelines)
    _live_schemas(document, schemas)
    _binary_multipart(document, schemas)
    _default_errors(document)
    _compat_errors(document, schemas)
    return document


# ------------------------------------------------------------------ kinds


def _params_schema(
    schemas: dict[str, Any], pipeline: Pipeline, named: dict[str, type[BaseModel]]
) -> str:
    """Add the kind's params schema (and the models it uses) to components under
    the model's own name; return that name. A model a route already put there
    (AudiobookParams: the preview's body) is reused as is."""
    model = pipeline.params_model
    name = model.__name__
    if named.get(name, model) is not model:
        name = f"{pascal(pipeline.kind)}{name}"  # two kinds' models of one name
    named[name] = model
    if name in schemas:
        return name
    schema = model.model_json_schema(ref_template=REF + "{model}")
    defs: dict[str, Any] = schema.pop("$defs", {})
    # A model of the same name but another shape (two kinds' ``Voice``) gets the
    # kind's prefix, here and in every reference to it.
    renames = {
        d: f"{pascal(pipeline.kind)}{d}" for d in defs if d in schemas and schemas[d] != defs[d]
    }
    if renames:
        text = json.dumps({"schema": schema, "defs": defs})
        for old, new in renames.items():
            text = text.replace(json.dumps(REF + old), json.dumps(REF + new))
        both = json.loads(text)
        schema, defs = both["schema"], {renames.get(k, k): v for k, v in both["defs"].items()}
    schemas.update(defs)
    schema["title"] = name
    schemas[name] = schema
    return name


def _kind_unions(schemas: dict[str, Any], pipelines: list[Pipeline]) -> None:
    if "JobCreate" not in schemas or "Job" not in schemas or not pipelines:
        return
    create, job = schemas["JobCreate"], schemas["Job"]
    creates: dict[str, str] = {}
    jobs: dict[str, str] = {}
    named: dict[str, type[BaseModel]] = {}
    for pipeline in pipelines:
        kind, prefix = pipeline.kind, pascal(pipeline.kind)
        params = _params_schema(schemas, pipeline, named)
        params_required = bool(schemas[params].get("required"))
        kind_schema = {"type": "string", "const": kind}
        member = copy.deepcopy(create)
        member["title"] = _free(schemas, f"JobCreate{prefix}")
        member["description"] = pipeline.description
        member["properties"]["kind"] = kind_schema
        member["properties"]["params"] = {"$ref": REF + params}
        member["required"] = ["kind", "params"] if params_required else ["kind"]
        schemas[member["title"]] = member
        creates[kind] = REF + member["title"]

        row = copy.deepcopy(job)
        row["title"] = _free(schemas, f"Job{prefix}")
        row["properties"]["kind"] = kind_schema
        row["properties"]["params"] = {"$ref": REF + params}
        schemas[row["title"]] = row
        jobs[kind] = REF + row["title"]
    schemas["JobCreate"] = _union("JobCreate", creates, create.get("description"))
    schemas["Job"] = _union("Job", jobs, "A job; `params` is typed by `kind`.")


def _free(schemas: dict[str, Any], name: str) -> str:
    """``name``, or ``name`` with a suffix when a model of the API has it (the
    audiobook surface's own ``AudiobookJob``, say): never overwrite one."""
    candidate, n = name, 1
    while candidate in schemas:
        n += 1
        candidate = f"{name}{n}"
    return candidate


def _union(title: str, members: dict[str, str], description: str | None) -> dict[str, Any]:
    union: dict[str, Any] = {
        "oneOf": [{"$ref": ref} for ref in members.values()],
        "discriminator": {"propertyName": "kind", "mapping": members},
        "title": title,
    }
    if description:
        union["description"] = description
    return union


# ------------------------------------------------------- SSE and Realtime


def _live_schemas(document: dict[str, Any], schemas: dict[str, Any]) -> None:
    _, top = models_json_schema(
        [(m, "validation") for m in _LIVE_MODELS], ref_template=REF + "{model}"
    )
    for name, schema in top.get("$defs", {}).items():
        schemas.setdefault(name, schema)
    members = []
    for event, model in (
        ("status", JobStatusEvent),
        ("progress", JobProgressEvent),
        ("output", JobOutputEvent),
    ):
        members.append(
            {
                "type": "object",
                "title": f"{model.__name__}Message",
                "description": f"`event: {event}`, `id:` the event's sequence (Last-Event-ID)",
                "required": ["event", "id", "data"],
                "properties": {
                    "event": {"type": "string", "const": event},
                    "id": {"type": "integer"},
                    "data": {"$ref": REF + model.__name__},
                },
            }
        )
    schemas["JobEvent"] = {
        "title": "JobEvent",
        "description": "One Server-Sent Event of GET /v1/jobs/{job_id}/events: "
        "`data` is JSON. The stream ends after the terminal `status` event.",
        "oneOf": members,
    }
    operation = document.get("paths", {}).get(_EVENTS_PATH, {}).get("get")
    if operation is not None:
        operation["responses"]["200"]["content"] = {
            "text/event-stream": {
                "schema": {"type": "string", "description": "a stream of JobEvent messages"},
                # OpenAPI 3.2's name for the schema of each streamed item
                "x-itemSchema": {"$ref": REF + "JobEvent"},
            }
        }


# --------------------------------------------------------------- multipart


def _binary_multipart(document: dict[str, Any], schemas: dict[str, Any]) -> None:
    """A file field is binary: typed clients send a Blob, not a string."""
    for item in document.get("paths", {}).values():
        for operation in item.values():
            content = operation.get("requestBody", {}).get("content", {})
            schema = content.get("multipart/form-data", {}).get("schema", {})
            if "$ref" in schema:
                schema = schemas.get(schema["$ref"].removeprefix(REF), {})
            for prop in schema.get("properties", {}).values():
                if prop.get("type") == "string" and "contentMediaType" in prop:
                    del prop["contentMediaType"]
                    prop["format"] = "binary"


# ------------------------------------------------------------------ errors


def _default_errors(document: dict[str, Any]) -> None:
    envelope = {"$ref": REF + ErrorEnvelope.__name__}
    for item in document.get("paths", {}).values():
        for operation in item.values():
            operation["responses"].setdefault(
                "default",
                {
                    "description": "Any other error (e.g. 500 internal_error, "
                    "503 storage_unavailable), in the same envelope",
                    "content": {"application/json": {"schema": envelope}},
                },
            )


# ------------------------------------------------------ compat surfaces


# The drop-in surfaces (soundstage.compat) answer errors in their old
# backends' shapes, not the envelope: document what they really send.
_COMPAT_ERRORS: dict[str, tuple[str, dict[str, Any]]] = {
    # song and audiobook were FastAPI apps: {"detail": message | [problems]}
    "fastapi": (
        "CompatDetailError",
        {
            "type": "object",
            "title": "CompatDetailError",
            "description": "The song, audiobook and projects surfaces' errors (FastAPI's).",
            "required": ["detail"],
            "properties": {
                "detail": {
                    "anyOf": [
                        {"type": "string"},
                        {"type": "array", "items": {"$ref": REF + "FieldProblem"}},
                    ]
                }
            },
        },
    ),
    "studio": (
        "CompatStudioError",
        {
            "type": "object",
            "title": "CompatStudioError",
            "description": "The studio surface's errors.",
            "required": ["success", "error"],
            "properties": {
                "success": {"type": "boolean", "const": False},
                "error": {"type": "string"},
                "details": {},
            },
        },
    ),
}
# By tag: the studio surface has a shape of its own, the video surface keeps
# the engine's envelope; every other drop-in surface (song, audiobook,
# projects) was a FastAPI app and answers in its shape.
_COMPAT_TAGS: dict[str, str | None] = {"compat: studio": "studio", "compat: video": None}


def _compat_shape(tags: list[str]) -> str | None:
    for tag in tags:
        if tag.startswith("compat:"):
            return _COMPAT_TAGS.get(tag, "fastapi")
    return None


def _compat_errors(document: dict[str, Any], schemas: dict[str, Any]) -> None:
    for item in document.get("paths", {}).values():
        for operation in item.values():
            shape = _compat_shape(operation.get("tags", []))
            if shape is None:
                continue
            name, schema = _COMPAT_ERRORS[shape]
            schemas.setdefault(name, schema)
            for code, response in operation["responses"].items():
                if code == "default" or code.startswith(("4", "5")):
                    response["content"] = {"application/json": {"schema": {"$ref": REF + name}}}
