"""Run one service in this process with uvicorn (uvloop + httptools)."""

from __future__ import annotations

import importlib
import logging

import uvicorn
from starlette.applications import Starlette

from .core.errors import StackConfigError
from .core.settings import SERVICES, StackSettings


def build(service: str, settings: StackSettings) -> Starlette:
    if service not in SERVICES:
        raise StackConfigError(f"unknown service {service!r}; one of {', '.join(SERVICES)}")
    module = importlib.import_module(f"runeframe_stack.{service}.app")
    app: Starlette = module.build(settings)
    return app


def serve(service: str, settings: StackSettings, port: int | None = None) -> None:
    logging.basicConfig(level=logging.WARNING, format=f"{service}: %(levelname)s %(message)s")
    app = build(service, settings)
    config = uvicorn.Config(
        app,
        host=settings.host,
        port=port if port is not None else settings.port(service),
        loop="uvloop",
        http="httptools",
        log_level="warning",
        access_log=False,
        lifespan="on",
        timeout_graceful_shutdown=5,
        server_header=False,  # no product banner for a scanner to match
        headers=[("x-content-type-options", "nosniff")],  # JSON stays JSON in a browser
    )
    uvicorn.Server(config).run()
