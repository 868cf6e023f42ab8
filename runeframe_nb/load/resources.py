"""What the services spend while load runs: each service's /metrics, sampled on the load's
own clock, so resources, throughput and latency share one time axis.

    async with load.Resources(env.urls) as watched:
        result = await load.run(plan)
    watched.samples(result)      # second, service, cpu_percent, rss_mb, loop_lag_ms, ...
    watched.first_saturated()    # which resource of which service gave out first
    await load.settled(env.urls)  # before measuring: the stack has delivered what it owes

Every service exposes the process's CPU seconds, resident memory and open file
descriptors (Prometheus' process collector), the event loop's lag and the requests in
flight. CPU is a share of one core (a service is one process); a resource is saturated
when it passes its limit in `LIMITS` for two samples running.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from time import perf_counter as clock
from types import TracebackType
from typing import TYPE_CHECKING, Any

import httpx

from runeframe_wire.prometheus import sums

from ..network import AsyncTransport, Tls
from ..waits import DELIVERY_WITHIN
from .stats import LoadResult

if TYPE_CHECKING:
    import pandas as pd

SERIES = {
    "process_cpu_seconds_total": "cpu_seconds",
    "process_resident_memory_bytes": "rss_bytes",
    "process_open_fds": "open_fds",
    "event_loop_lag_seconds": "loop_lag_seconds",
    "http_requests_in_flight": "in_flight",
    "outbox_pending": "outbox_pending",
}
# when a resource is given out: a core's worth of CPU, a loop late by a tenth of a second
LIMITS = {"cpu_percent": 90.0, "loop_lag_ms": 100.0}
COLUMNS = ["second", "service", "cpu_percent", "rss_mb", "loop_lag_ms", "in_flight", "open_fds"]


def read_metrics(text: str) -> dict[str, float]:
    """The sampled series' values from a Prometheus text page (summed over labels), by
    their short names."""
    return {SERIES[name]: value for name, value in sums(text, SERIES).items()}


async def settled(
    urls: Mapping[str, str], tls: Tls | None = None, within: float = DELIVERY_WITHIN
) -> int:
    """Wait until no service has a notification left to deliver (its `outbox_pending` is
    0; a service that does not say has none), so that a measurement that follows measures
    the stack and not its catching up with what came before; how many were still pending
    when `within` seconds ran out (0: settled)."""
    deadline = clock() + within
    transport = AsyncTransport(tls or Tls().resolved())
    async with httpx.AsyncClient(timeout=2.0, transport=transport) as client:
        while True:
            pages = await asyncio.gather(*(client.get(f"{u}/metrics") for u in urls.values()))
            pending = sum(
                int(read_metrics(page.text).get("outbox_pending", 0))
                for page in pages
                if page.status_code == 200
            )
            if not pending or clock() >= deadline:
                return pending
            await asyncio.sleep(0.2)


@dataclass
class Resources:
    """Samples every `interval` seconds from entering to leaving, and once more after; a
    service that does not answer within the interval is left out of that sample."""

    urls: dict[str, str]
    interval: float = 0.5
    tls: Tls = field(default_factory=lambda: Tls().resolved())  # an environment's env.tls
    raw: list[tuple[float, str, dict[str, float]]] = field(default_factory=list)

    async def __aenter__(self) -> Resources:
        self._client = httpx.AsyncClient(timeout=self.interval, transport=AsyncTransport(self.tls))
        self._task = asyncio.get_running_loop().create_task(self._sample_until_cancelled())
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task
        await self._sample()  # the last word, after the load
        await self._client.aclose()

    async def _sample_until_cancelled(self) -> None:
        while True:
            started = clock()
            await self._sample()
            await asyncio.sleep(max(0.0, self.interval - (clock() - started)))

    async def _sample(self) -> None:
        async def one(service: str, url: str) -> None:
            try:
                reply = await self._client.get(f"{url}/metrics")
            except httpx.HTTPError:
                return
            if reply.status_code == 200:
                self.raw.append((clock(), service, read_metrics(reply.text)))

        await asyncio.gather(*(one(s, u) for s, u in self.urls.items()))

    def samples(self, result: LoadResult | None = None) -> pd.DataFrame:
        """One row per sample and service; `second` counts from the load's start when
        `result` is given (from the first sample otherwise), and the load generator's
        own CPU and loop lag come with it, as one more service."""
        import pandas as pd

        own = pd.DataFrame(result.generator() if result is not None else [], columns=COLUMNS)
        if not self.raw:
            return own
        origin = result.recorder.started if result is not None else self.raw[0][0]
        rows: list[dict[str, Any]] = []
        last: dict[str, tuple[float, float]] = {}
        for at, service, values in sorted(self.raw, key=lambda r: r[0]):
            cpu = values.get("cpu_seconds")
            before = last.get(service)
            percent = None
            if cpu is not None and before is not None and at > before[0]:
                percent = round(100 * (cpu - before[1]) / (at - before[0]), 1)
            if cpu is not None:
                last[service] = (at, cpu)
            rows.append(
                {
                    "second": round(at - origin, 2),
                    "service": service,
                    "cpu_percent": percent,
                    "rss_mb": round(values.get("rss_bytes", 0.0) / 2**20, 1),
                    "loop_lag_ms": round(1000 * values.get("loop_lag_seconds", 0.0), 1),
                    "in_flight": values.get("in_flight"),
                    "open_fds": values.get("open_fds"),
                }
            )
        frame = pd.DataFrame(rows, columns=COLUMNS)
        return pd.concat([frame, own], ignore_index=True) if len(own) else frame

    def first_saturated(self, result: LoadResult | None = None) -> str:
        """The first resource of a service past its limit two samples running, or the
        nearest to its limit when none was."""
        samples = self.samples(result)
        if samples.empty:
            return "no samples"
        first, nearest = saturation(samples.to_dict("records"))
        return first or f"none saturated; {nearest}"


def saturation(samples: Iterable[Mapping[str, Any]]) -> tuple[str | None, str]:
    """Of `samples` (rows as `Resources.samples` gives them): the first resource past its
    limit two samples running (None when none was), and the one that came nearest."""
    by_service: dict[str, list[Mapping[str, Any]]] = {}
    for row in sorted(samples, key=lambda r: r["second"]):
        by_service.setdefault(row["service"], []).append(row)
    crossed: list[tuple[float, str]] = []
    nearest = (0.0, "")
    for measure, limit in LIMITS.items():
        for service, rows in sorted(by_service.items()):
            values = [_value(row.get(measure)) for row in rows]
            for before, value, row in zip(values, values[1:], rows[1:], strict=False):
                if before >= limit and value >= limit:
                    at = float(row["second"])
                    crossed.append((at, f"{service} {measure} at {at:.0f} s (limit {limit:g})"))
                    break
            peak = max(values, default=0.0)
            if peak / limit > nearest[0]:
                nearest = (peak / limit, f"{service} {measure} peaked at {peak:g}")
    first = min(crossed)[1] if crossed else None
    return first, f"nearest: {nearest[1]} ({nearest[0]:.0%} of its limit)"


def _value(measured: Any) -> float:
    """A sample's value; none (or NaN: not measured) counts as nothing spent."""
    return 0.0 if measured is None or measured != measured else float(measured)
