"""The engine's OpenAPI document, and a TypeScript definition generated from it.

``soundstage openapi`` writes both; they are committed under ``clients/`` and a
test fails when they are stale. The TypeScript follows the layout of
openapi-typescript (``paths``, ``components``, ``operations``), so a frontend can
hand it to openapi-fetch (``createClient<paths>()``) as if that tool had made it.
It is generated here, in Python, so that neither the CLI nor the test suite
needs Node.

The types equal those of ``openapi-typescript --default-non-nullable false
--empty-objects-unknown`` with ``format: binary`` as ``Blob`` (the transform of
``apps/web/scripts/gen-api.mjs``; apps/web generates its own with that tool):
a field with a default stays optional (a request may leave it out), and a
bare ``{"type": "object"}`` is any object. What is translated is the JSON Schema
that FastAPI and pydantic emit: objects, arrays
and tuples, ``$ref``, ``anyOf``/``oneOf``/``allOf``, ``enum``, ``const``,
nullable types and ``additionalProperties``; anything else raises.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

JSON_PATH = Path("clients/openapi.json")
TYPESCRIPT_PATH = Path("clients/typescript/soundstage.d.ts")
REFRESH_COMMAND = f"soundstage openapi --json {JSON_PATH} --typescript {TYPESCRIPT_PATH}"

METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
PARAMETER_PLACES = ("query", "header", "path", "cookie")
INDENT = "    "

_IDENTIFIER = re.compile(r"^[A-Za-z_$][A-Za-z0-9_$]*$")
# Names a shorthand alias may not take: the file's own exports and TypeScript's words.
_TAKEN = frozenset(
    {"paths", "webhooks", "components", "operations", "$defs"}
    | {
        "any", "as", "boolean", "break", "case", "catch", "class", "const", "continue",
        "debugger", "declare", "default", "delete", "do", "else", "enum", "export",
        "extends", "false", "finally", "for", "function", "if", "implements", "import",
        "in", "instanceof", "interface", "let", "never", "new", "null", "number", "object",
        "package", "private", "protected", "public", "return", "static", "string", "super",
        "switch", "symbol", "this", "throw", "true", "try", "type", "typeof", "undefined",
        "unknown", "var", "void", "while", "with", "yield",
    }
)  # fmt: skip


class UnsupportedSchema(ValueError):
    """The document uses something this generator does not translate."""


def build_document() -> dict[str, Any]:
    """The OpenAPI document of an app built from the default settings.

    Defaults only, whatever the environment or a ``.env`` file says: the
    committed files must not depend on who generated them, or where.
    """
    from soundstage.app import create_app
    from soundstage.config import Settings

    document: dict[str, Any] = create_app(Settings.model_construct()).openapi()
    return document


def render_json(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def render_typescript(document: dict[str, Any]) -> str:
    return _Renderer(document).render()


def write_clients(*, json_path: Path | None, typescript_path: Path | None) -> list[Path]:
    """Write the requested files (creating their folders); return what was written."""
    document = build_document()
    written: list[Path] = []
    for path, render in ((json_path, render_json), (typescript_path, render_typescript)):
        if path is None:
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(render(document), encoding="utf-8")
        written.append(path)
    return written


# ------------------------------------------------------------------ helpers


def _key(name: str) -> str:
    return name if _IDENTIFIER.match(name) else json.dumps(name)


def _literal(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _is_compound(ts: str) -> bool:
    """Whether ``ts`` is a union or intersection at its top level (not inside
    braces, brackets or a string literal)."""
    depth = 0
    quoted = False
    escaped = False
    for i, ch in enumerate(ts):
        if quoted:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                quoted = False
            continue
        if ch == '"':
            quoted = True
        elif ch in "{[(<":
            depth += 1
        elif ch in "}])>":
            depth -= 1
        elif depth == 0 and ch in "|&" and ts[i - 1 : i + 2] in (" | ", " & "):
            return True
    return False


def _paren(ts: str) -> str:
    # A union or intersection inside an array or an intersection needs brackets.
    return f"({ts})" if _is_compound(ts) else ts


def _union(members: list[str]) -> str:
    unique = list(dict.fromkeys(members))
    if "unknown" in unique:
        return "unknown"
    return " | ".join(unique) if unique else "never"


def _comment(lines: list[str], pad: str) -> list[str]:
    lines = [line.replace("*/", "*\\/").rstrip() for line in lines if line is not None]
    if not lines:
        return []
    if len(lines) == 1:
        return [f"{pad}/** {lines[0]} */"]
    return [f"{pad}/**", *(f"{pad} * {line}".rstrip() for line in lines), f"{pad} */"]


def _schema_doc(schema: Any, *, title: str | None = None) -> list[str]:
    """JSDoc lines for a schema, in openapi-typescript's manner."""
    if not isinstance(schema, dict):
        return []
    lines: list[str] = []
    if title:
        lines.append(title)
    description = schema.get("description")
    if description:
        first, *rest = str(description).strip().splitlines()
        lines.append(f"@description {first}")
        lines.extend(f"    {line}" for line in rest)
    if "format" in schema:
        lines.append(f"Format: {schema['format']}")
    if "default" in schema:
        lines.append(f"@default {_literal(schema['default'])}")
    if schema.get("deprecated"):
        lines.append("@deprecated")
    return lines


def _status_order(item: tuple[str, Any]) -> tuple[int, str]:
    # Numeric codes in order, then ranges ("4XX") and "default", as openapi-typescript does.
    code = str(item[0])
    return (int(code), "") if code.isdigit() else (1000, code)


def _ref(ref: str) -> str:
    if ref.startswith("#/components/"):
        parts = [p.replace("~1", "/").replace("~0", "~") for p in ref[2:].split("/")]
        if len(parts) == 3:
            return f"components[{_literal(parts[1])}][{_literal(parts[2])}]"
    if ref.startswith("#/$defs/"):
        return f"$defs[{_literal(ref[len('#/$defs/') :])}]"
    raise UnsupportedSchema(f"unsupported $ref: {ref}")


# ----------------------------------------------------------------- renderer


class _Renderer:
    def __init__(self, document: dict[str, Any]) -> None:
        self.doc = document
        version = str(document.get("openapi", ""))
        if not version.startswith("3."):
            raise UnsupportedSchema(f"OpenAPI 3.x expected, not {version or 'unknown'}")

    # -------------------------------------------------------------- types
    def type_of(self, schema: Any, depth: int) -> str:
        """The TypeScript type of a JSON Schema, laid out at ``depth`` indents."""
        if schema is True or schema == {}:
            return "unknown"
        if schema is False:
            return "never"
        if not isinstance(schema, dict):
            raise UnsupportedSchema(f"not a schema: {schema!r}")
        ts = self._bare_type(schema, depth)
        # OpenAPI 3.0's flag; 3.1 spells it as a union with "null".
        if schema.get("nullable") and ts not in ("unknown", "null"):
            ts = f"{ts} | null"
        return ts

    def _bare_type(self, schema: dict[str, Any], depth: int) -> str:
        if "$ref" in schema:
            return _ref(schema["$ref"])
        if "const" in schema:
            return _literal(schema["const"])
        if "enum" in schema:
            return _union([_literal(v) for v in schema["enum"]])
        for key in ("anyOf", "oneOf"):
            if key in schema:
                return _union([self.type_of(s, depth) for s in schema[key]])
        if "allOf" in schema:
            parts = [self.type_of(s, depth) for s in schema["allOf"]]
            return parts[0] if len(parts) == 1 else " & ".join(_paren(p) for p in parts)
        kind = schema.get("type")
        if isinstance(kind, list):
            return _union([self._bare_type({**schema, "type": k}, depth) for k in kind])
        if kind == "string":
            # a file (multipart field, download): a Blob, as openapi-typescript
            # gives it with the transform in apps/web/scripts/gen-api.mjs
            return "Blob" if schema.get("format") == "binary" else "string"
        if kind in ("integer", "number"):
            return "number"
        if kind == "boolean":
            return "boolean"
        if kind == "null":
            return "null"
        if kind == "array":
            if "prefixItems" in schema:
                items = [self.type_of(s, depth) for s in schema["prefixItems"]]
                return f"[{', '.join(items)}]"
            if "items" not in schema:
                return "unknown[]"
            return f"{_paren(self.type_of(schema['items'], depth))}[]"
        if kind == "object" or "properties" in schema or "additionalProperties" in schema:
            return self._object(schema, depth)
        if kind is None:
            return "unknown"
        raise UnsupportedSchema(f"unsupported type: {kind!r}")

    def _object(self, schema: dict[str, Any], depth: int) -> str:
        properties: dict[str, Any] = schema.get("properties", {})
        required = set(schema.get("required", []))
        extra = schema.get("additionalProperties")
        pad = INDENT * (depth + 1)
        lines: list[str] = ["{"]
        for name, prop in properties.items():
            lines += _comment(_schema_doc(prop), pad)
            optional = "" if name in required else "?"
            lines.append(f"{pad}{_key(name)}{optional}: {self.type_of(prop, depth + 1)};")
        if extra is False:
            if not properties:
                return "Record<string, never>"
        elif extra is not None or not properties:
            # Properties must fit the index signature: a typed one only alone.
            value = self.type_of(extra, depth + 1) if properties == {} and extra else "unknown"
            lines.append(f"{pad}[key: string]: {value};")
        lines.append(f"{INDENT * depth}}}")
        return "\n".join(lines)

    # ------------------------------------------------------------ sections
    def render(self) -> str:
        out: list[str] = [
            "/**",
            " * The Soundstage engine's HTTP API, generated from its OpenAPI document.",
            f" * Do not edit: run `{REFRESH_COMMAND}`",
            " * from the repository root.",
            " *",
            " * The layout is openapi-typescript's (paths, components, operations), so",
            " * openapi-fetch takes it as is: createClient<paths>({ baseUrl }).",
            " */",
            "",
        ]
        out += self._paths()
        out += ["export type webhooks = Record<string, never>;"]
        out += self._components()
        out += ["export type $defs = Record<string, never>;"]
        out += self._operations()
        out += self._aliases()
        return "\n".join(out) + "\n"

    def _paths(self) -> list[str]:
        out = ["export interface paths {"]
        for path, item in self.doc.get("paths", {}).items():
            pad = INDENT * 2
            out.append(f"{INDENT}{_literal(path)}: {{")
            out += self._parameters(item.get("parameters", []), 2)
            for method in METHODS:
                op = item.get(method)
                if op is None:
                    out.append(f"{pad}{method}?: never;")
                    continue
                out += _comment(self._operation_doc(op), pad)
                if "operationId" in op:
                    out.append(f"{pad}{method}: operations[{_literal(op['operationId'])}];")
                else:
                    body = self._operation(op, 2, shared=item.get("parameters", []))
                    out.append(f"{pad}{method}: {body};")
            out.append(f"{INDENT}}};")
        out.append("}")
        return out

    @staticmethod
    def _operation_doc(op: dict[str, Any]) -> list[str]:
        lines: list[str] = []
        if op.get("summary"):
            lines.append(str(op["summary"]))
        if op.get("description"):
            first, *rest = str(op["description"]).strip().splitlines()
            lines.append(f"@description {first}")
            lines.extend(f"    {line}" for line in rest)
        if op.get("deprecated"):
            lines.append("@deprecated")
        return lines

    def _components(self) -> list[str]:
        components: dict[str, Any] = self.doc.get("components", {})
        out = ["export interface components {", f"{INDENT}schemas: {{"]
        pad = INDENT * 2
        for name, schema in components.get("schemas", {}).items():
            title = schema.get("title") if isinstance(schema, dict) else None
            out += _comment(_schema_doc(schema, title=title if title != name else None), pad)
            out.append(f"{pad}{_key(name)}: {self.type_of(schema, 2)};")
        out.append(f"{INDENT}}};")
        for section in ("responses", "parameters", "requestBodies", "headers", "pathItems"):
            if components.get(section):
                raise UnsupportedSchema(f"components.{section} is not translated")
            out.append(f"{INDENT}{section}: never;")
        out.append("}")
        return out

    def _operations(self) -> list[str]:
        out = ["export interface operations {"]
        for item in self.doc.get("paths", {}).values():
            for method in METHODS:
                op = item.get(method)
                if op is not None and "operationId" in op:
                    body = self._operation(op, 1, shared=item.get("parameters", []))
                    out.append(f"{INDENT}{_key(op['operationId'])}: {body};")
        out.append("}")
        return out

    def _operation(self, op: dict[str, Any], depth: int, *, shared: list[dict[str, Any]]) -> str:
        pad = INDENT * (depth + 1)
        # An operation's own parameter wins over the path's of the same name and place.
        own = {(p.get("in"), p.get("name")) for p in op.get("parameters", [])}
        inherited = [p for p in shared if (p.get("in"), p.get("name")) not in own]
        lines = ["{"]
        lines += self._parameters([*inherited, *op.get("parameters", [])], depth + 1)
        body = op.get("requestBody")
        if body is None:
            lines.append(f"{pad}requestBody?: never;")
        elif "$ref" in body:
            lines.append(f"{pad}requestBody: {_ref(body['$ref'])};")
        else:
            optional = "" if body.get("required") else "?"
            content = self._content(body.get("content", {}), depth + 1)
            lines += _comment(_schema_doc(body), pad)
            lines.append(f"{pad}requestBody{optional}: {{")
            lines += content
            lines.append(f"{pad}}};")
        lines.append(f"{pad}responses: {{")
        for code, response in sorted(op.get("responses", {}).items(), key=_status_order):
            rpad = INDENT * (depth + 2)
            key = code if str(code).isdigit() or code == "default" else _literal(code)
            if "$ref" in response:
                lines.append(f"{rpad}{key}: {_ref(response['$ref'])};")
                continue
            description = response.get("description")
            lines += _comment([f"@description {description}"] if description else [], rpad)
            lines.append(f"{rpad}{key}: {{")
            lines += self._headers(response.get("headers", {}), depth + 3)
            if response.get("content"):
                lines += self._content(response["content"], depth + 2)
            else:
                lines.append(f"{INDENT * (depth + 3)}content?: never;")
            lines.append(f"{rpad}}};")
        lines.append(f"{pad}}};")
        lines.append(f"{INDENT * depth}}}")
        return "\n".join(lines)

    def _parameters(self, parameters: list[dict[str, Any]], depth: int) -> list[str]:
        pad = INDENT * depth
        out = [f"{pad}parameters: {{"]
        for place in PARAMETER_PLACES:
            mine = [p for p in parameters if p.get("in") == place]
            if not mine:
                out.append(f"{pad}{INDENT}{place}?: never;")
                continue
            if any("$ref" in p for p in mine):
                raise UnsupportedSchema("parameter $ref is not translated")
            optional = "" if any(p.get("required") for p in mine) else "?"
            out.append(f"{pad}{INDENT}{place}{optional}: {{")
            for p in mine:
                ppad = INDENT * (depth + 2)
                schema = p.get("schema", {})
                doc = _schema_doc(schema)
                if p.get("description"):
                    doc = [f"@description {p['description']}", *doc]
                out += _comment(doc, ppad)
                mark = "" if p.get("required") else "?"
                out.append(f"{ppad}{_key(p['name'])}{mark}: {self.type_of(schema, depth + 2)};")
            out.append(f"{pad}{INDENT}}};")
        out.append(f"{pad}}};")
        return out

    def _headers(self, headers: dict[str, Any], depth: int) -> list[str]:
        pad = INDENT * depth
        out = [f"{pad}headers: {{"]
        for name, header in headers.items():
            if "$ref" in header:
                raise UnsupportedSchema("header $ref is not translated")
            mark = "" if header.get("required") else "?"
            value = self.type_of(header.get("schema", {}), depth + 1)
            out.append(f"{pad}{INDENT}{_key(name)}{mark}: {value};")
        out.append(f"{pad}{INDENT}[name: string]: unknown;")
        out.append(f"{pad}}};")
        return out

    def _content(self, content: dict[str, Any], depth: int) -> list[str]:
        pad = INDENT * (depth + 1)
        out = [f"{pad}content: {{"]
        for media_type, media in content.items():
            schema = media.get("schema", {}) if isinstance(media, dict) else {}
            out.append(f"{pad}{INDENT}{_literal(media_type)}: {self.type_of(schema, depth + 2)};")
        out.append(f"{pad}}};")
        return out

    def _aliases(self) -> list[str]:
        out: list[str] = []
        used: set[str] = set()
        for name in self.doc.get("components", {}).get("schemas", {}):
            alias = re.sub(r"[^A-Za-z0-9_$]", "_", name)
            if not _IDENTIFIER.match(alias) or alias in _TAKEN or alias in used:
                continue
            used.add(alias)
            out.append(f'export type {alias} = components["schemas"][{_literal(name)}];')
        if out:
            out.insert(0, "// Shorthands: import type { Job } from './soundstage';")
        return out
