"""Every response the suite's client receives is checked against the app's own
OpenAPI document: a declared status code (errors may fall to ``default``), a
declared media type, and a JSON body valid against the declared schema.

Hooked into the shared client in conftest.py, so the whole suite is the sample.
Cheap: one compiled validator per (operation, status, media type), reused.
"""

from __future__ import annotations

import json
import re
from typing import Any

import httpx
from jsonschema import Draft202012Validator

_PARAM = re.compile(r"\{([^}]+)\}")


class SpecViolation(AssertionError):
    pass


def _pattern(template: str) -> re.Pattern[str]:
    out, last = [], 0
    for m in _PARAM.finditer(template):
        out.append(re.escape(template[last : m.start()]))
        # {path} is a file path (FastAPI's {path:path}); others are one segment
        out.append("(.+)" if m.group(1) == "path" else "([^/]+)")
        last = m.end()
    out.append(re.escape(template[last:]))
    return re.compile("^" + "".join(out) + "$")


def _media_matches(declared: str, actual: str) -> bool:
    if declared == actual or declared == "*/*":
        return True
    major, _, minor = declared.partition("/")
    return minor == "*" and actual.startswith(major + "/")


class ResponseValidator:
    def __init__(self, document: dict[str, Any]) -> None:
        self.components = document.get("components", {})
        # literal paths first: /v1/uploads/sign before /v1/uploads/{upload_id}
        templates = sorted(document["paths"], key=lambda t: (t.count("{"), t))
        self.routes = [(_pattern(t), t, document["paths"][t]) for t in templates]
        self.validators: dict[tuple[str, str, str, str], Draft202012Validator] = {}
        self.checked = 0

    def _operation(self, method: str, path: str) -> tuple[str, dict[str, Any]] | None:
        for pattern, template, item in self.routes:
            if pattern.match(path):
                operation = item.get(method.lower())
                return (template, operation) if operation is not None else None
        return None

    def _validator(self, key: tuple[str, str, str, str], schema: Any) -> Draft202012Validator:
        validator = self.validators.get(key)
        if validator is None:
            # the document's components beside the schema: its $refs resolve in place
            validator = Draft202012Validator({**schema, "components": self.components})
            self.validators[key] = validator
        return validator

    async def __call__(self, response: httpx.Response) -> None:
        request = response.request
        found = self._operation(request.method, request.url.path)
        if found is None:
            return  # not in the document (the dashboard's files, /docs, a wrong method)
        template, operation = found
        where = f"{request.method} {template} -> {response.status_code}"
        responses: dict[str, Any] = operation["responses"]
        status = str(response.status_code)
        declared = responses.get(status)
        if declared is None:
            if response.status_code < 400 or "default" not in responses:
                raise SpecViolation(f"{where}: status not declared ({sorted(responses)})")
            declared = responses["default"]
            status = "default"
        content: dict[str, Any] = declared.get("content", {})
        media = response.headers.get("content-type", "").split(";")[0].strip().lower()
        if request.method == "HEAD" or response.status_code == 304:
            return
        if not content:
            await response.aread()
            if response.content:
                raise SpecViolation(f"{where}: a body where none is declared ({media})")
            self.checked += 1
            return
        match = next((m for m in content if _media_matches(m, media)), None)
        if match is None:
            raise SpecViolation(f"{where}: {media!r} not among {sorted(content)}")
        if media == "text/event-stream":
            self.checked += 1
            return  # a live stream: reading it here would wait for the job to end
        await response.aread()
        schema = content[match].get("schema")
        # a file served as is (a JSON report among a job's outputs) is binary
        if media == "application/json" and schema and schema.get("format") != "binary":
            try:
                body = json.loads(response.content)
            except ValueError as exc:
                raise SpecViolation(f"{where}: not JSON: {response.content[:80]!r}") from exc
            validator = self._validator((template, request.method, status, match), schema)
            error = next(iter(validator.iter_errors(body)), None)
            if error is not None:
                at = "/".join(str(p) for p in error.absolute_path)
                raise SpecViolation(f"{where}: body at /{at}: {error.message[:300]}")
        self.checked += 1
