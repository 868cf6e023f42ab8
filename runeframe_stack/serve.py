"""Run one service in this process with uvicorn (uvloop + httptools, a response per write)."""

from __future__ import annotations

import gc
import importlib
import logging
import ssl
from typing import Any

import uvicorn
from starlette.applications import Starlette

from .core.errors import StackConfigError
from .core.settings import SERVICES, StackSettings
from .core.wire import OneWriteHttp


def build(service: str, settings: StackSettings) -> Starlette:
    if service not in SERVICES:
        raise StackConfigError(f"unknown service {service!r}; one of {', '.join(SERVICES)}")
    module = importlib.import_module(f"runeframe_stack.{service}.app")
    app: Starlette = module.build(settings)
    return app


def serve(
    service: str, settings: StackSettings, port: int | None = None, *, plain: bool = False
) -> None:
    logging.basicConfig(level=logging.WARNING, format=f"{service}: %(levelname)s %(message)s")
    app = build(service, settings)
    config = uvicorn.Config(
        app,
        host=settings.host,
        port=port if port is not None else settings.port(service),
        loop="uvloop",
        http=OneWriteHttp,
        log_level="warning",
        access_log=False,
        lifespan="on",
        timeout_graceful_shutdown=5,
        server_header=False,  # no product banner for a scanner to match
        headers=[("x-content-type-options", "nosniff")],  # JSON stays JSON in a browser
        **({} if plain else _tls_options(settings)),
    )
    settle_heap()
    uvicorn.Server(config).run()


def _tls_options(settings: StackSettings) -> dict[str, Any]:
    """uvicorn's TLS options when the stack serves HTTPS."""
    tls = settings.tls
    if tls is None:
        return {}
    options: dict[str, Any] = {"ssl_certfile": str(tls.cert), "ssl_keyfile": str(tls.key)}
    if tls.client_ca is not None:
        options |= {"ssl_ca_certs": str(tls.client_ca), "ssl_cert_reqs": ssl.CERT_REQUIRED}
    return options


def settle_heap() -> None:
    """Keep the garbage collector's pauses out of the answers' latency.

    A service holds about a hundred thousand objects from its imports (Starlette,
    pydantic, the drivers) that live as long as it does. Under a hundred concurrent
    requests, each young collection finds the requests in flight alive and promotes
    them, which soon triggers a full collection: one that walked all those objects, for
    45 ms every third of a second, was the edge's p99. Frozen, they are no longer
    walked; a larger first generation makes the young collections rarer as well.
    """
    gc.collect()
    gc.freeze()
    gc.set_threshold(10_000, 10, 10)
