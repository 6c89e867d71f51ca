"""The committed API description for frontends (clients/openapi.json and
clients/typescript/soundstage.d.ts) matches the engine, and the generator
translates JSON Schema the way openapi-typescript would."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from pipelines_for_tests import TEST_KINDS
from soundstage import cli
from soundstage.openapi_ts import (
    JSON_PATH,
    REFRESH_COMMAND,
    TYPESCRIPT_PATH,
    UnsupportedSchema,
    build_document,
    render_json,
    render_typescript,
)

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return build_document()


@pytest.mark.parametrize(
    ("committed", "render"),
    [(JSON_PATH, render_json), (TYPESCRIPT_PATH, render_typescript)],
    ids=["openapi.json", "soundstage.d.ts"],
)
def test_committed_clients_are_up_to_date(
    document: dict[str, Any], committed: Path, render: Any
) -> None:
    path = REPO / committed
    fresh = render(document)
    stale = not path.exists() or path.read_text(encoding="utf-8") != fresh
    assert not stale, (
        f"{committed} is stale: the API changed. Refresh it from the repository root with\n"
        f"    .venv/bin/{REFRESH_COMMAND}\n"
        "and commit the result."
    )


def test_the_document_ignores_the_environment(
    document: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Whoever generates it, wherever: production settings change nothing.
    monkeypatch.setenv("SOUNDSTAGE_ENV", "production")
    monkeypatch.setenv("SOUNDSTAGE_CORS_ORIGINS", '["https://app.example.com"]')
    assert build_document() == document


def test_the_cli_writes_both_files(document: dict[str, Any], tmp_path: Path) -> None:
    json_path = tmp_path / "out" / "openapi.json"
    ts_path = tmp_path / "out" / "ts" / "soundstage.d.ts"
    cli.main(["openapi", "--json", str(json_path), "--typescript", str(ts_path)])
    assert json_path.read_text(encoding="utf-8") == render_json(document)
    assert ts_path.read_text(encoding="utf-8") == render_typescript(document)


def test_the_engine_routes_are_typed(document: dict[str, Any]) -> None:
    ts = render_typescript(document)
    assert 'post: operations["create_job_v1_jobs_post"];' in ts
    assert '"application/json": components["schemas"]["JobCreate"];' in ts
    assert '"Idempotency-Key"?: string | null;' in ts
    assert (
        'JobStatus: "queued" | "running" | "succeeded" | "failed" | "canceling" | "canceled";' in ts
    )
    assert 'export type Job = components["schemas"]["Job"];' in ts


def test_every_error_is_documented_as_the_envelope(document: dict[str, Any]) -> None:
    """FastAPI's own 422 schema ({"detail": [...]}) would be a lie: request
    validation errors leave the engine in the envelope too."""
    assert "HTTPValidationError" not in document["components"]["schemas"]
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if any(t.startswith("compat:") for t in operation.get("tags", [])):
                continue  # the drop-in surfaces keep their old backends' shapes
            for code, response in operation["responses"].items():
                if code.startswith(("4", "5")):
                    schemas = [m.get("schema") for m in response.get("content", {}).values()]
                    assert schemas == [{"$ref": "#/components/schemas/ErrorEnvelope"}], (
                        f"{method.upper()} {path} {code}: {schemas}"
                    )


# -------------------------------------------------------------- the generator


def _doc(schemas: dict[str, Any], paths: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"openapi": "3.1.0", "paths": paths or {}, "components": {"schemas": schemas}}


def _members(ts: str, schema: str) -> str:
    """The body of one schema in components, for compact assertions."""
    start = ts.index(f"        {schema}: ")
    end = ts.index("\n        };\n", start) if ts[start:].split("\n")[0].endswith("{") else None
    if end is None:
        return ts[start : ts.index("\n", start)].strip()
    return ts[start:end]


def test_schemas_translate_to_typescript() -> None:
    ts = render_typescript(
        _doc(
            {
                "Color": {"type": "string", "enum": ["red", "green"]},
                "Thing": {
                    "type": "object",
                    "required": ["id", "tags", "maybe", "pair", "kind", "weird-key"],
                    "properties": {
                        "id": {"type": "string", "format": "uuid", "description": "who\n*/ end"},
                        "tags": {"type": "array", "items": {"type": "string"}},
                        "maybe": {
                            "anyOf": [{"$ref": "#/components/schemas/Color"}, {"type": "null"}]
                        },
                        "mixed": {
                            "type": "array",
                            "items": {"anyOf": [{"type": "integer"}, {"type": "string"}]},
                        },
                        "pair": {
                            "type": "array",
                            "prefixItems": [{"type": "number"}, {"type": "boolean"}],
                        },
                        "kind": {"const": "thing"},
                        "weird-key": {"type": ["string", "null"]},
                        "scores": {"type": "object", "additionalProperties": {"type": "number"}},
                        "free": {"type": "object", "additionalProperties": True},
                        "closed": {"type": "object", "additionalProperties": False},
                        "both": {
                            "allOf": [{"$ref": "#/components/schemas/Color"}, {"type": "string"}]
                        },
                        "limit": {"type": "integer", "default": 20},
                        "anything": {},
                        "old": {"type": "string", "nullable": True},
                    },
                },
                "Slash/Name": {"type": "object", "properties": {}},
            }
        )
    )
    assert '        Color: "red" | "green";' in ts
    thing = _members(ts, "Thing")
    for line in [
        "id: string;",
        "/**\n             * @description who\n             *     *\\/ end\n"
        "             * Format: uuid\n             */",
        "tags: string[];",
        'maybe: components["schemas"]["Color"] | null;',
        "mixed?: (number | string)[];",
        "pair: [number, boolean];",
        'kind: "thing";',
        '"weird-key": string | null;',
        "scores?: {\n                [key: string]: number;\n            };",
        "free?: {\n                [key: string]: unknown;\n            };",
        "closed?: Record<string, never>;",
        'both?: components["schemas"]["Color"] & string;',
        "/** @default 20 */\n            limit?: number;",
        "anything?: unknown;",
        "old?: string | null;",
    ]:
        assert line in thing, f"missing {line!r} in\n{thing}"
    # a key that is not an identifier is quoted, and gets no shorthand alias
    assert '"Slash/Name": {\n            [key: string]: unknown;\n        };' in ts
    assert "export type Color = " in ts
    assert "export type Slash_Name = " in ts


def test_operations_translate_to_typescript() -> None:
    paths = {
        "/things/{thing_id}": {
            "get": {
                "operationId": "get_thing",
                "summary": "Get a thing",
                "parameters": [
                    {
                        "name": "thing_id",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "string"},
                    },
                    {"name": "verbose", "in": "query", "schema": {"type": "boolean"}},
                    {
                        "name": "X-Trace",
                        "in": "header",
                        "required": True,
                        "schema": {"type": "string"},
                    },
                ],
                "responses": {
                    "404": {"description": "Not found"},
                    "200": {
                        "description": "OK",
                        "content": {"application/json": {"schema": {"type": "integer"}}},
                    },
                },
            },
            "put": {
                "operationId": "put_thing",
                "requestBody": {
                    "content": {"application/json": {"schema": {"type": "string"}}},
                },
                "responses": {"default": {"description": "Anything"}},
            },
        }
    }
    ts = render_typescript(_doc({}, paths))
    assert '"/things/{thing_id}": {' in ts
    assert '        /** Get a thing */\n        get: operations["get_thing"];' in ts
    assert "        post?: never;" in ts
    get = ts[ts.index("    get_thing: {") : ts.index("    put_thing: {")]
    assert "query?: {\n                verbose?: boolean;\n            };" in get
    assert 'header: {\n                "X-Trace": string;\n            };' in get
    assert "path: {\n                thing_id: string;\n            };" in get
    assert "requestBody?: never;" in get
    assert get.index("200: {") < get.index("404: {")  # codes in order
    assert (
        "404: {\n                headers: {\n                    [name: string]: unknown;\n" in get
    )
    assert "content?: never;" in get
    put = ts[ts.index("    put_thing: {") :]
    assert (
        'requestBody?: {\n            content: {\n                "application/json": string;'
        in put
    )
    assert "default: {" in put


@pytest.mark.parametrize(
    "document",
    [
        {"swagger": "2.0", "paths": {}},
        _doc({"X": {"$ref": "https://example.com/schema.json"}}),
        _doc({"X": {"type": "decimal"}}),
        {"openapi": "3.1.0", "paths": {}, "components": {"responses": {"R": {}}}},
    ],
    ids=["swagger 2", "remote $ref", "unknown type", "components.responses"],
)
def test_what_is_not_translated_is_refused(document: dict[str, Any]) -> None:
    with pytest.raises(UnsupportedSchema):
        render_typescript(document)


# ------------------------------------------------------- the wire, typed


def test_jobs_are_a_union_built_from_the_engine_pipelines() -> None:
    """Built from the app's Pipelines, not a hand-written list: a team's own
    kinds (handed to create_app) show up in the union too."""
    from soundstage import kinds
    from soundstage.app import create_app
    from soundstage.config import Settings

    settings = Settings.model_construct()
    document = create_app(settings, pipelines=TEST_KINDS).openapi()
    schemas = document["components"]["schemas"]
    expected = set(TEST_KINDS.kinds())
    assert expected > set(kinds.pipelines().kinds())
    for union in ("JobCreate", "Job"):
        mapping = schemas[union]["discriminator"]["mapping"]
        assert set(mapping) == expected, union
        assert schemas[union]["discriminator"]["propertyName"] == "kind"
    tone = schemas["JobCreateTone"]
    assert tone["properties"]["kind"] == {"type": "string", "const": "tone"}
    assert tone["properties"]["params"] == {"$ref": "#/components/schemas/ToneParams"}
    assert "frequency_hz" in schemas["ToneParams"]["properties"]
    assert schemas["JobTone"]["properties"]["params"]["$ref"].endswith("/ToneParams")
    batch = schemas["JobBatchCreate"]["properties"]["jobs"]["items"]
    assert batch == {"$ref": "#/components/schemas/JobCreate"}


def test_binary_bodies_and_answers_are_declared_as_such(document: dict[str, Any]) -> None:
    download = document["paths"]["/storage/v1/object/sign/{bucket}/{path}"]
    assert {"get", "head"} <= set(download)
    responses = download["get"]["responses"]
    assert {"200", "206", "400", "416"} <= set(responses)
    for code in ("200", "206"):
        content = responses[code]["content"]
        assert "application/json" not in content
        assert content["audio/*"]["schema"] == {"type": "string", "format": "binary"}
    body = document["paths"]["/v1/uploads"]["post"]["requestBody"]["content"]
    ref = body["multipart/form-data"]["schema"]["$ref"].rsplit("/", 1)[1]
    assert document["components"]["schemas"][ref]["properties"]["file"]["format"] == "binary"
    ts = render_typescript(document)
    assert "file: Blob;" in ts


def test_live_events_and_errors_are_schemas(document: dict[str, Any]) -> None:
    schemas = document["components"]["schemas"]
    events = document["paths"]["/v1/jobs/{job_id}/events"]["get"]["responses"]["200"]
    assert events["content"]["text/event-stream"]["x-itemSchema"] == {
        "$ref": "#/components/schemas/JobEvent"
    }
    kinds = {m["properties"]["event"]["const"] for m in schemas["JobEvent"]["oneOf"]}
    assert kinds == {"status", "progress", "output"}
    assert {"JobRow", "JobEventRow", "JobStatusEvent"} <= set(schemas)
    assert "402" in document["paths"]["/v1/jobs"]["post"]["responses"]
    # one details shape: always an object
    body = schemas["ErrorBody"]
    assert "details" in body["required"]
    assert schemas["ErrorDetails"]["type"] == "object"
    for item in document["paths"].values():
        for operation in item.values():
            assert "default" in operation["responses"]


async def test_the_response_validator_catches_a_lie() -> None:
    from openapi_validator import ResponseValidator, SpecViolation

    document = _doc(
        {
            "Thing": {
                "type": "object",
                "required": ["id"],
                "properties": {"id": {"type": "integer"}},
            }
        },
        {
            "/things/{thing_id}": {
                "get": {
                    "responses": {
                        "200": {
                            "description": "OK",
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/Thing"}
                                }
                            },
                        }
                    }
                }
            }
        },
    )
    check = ResponseValidator(document)
    request = httpx.Request("GET", "http://testserver/things/1")
    await check(httpx.Response(200, json={"id": 1}, request=request))
    with pytest.raises(SpecViolation, match="id"):
        await check(httpx.Response(200, json={"id": "one"}, request=request))
    with pytest.raises(SpecViolation, match="not among"):
        await check(httpx.Response(200, text="1", request=request))
    with pytest.raises(SpecViolation, match="not declared"):
        await check(httpx.Response(404, json={}, request=request))


def test_compat_surfaces_document_their_own_error_shapes(document: dict[str, Any]) -> None:
    generate = document["paths"]["/api/v1/generate"]["post"]["responses"]["422"]
    assert generate["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/CompatDetailError"
    }
    # the surface's own models keep their names beside the kind unions
    assert "AudiobookJob" in document["components"]["schemas"]
    assert "JobAudiobook" in document["components"]["schemas"]
