"""The one way a service becomes an ASGI app.

Every service gets the same operational surface (/healthz, /metrics, /openapi.json),
the same error envelope for every failure (unknown route, bad method, unexpected
exception: never a traceback on the wire), authentication and metrics middleware, and
trailing-slash tolerance. A service brings only its endpoint groups and its start-up.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

from pydantic import BaseModel
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute
from starlette.types import ASGIApp, Receive, Scope, Send

from .. import __version__
from . import openapi
from .auth import AuthMiddleware, TokenVerifier
from .errors import ApiError, error_response
from .introspection import IntrospectionRoutes
from .lifecycle import in_background
from .metrics import Gauged, Metrics, MetricsMiddleware
from .routing import Call, Endpoint, Routes, endpoint, json
from .settings import StackSettings

log = logging.getLogger("runeframe_stack")
VERSION = __version__
OPERATIONAL_PATHS = frozenset({"/healthz", "/metrics", "/openapi.json"})
Lifespan = Callable[[Starlette], AbstractAsyncContextManager[None]]


class TrailingSlash:
    """Serve `/users/x` as `/users/x/`: resource paths end with a slash, as in the seed."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket"):
            path: str = scope["path"]
            if not path.endswith("/") and path not in OPERATIONAL_PATHS and "/." not in path:
                scope = dict(scope, path=path + "/")
        await self.app(scope, receive, send)


async def _api_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiError)
    return exc.response()


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
    message = {404: f"no route {request.url.path}", 405: f"{request.method} not allowed here"}
    return error_response(
        exc.status_code, code, message.get(exc.status_code, str(exc.detail)), None, exc.headers
    )


async def _unexpected(request: Request, exc: Exception) -> Response:
    log.exception("unhandled error on %s %s", request.method, request.url.path)
    return error_response(500, "internal_error", "the service failed to answer this request")


class Health(BaseModel):
    status: str  # ok, or degraded: serving, but a peer it needs is failing
    service: str
    version: str
    degraded: list[str] = []  # those peers


class OperationalRoutes(Routes):
    """What every service answers: health, metrics and its own OpenAPI document."""

    tag = "operations"

    def __init__(
        self,
        service: str,
        metrics: Metrics,
        ready: Callable[[], bool],
        degraded: Callable[[], list[str]],
    ) -> None:
        self.service = service
        self.metrics = metrics
        self.ready = ready
        self.degraded = degraded
        self.document: dict[str, Any] = {}

    @endpoint("GET", "/healthz", responses={200: Health, 503: openapi.ErrorEnvelope})
    async def healthz(self, call: Call) -> Response:
        """200 once the service is ready to serve: `ok`, or `degraded` naming the peers
        whose last request failed (the features that need them wait or fail)."""
        if not self.ready():
            return error_response(503, "starting", f"{self.service} is not ready")
        failing = self.degraded()
        status = "degraded" if failing else "ok"
        health = {"status": status, "service": self.service, "version": VERSION}
        return json({**health, "degraded": failing})

    @endpoint("GET", "/metrics")
    async def metrics_text(self, call: Call) -> Response:
        """Prometheus metrics in the text exposition format."""
        return await self.metrics.endpoint(call.request)

    @endpoint("GET", "/openapi.json")
    async def openapi_json(self, call: Call) -> Response:
        """This document."""
        return json(self.document)


def _parameters(endpoint: Endpoint) -> int:
    return endpoint.path.count("{")


def create_app(
    service: str,
    settings: StackSettings,
    verifier: TokenVerifier,
    groups: Iterable[Routes] = (),
    *,
    extra_routes: Sequence[BaseRoute] = (),
    extra_middleware: Sequence[Middleware] = (),
    lifespan: Lifespan | None = None,
    ready: Callable[[], bool] = lambda: True,
    degraded: Callable[[], list[str]] = list,
    gauges: Iterable[Gauged] = (),
) -> Starlette:
    """`degraded` names the failing peers for /healthz; `gauges` are read at each scrape."""
    metrics = Metrics(service)
    for name, text, read in gauges:
        metrics.gauge(name, text, read)
    operations = OperationalRoutes(service, metrics, ready, degraded)
    groups = [operations, IntrospectionRoutes(verifier), *groups]
    endpoints: list[Endpoint] = [ep for group in groups for ep in group.endpoints()]
    operations.document = openapi.build(f"{service} service", VERSION, endpoints)

    routes: list[BaseRoute] = [
        # literal paths before templated ones: /simulations/stats/ is not a simulation id
        *(ep.route(settings.max_body_bytes) for ep in sorted(endpoints, key=_parameters)),
        *extra_routes,
    ]

    @asynccontextmanager
    async def run(app: Starlette) -> AsyncIterator[None]:
        async with in_background(metrics.watch_loop()):
            if lifespan is None:
                yield
                return
            async with lifespan(app):
                yield

    app = Starlette(
        routes=routes,
        middleware=[
            Middleware(TrailingSlash),
            Middleware(MetricsMiddleware, metrics=metrics),
            Middleware(AuthMiddleware, verifier=verifier),
            *extra_middleware,
        ],
        exception_handlers={
            ApiError: _api_error,
            HTTPException: _http_error,
            Exception: _unexpected,
        },
        lifespan=run,
    )
    app.state.openapi = operations.document
    app.state.settings = settings
    app.state.verifier = verifier
    return app
