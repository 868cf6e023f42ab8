"""Endpoints declared once: validated, authenticated, measured and documented.

A service writes its handlers as methods of a `Routes` class, each decorated with its
method, path and the pydantic models of its query, body and responses. The same
declaration parses input (bad input is a 400 envelope, never a 500), enforces
authentication, labels metrics with the path template and builds the OpenAPI document.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Awaitable, Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal, TypeVar
from urllib.parse import parse_qsl

import orjson
from pydantic import AfterValidator, BaseModel, ValidationError
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route, WebSocketRoute
from starlette.websockets import WebSocket

from .auth import Identity
from .errors import ApiError, BadRequest, Forbidden, PayloadTooLarge, Unauthorized

Access = Literal["public", "user", "admin", "trusted"]
WS_POLICY_VIOLATION = 1008
_CONVERTER = re.compile(r":\w+}")
Handler = Callable[["Call"], Awaitable[Response]]
RejectHook = Callable[["Call", ApiError], Awaitable[None]]
M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class Call:
    """What a handler receives: the request (or WebSocket) and its parsed, validated parts."""

    request: Any
    path: Mapping[str, str]
    query: Any
    body: Any
    identity: Identity | None
    raw_body: bytes = b""

    def require_identity(self) -> Identity:
        if self.identity is None:
            raise Unauthorized("a bearer token is required")
        return self.identity

    def require_self_or_admin(self, user_id: str) -> Identity:
        identity = self.require_identity()
        if not identity.may_act_for(user_id):
            raise Forbidden("only the user themself or an admin may do this")
        return identity


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str
    handler: Handler
    query: type[BaseModel] | None = None
    body: type[BaseModel] | None = None
    form: type[BaseModel] | None = None  # a body sent as application/x-www-form-urlencoded
    responses: Mapping[int, type[BaseModel] | None] = field(default_factory=dict)
    access: Access = "public"
    summary: str = ""
    tag: str = ""
    on_reject: RejectHook | None = None
    websocket: bool = False
    messages: Mapping[str, tuple[str, ...]] | None = None  # a WebSocket's frame types

    @property
    def template(self) -> str:
        """The path as OpenAPI writes it (and metrics label it): no Starlette converters."""
        return _CONVERTER.sub("}", self.path)

    def _admit(self, identity: Identity | None) -> None:
        if self.access == "public":
            return
        if identity is None:
            raise Unauthorized("a bearer token is required")
        if self.access == "admin" and not identity.is_admin:
            raise Forbidden("admin role required")
        if self.access == "trusted" and not identity.is_trusted:
            raise Forbidden("only an admin or a RuneFrameOS service may do this")

    def route(self, max_body_bytes: int) -> BaseRoute:
        if self.websocket:
            return WebSocketRoute(self.path, self._websocket_endpoint, name=self.handler.__name__)

        async def endpoint(request: Request) -> Response:
            request.scope["route_template"] = self.template
            identity: Identity | None = request.scope.get("identity")
            self._admit(identity)
            try:
                query = _parse(self.query, dict(request.query_params)) if self.query else None
                body, raw = None, b""
                if self.body is not None:
                    raw = await read_body(request, max_body_bytes)
                    body = _parse_json(self.body, raw)
                elif self.form is not None:
                    raw = await read_body(request, max_body_bytes)
                    body = _parse_form(self.form, raw)
            except ApiError as error:
                if self.on_reject is not None:
                    await self.on_reject(
                        Call(request, request.path_params, None, None, identity, raw), error
                    )
                raise
            call = Call(request, request.path_params, query, body, identity, raw)
            return await self.handler(call)

        return Route(self.path, endpoint, methods=[self.method], name=self.handler.__name__)

    async def _websocket_endpoint(self, websocket: WebSocket) -> None:
        websocket.scope["route_template"] = self.template
        identity: Identity | None = websocket.scope.get("identity")
        try:
            self._admit(identity)
            query = _parse(self.query, dict(websocket.query_params)) if self.query else None
        except ApiError as error:
            await websocket.close(code=WS_POLICY_VIOLATION, reason=error.message[:120])
            return
        await self.handler(Call(websocket, websocket.path_params, query, None, identity))


def endpoint(
    method: str,
    path: str,
    *,
    query: type[BaseModel] | None = None,
    body: type[BaseModel] | None = None,
    form: type[BaseModel] | None = None,
    responses: Mapping[int, type[BaseModel] | None] | None = None,
    access: Access = "public",
    on_reject: str | None = None,
    websocket: bool = False,
    messages: Mapping[str, tuple[str, ...]] | None = None,
) -> Callable[[Callable[..., Awaitable[Any]]], Any]:
    """Mark a `Routes` method as an endpoint; its docstring's first line is the summary.

    `on_reject` names a method of the group called with the refusal when the request's
    query or body is invalid, before the 400 goes out. A `websocket` endpoint is a GET
    that upgrades; its handler gets the accepted-or-not WebSocket as `call.request`, and
    `messages` names the frame types it takes (`send`) and answers (`receive`), which its
    OpenAPI operation documents as `x-messages`.
    """

    def mark(func: Callable[..., Awaitable[Response]]) -> Any:
        func.__endpoint__ = dict(  # type: ignore[attr-defined]
            method=method,
            path=path,
            query=query,
            body=body,
            form=form,
            responses=responses or {200: None},
            access=access,
            on_reject=on_reject,
            websocket=websocket,
            messages=messages,
        )
        return func

    return mark


class Routes:
    """A group of endpoints sharing dependencies (stores, peers) given to `__init__`."""

    tag: str = ""

    def endpoints(self) -> Iterator[Endpoint]:
        """The group's endpoints in the order the class defines them."""
        names = dict.fromkeys(n for cls in reversed(type(self).__mro__) for n in vars(cls))
        for name in names:
            method = getattr(self, name, None)
            spec = getattr(method, "__endpoint__", None)
            if spec is not None and inspect.ismethod(method):
                summary = (inspect.getdoc(method) or "").split("\n")[0]
                hook = getattr(self, spec["on_reject"]) if spec["on_reject"] else None
                fields = {**spec, "on_reject": hook}
                yield Endpoint(handler=method, summary=summary, tag=self.tag, **fields)


async def read_body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise PayloadTooLarge(f"request body over {limit} bytes")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise PayloadTooLarge(f"request body over {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def _encodable(value: Any) -> Any:
    try:
        orjson.dumps(value)
    except TypeError as exc:  # e.g. an integer beyond 64 bits, which JSON readers disagree on
        raise ValueError(f"cannot be stored as JSON: {exc}") from None
    return value


# Free-form JSON fields (a payload, details): anything the services can store and send.
FreeJson = Annotated[Any, AfterValidator(_encodable)]
JsonObject = Annotated[dict[str, Any], AfterValidator(_encodable)]


def json(data: Any, status: int = 200, headers: Mapping[str, str] | None = None) -> Response:
    return Response(
        orjson.dumps(data), status_code=status, headers=headers, media_type="application/json"
    )


def no_content() -> Response:
    return Response(status_code=204)


def validation_details(exc: ValidationError) -> list[dict[str, str]]:
    details = []
    for err in exc.errors(include_url=False, include_input=False):
        where = ".".join(str(p) for p in err["loc"]) or "body"
        details.append({"field": where, "message": err["msg"]})
    return details


def _raise_bad_request(exc: ValidationError, what: str) -> None:
    details = validation_details(exc)
    first = details[0]
    raise BadRequest(f"invalid {what}: {first['field']}: {first['message']}", details=details)


NUL = "\x00"
NUL_MESSAGE = "text may not contain NUL characters"


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return NUL in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(map(_has_nul, value))
    return False


def _refuse_nul(where: str) -> None:
    raise BadRequest(NUL_MESSAGE, details=[{"field": where, "message": NUL_MESSAGE}])


def _parse(model: type[M], data: Mapping[str, Any], what: str = "query") -> M:
    if _has_nul(dict(data)):  # PostgreSQL cannot store it, SQLite truncates at it
        _refuse_nul(what)
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        _raise_bad_request(exc, what)
        raise  # unreachable: keeps type checkers content


def _parse_form(model: type[M], raw: bytes) -> M:
    """A form body (RFC 6749's token requests are one), read as a query string is."""
    try:
        fields = dict(parse_qsl(raw.decode("utf-8"), keep_blank_values=True))
    except UnicodeDecodeError:
        raise BadRequest("a form body is UTF-8") from None
    return _parse(model, fields, "body")


def _parse_json(model: type[M], raw: bytes) -> M:
    if not raw.strip():
        raise BadRequest("a JSON body is required", details=[{"field": "body", "message": "empty"}])
    if b"\\u0000" in raw:  # a cheap test first: JSON writes NUL only as this escape
        try:
            if _has_nul(orjson.loads(raw)):
                _refuse_nul("body")
        except orjson.JSONDecodeError:
            pass  # not JSON: the model's parse below says so
    try:
        return model.model_validate_json(raw)
    except ValidationError as exc:
        _raise_bad_request(exc, "body")
        raise
