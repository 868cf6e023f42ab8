"""Jonar reads each replica's /metrics as Prometheus would, and derives rates from it.

Samples of the request counter, the latency histogram's sum and count, CPU seconds and
resident memory are kept per replica for a short while; rates are differences between
the newest sample and the oldest one inside the window. Probes (/healthz, /metrics)
are not counted as traffic.
"""

from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass

from runeframe_wire.prometheus import sums

from ..core.peers import Peers

PROBES = frozenset({"/healthz", "/metrics"})
KEEP_SECONDS = 120.0


@dataclass(frozen=True)
class Sample:
    at: float
    requests: float
    latency_sum: float
    latency_count: float
    cpu_seconds: float
    memory_bytes: float


SERIES = (
    "http_requests_total",
    "http_request_duration_seconds_sum",
    "http_request_duration_seconds_count",
    "process_cpu_seconds_total",
    "process_resident_memory_bytes",
)


def parse(text: str) -> Sample:
    """A replica's page as one sample: its traffic (probes left out) and its process."""
    found = sums(text, SERIES, skip=lambda labels: labels.get("route") in PROBES)
    return Sample(time.monotonic(), *(found.get(name, 0.0) for name in SERIES))


@dataclass(frozen=True)
class Rates:
    requests_per_second: float
    mean_latency_ms: float | None
    cpu_percent: float
    memory_bytes: float


class Scraper:
    def __init__(self, peers: Peers) -> None:
        self.peers = peers
        self.samples: dict[str, deque[Sample]] = {}

    async def scrape(self, url: str) -> Sample | None:
        try:
            async with self.peers.session.get(f"{url}/metrics") as reply:
                if reply.status != 200:
                    return None
                sample = parse(await reply.text())
        except Exception:  # an unreachable replica simply has no new sample
            return None
        history = self.samples.setdefault(url, deque())
        history.append(sample)
        while history and sample.at - history[0].at > KEEP_SECONDS:
            history.popleft()
        return sample

    def forget(self, url: str) -> None:
        self.samples.pop(url, None)

    def rates(self, url: str, window: float) -> Rates | None:
        history = self.samples.get(url)
        if not history or len(history) < 2:
            return None
        newest = history[-1]
        oldest = next((s for s in history if newest.at - s.at <= window), history[0])
        if oldest is newest:
            oldest = history[-2]
        elapsed = newest.at - oldest.at
        if elapsed <= 0:
            return None
        served = newest.latency_count - oldest.latency_count
        latency = (newest.latency_sum - oldest.latency_sum) / served * 1000 if served > 0 else None
        return Rates(
            requests_per_second=max(0.0, newest.requests - oldest.requests) / elapsed,
            mean_latency_ms=latency,
            cpu_percent=max(0.0, newest.cpu_seconds - oldest.cpu_seconds) / elapsed * 100,
            memory_bytes=newest.memory_bytes,
        )
