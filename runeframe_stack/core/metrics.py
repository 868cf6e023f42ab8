"""Prometheus metrics every service exposes at /metrics.

Requests are counted per method, path template and status, so the request log that
API coverage is measured from is the same series an operator scrapes. Beside the
process's CPU, memory and open files, two gauges say how busy the service is: the
requests in flight, and the event loop's lag (how late it ran a timer, the most in the
last second), which grows before anything else when the loop has more work than time.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    ProcessCollector,
    generate_latest,
)
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

UNMATCHED = "<unmatched>"
Gauged = tuple[str, str, Callable[[], float]]  # a gauge's name, help, and how to read it


class Metrics:
    def __init__(self, service: str) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "http_requests",
            "HTTP requests handled, by method, path template and status.",
            ["service", "method", "route", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "http_request_duration_seconds",
            "Time to answer an HTTP request, by method and path template.",
            ["service", "method", "route"],
            registry=self.registry,
            buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5),
        )
        ProcessCollector(registry=self.registry)  # CPU seconds, resident memory, open files
        self.active = 0  # HTTP requests being answered: a plain count, read when scraped
        Gauge(
            "http_requests_in_flight", "HTTP requests being answered.", registry=self.registry
        ).set_function(lambda: self.active)
        self.loop_lag = Gauge(
            "event_loop_lag_seconds",
            "How late the event loop ran a timer: the most in the last second.",
            registry=self.registry,
        )
        self.service = service
        self._series: dict[tuple[str, str, int], tuple[Any, Any]] = {}

    def gauge(self, name: str, text: str, read: Callable[[], float]) -> None:
        """A gauge read at each scrape, labelled with the service."""
        Gauge(name, text, ["service"], registry=self.registry).labels(self.service).set_function(
            read
        )

    async def watch_loop(self, tick: float = 0.05, window: float = 1.0) -> None:
        """Sleep `tick` again and again; the longest overshoot of each `window` is the lag."""
        worst, window_ends = 0.0, time.perf_counter() + window
        while True:
            due = time.perf_counter() + tick
            await asyncio.sleep(tick)
            now = time.perf_counter()
            worst = max(worst, now - due)
            if now >= window_ends:
                self.loop_lag.set(worst)
                worst, window_ends = 0.0, now + window

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        series = self._series.get((method, route, status))
        if series is None:  # labels() is a lookup under a lock: done once per series
            series = self._series[method, route, status] = (
                self.requests.labels(self.service, method, route, str(status)),
                self.latency.labels(self.service, method, route),
            )
        series[0].inc()
        series[1].observe(seconds)

    async def endpoint(self, request: Request) -> Response:
        return Response(generate_latest(self.registry), media_type=CONTENT_TYPE_LATEST)


class MetricsMiddleware:
    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500
        metrics = self.metrics
        metrics.active += 1

        async def send_and_watch(message: Message) -> None:
            nonlocal status
            kind = message["type"]
            if kind == "http.response.start":
                status = message["status"]
            elif kind == "websocket.accept":
                status = 101
                self._record(scope, status, started)  # a session counts when it opens
            elif kind == "websocket.close" and status == 500:
                status = 403  # refused before the upgrade
            await send(message)

        try:
            await self.app(scope, receive, send_and_watch)
        finally:
            metrics.active -= 1
            if status != 101:
                self._record(scope, status, started)

    def _record(self, scope: Scope, status: int, started: float) -> None:
        method = scope.get("method", "GET")  # a WebSocket upgrade is a GET
        route = scope.get("route_template", UNMATCHED)
        self.metrics.observe(method, route, status, time.perf_counter() - started)
