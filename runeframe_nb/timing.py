"""Every request a kit client makes is timed, so a notebook can chart latency per endpoint.

Samples go to a bounded log, a reservoir of 200,000 drawn evenly from every request of the
kernel's life (not its last ones, which would leave a long run's start unseen).
`timings()` turns them into a table with each path mapped to its OpenAPI template
(`/api/v1/users/{user_id}/`), read from the services' own documents.
"""

from __future__ import annotations

import random
import time
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

import httpx

from . import exchanges
from ._tables import pandas
from .openapi import RouteMatcher, shared_matcher

if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True, slots=True)
class Sample:
    service: str
    base_url: str
    method: str
    path: str
    status: int
    ms: float
    at: float


class TimingLog:
    """A uniform sample of at most `limit` requests out of all recorded (Algorithm R)."""

    def __init__(self, limit: int = 200_000, seed: int = 0) -> None:
        self.limit = limit
        self.samples: list[Sample] = []
        self.seen = 0
        self._draw = random.Random(seed)

    def record(self, sample: Sample) -> None:
        self.seen += 1
        if len(self.samples) < self.limit:
            self.samples.append(sample)
            return
        slot = self._draw.randrange(self.seen)
        if slot < self.limit:
            self.samples[slot] = sample

    def clear(self) -> None:
        self.samples.clear()
        self.seen = 0

    def frame(self, matcher: RouteMatcher | None = None) -> pd.DataFrame:
        """One row per request: service, endpoint (method and template), status, ms."""
        pd = pandas()
        rows = [asdict(s) for s in sorted(self.samples, key=lambda s: s.at)]
        columns = ["service", "endpoint", "method", "path", "status", "ms", "at"]
        if not rows:
            return pd.DataFrame(columns=columns)
        matcher = matcher or shared_matcher()
        for row in rows:
            template = matcher.template(row["base_url"], row["method"], row["path"])
            row["endpoint"] = f"{row['method']} {template}"
        return pd.DataFrame(rows, columns=columns)


log = TimingLog()


class TimedTransport(httpx.AsyncBaseTransport):
    """Wraps a transport; times each request until its body has been read, and keeps the
    exchange in the journal (exchanges.py)."""

    def __init__(
        self,
        inner: httpx.AsyncBaseTransport,
        service: str,
        base_url: str,
        urls: dict[str, str] | None = None,
    ) -> None:
        self.inner = inner
        self.service = service
        self.base_url = base_url
        self.urls = urls or {}  # for a client of every service: its request's URL says which

    def _where(self, request: httpx.Request) -> tuple[str, str]:
        url = str(request.url)
        for service, base in self.urls.items():
            if url.startswith(base):
                return service, base
        return self.service, self.base_url

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        body = await request.aread()
        service, base_url = self._where(request)
        exchange = exchanges.journal.add(
            exchanges.Exchange(
                service,
                base_url,
                request.method,
                request.url.path,
                request.url.query.decode(),
                exchanges.mask_headers(request.headers),
                exchanges.mask_body(body),
                time.time(),
                graphql=exchanges.graphql_fields(body)
                if request.url.path.endswith("/graphql/")
                else [],
            )
        )
        started = time.perf_counter()
        try:
            response = await self.inner.handle_async_request(request)
            await response.aread()
        except Exception as exc:
            exchange.error = str(exc) or type(exc).__name__
            exchange.ms = round((time.perf_counter() - started) * 1000, 3)
            raise
        elapsed = (time.perf_counter() - started) * 1000
        exchange.ms = round(elapsed, 3)
        exchange.status = response.status_code
        exchange.response_headers = exchanges.mask_headers(response.headers)
        exchange.response_body = exchanges.mask_body(response.content)
        exchanges.remember_created(exchange, response.headers.get("location"), response.content)
        response.extensions[exchanges.EXTENSION] = exchange  # a check can name what it judged
        log.record(
            Sample(
                service,
                base_url,
                request.method,
                request.url.path,
                response.status_code,
                round(elapsed, 3),
                time.time(),
            )
        )
        return response

    async def aclose(self) -> None:
        await self.inner.aclose()


def timings() -> pd.DataFrame:
    """The requests this kernel's clients made, with their endpoint templates."""
    return log.frame()


@dataclass
class Budget:
    """Each operation's median latency against a budget: the table, the operations over
    it, and the exchanges judged (every one this kernel made, the check's evidence)."""

    medians: pd.DataFrame
    over: pd.DataFrame
    exchanges: list[exchanges.Exchange]

    def __str__(self) -> str:
        slow = "; ".join(f"{r.endpoint} {r.median:.0f} ms" for r in self.over.itertuples())
        return slow or f"{len(self.medians)} operations"


def latency_budget(budget_ms: float) -> Budget:
    """Every operation this kernel called, its count and median latency, against
    `budget_ms`: an operation whose median is over it got slower than the stack promises."""
    timed = timings()
    timed = timed[timed["endpoint"].map(lambda e: exchanges.functional(e.partition(" ")[2]))]
    medians = timed.groupby(["service", "endpoint"])["ms"].agg(["count", "median"]).reset_index()
    judged = [e for e in exchanges.journal.exchanges if not e.websocket and e.status]
    return Budget(medians, medians[medians["median"] > budget_ms], judged)
