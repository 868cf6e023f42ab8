"""The OpenAPI 3.1 document of a service, built from its endpoint declarations."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import GenerateJsonSchema, JsonSchemaMode, models_json_schema

from .routing import Endpoint

_PATH_PARAM = re.compile(r"{(\w+)(?::\w+)?}")
_REF = "#/components/schemas/{model}"
_STATUS_TEXT = {
    200: "OK",
    201: "Created",
    202: "Accepted",
    204: "No content",
    400: "Invalid input",
    401: "Missing or invalid token",
    403: "Not allowed",
    404: "Not found",
    409: "Conflict",
    413: "Body too large",
    429: "Rate limited",
    503: "A peer service is unavailable",
}


class ErrorBody(BaseModel):
    code: str
    message: str
    details: Any = None


class ErrorEnvelope(BaseModel):
    """The one error shape of every service."""

    error: ErrorBody


class _SchemaNames(GenerateJsonSchema):
    """Generic models named as a reader says them: `Page[User]` is `UserPage`."""

    def normalize_name(self, name: str) -> str:
        generic = re.fullmatch(r"(\w+)\[(\w+)\]", name)
        return super().normalize_name(f"{generic[2]}{generic[1]}" if generic else name)


def build(title: str, version: str, endpoints: Iterable[Endpoint]) -> dict[str, Any]:
    endpoints = list(endpoints)
    # what a client sends is documented as it is validated (a decimal amount is a
    # bounded number), what it receives as it is serialized
    sent = {m for ep in endpoints for m in (ep.body, ep.form) if m is not None}
    received: set[type[BaseModel]] = {ErrorEnvelope}
    received.update(m for ep in endpoints for m in ep.responses.values() if m is not None)
    wanted: list[tuple[type[BaseModel], JsonSchemaMode]] = sorted(
        [(m, "validation") for m in sent] + [(m, "serialization") for m in received],
        key=lambda pair: (pair[0].__name__, pair[1]),
    )
    refs, schema = models_json_schema(wanted, ref_template=_REF, schema_generator=_SchemaNames)
    ref_of = {(m, "in" if mode == "validation" else "out"): refs[(m, mode)] for m, mode in wanted}

    paths: dict[str, dict[str, Any]] = {}
    for ep in endpoints:
        paths.setdefault(ep.template, {})[ep.method.lower()] = _operation(ep, ref_of, schema)
    return {
        "openapi": "3.1.0",
        "info": {"title": title, "version": version},
        "paths": paths,
        "components": {
            "schemas": schema.get("$defs", {}),
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
    }


def _operation(
    ep: Endpoint, ref_of: dict[tuple[type[BaseModel], str], Any], schema: dict[str, Any]
) -> dict[str, Any]:
    op: dict[str, Any] = {
        "operationId": ep.handler.__name__,
        "summary": ep.summary,
        "parameters": _parameters(ep, schema),
        "responses": {},
    }
    if ep.tag:
        op["tags"] = [ep.tag]
    if ep.access != "public":
        op["security"] = [{"bearer": []}]
    if ep.body is not None:
        op["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": ref_of[(ep.body, "in")]}},
        }
    if ep.form is not None:
        op["requestBody"] = {
            "required": True,
            "content": {"application/x-www-form-urlencoded": {"schema": ref_of[(ep.form, "in")]}},
        }
    if ep.websocket:
        op["responses"]["101"] = {"description": "Switching protocols: a WebSocket follows"}
        if ep.messages:
            op["x-messages"] = {way: list(kinds) for way, kinds in ep.messages.items()}
        return op
    for status, model in sorted(ep.responses.items()):
        response: dict[str, Any] = {"description": _STATUS_TEXT.get(status, "OK")}
        if model is None and status >= 400:
            model = ErrorEnvelope  # every refusal carries the error envelope
        if model is not None:
            response["content"] = {"application/json": {"schema": ref_of[(model, "out")]}}
        op["responses"][str(status)] = response
    errors = [400] if (ep.query or ep.body or ep.form or "{" in ep.path) else []
    if ep.access != "public":
        errors += [401, 403]
    if "{" in ep.path:
        errors.append(404)
    if ep.body is not None or ep.form is not None:
        errors.append(413)
    for status in errors:
        op["responses"].setdefault(
            str(status),
            {
                "description": _STATUS_TEXT[status],
                "content": {"application/json": {"schema": ref_of[(ErrorEnvelope, "out")]}},
            },
        )
    return op


def _parameters(ep: Endpoint, schema: dict[str, Any]) -> list[dict[str, Any]]:
    params = [
        {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
        for name in _PATH_PARAM.findall(ep.path)
    ]
    if ep.query is not None:
        query_schema = ep.query.model_json_schema(ref_template=_REF)
        required = set(query_schema.get("required", ()))
        for name, prop in query_schema.get("properties", {}).items():
            params.append(
                {"name": name, "in": "query", "required": name in required, "schema": prop}
            )
    return params
