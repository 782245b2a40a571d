"""Human-readable API documentation, rendered as an ordinary accessible page from the same OpenAPI
schema that drf-spectacular serves at /api/schema/ (so the docs cannot drift from the API), with
no third-party JavaScript (the interactive viewers do not meet WCAG 2.2 AA or the site's CSP)."""

from dataclasses import dataclass, field
from functools import lru_cache

from django.conf import settings
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe
from drf_spectacular.generators import SchemaGenerator

from .caching import shared_cache_headers


@dataclass
class Parameter:
    name: str
    location: str
    type: str
    required: bool
    description: str


@dataclass
class Field:
    name: str
    type: str
    description: str
    nullable: bool = False


@dataclass
class Operation:
    method: str
    path: str
    summary: str
    description: str
    anchor: str
    parameters: list[Parameter] = field(default_factory=list)
    fields: list[Field] = field(default_factory=list)
    statuses: list[tuple[str, str]] = field(default_factory=list)


def _resolve(schema: dict, node: dict) -> dict:
    while "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[-1]
        node = schema["components"]["schemas"][name]
    return node


def _type(schema: dict, node: dict) -> str:
    node = _resolve(schema, node)
    if "allOf" in node:
        return " and ".join(_type(schema, part) for part in node["allOf"])
    if "oneOf" in node:
        return " or ".join(_type(schema, part) for part in node["oneOf"])
    kind = node.get("type", "object")
    if kind == "array":
        return f"list of {_type(schema, node.get('items', {}))}"
    if "enum" in node:
        values = [str(v) for v in node["enum"] if v not in ("", None)]
        return f"{kind}, one of: {', '.join(values)}"
    if node.get("format"):
        return f"{kind} ({node['format']})"
    return kind


def _fields(schema: dict, node: dict, prefix: str = "", depth: int = 0) -> list[Field]:
    node = _resolve(schema, node)
    if node.get("type") == "array":
        return _fields(schema, node.get("items", {}), prefix + "[]", depth)
    found = []
    for name, prop in node.get("properties", {}).items():
        resolved = _resolve(schema, prop)
        full = f"{prefix}.{name}" if prefix else name
        found.append(
            Field(
                name=full,
                type=_type(schema, prop),
                description=resolved.get("description", prop.get("description", "")),
                nullable=bool(resolved.get("nullable") or prop.get("nullable")),
            )
        )
        if depth < 2 and (
            resolved.get("properties")
            or _resolve(schema, resolved.get("items", {})).get("properties")
        ):
            found.extend(_fields(schema, resolved, full, depth + 1))
    return found


@lru_cache(maxsize=1)
def documented_operations() -> tuple[dict, tuple[Operation, ...]]:
    """(info, operations) from the OpenAPI schema, built once per process, always in the
    default language: the schema's words are English on both pages, and its paths must not be
    the Welsh ones (`/cy/api/...`) because a Welsh page happened to ask first."""
    with translation.override(settings.LANGUAGE_CODE):
        schema = SchemaGenerator().get_schema(request=None, public=True)
    operations = []
    for path, methods in schema["paths"].items():
        for method, spec in methods.items():
            parameters = [
                Parameter(
                    name=p["name"],
                    location=p["in"],
                    type=_type(schema, p.get("schema", {})),
                    required=bool(p.get("required")),
                    description=p.get("description", ""),
                )
                for p in spec.get("parameters", [])
            ]
            ok = spec.get("responses", {}).get("200", {})
            body = ok.get("content", {}).get("application/json", {}).get("schema", {})
            operations.append(
                Operation(
                    method=method.upper(),
                    path=path,
                    summary=spec.get("summary", ""),
                    description=spec.get("description", ""),
                    anchor=spec.get("operationId", f"{method}-{path}"),
                    parameters=parameters,
                    fields=_fields(schema, body),
                    statuses=[
                        (code, response.get("description", ""))
                        for code, response in spec.get("responses", {}).items()
                    ],
                )
            )
    return schema["info"], tuple(operations)


@require_safe
def api_docs(request):
    info, operations = documented_operations()
    return shared_cache_headers(
        request,
        render(
            request,
            "public/api_docs.html",
            {
                "page_title": _("Open data API"),
                "meta_description": info.get("description", ""),
                "info": info,
                "operations": operations,
            },
        ),
    )
