"""The busy-ness gauges every service exposes: the event loop's lag, requests in flight."""

from __future__ import annotations

import asyncio
import time

import httpx

from runeframe_stack.core.metrics import Metrics


async def test_the_loop_lag_shows_a_blocked_loop_and_then_recovers() -> None:
    metrics = Metrics("api")
    task = asyncio.create_task(metrics.watch_loop(tick=0.01, window=0.2))

    def lag() -> float:
        return metrics.registry.get_sample_value("event_loop_lag_seconds") or 0.0

    try:
        await asyncio.sleep(0.45)
        quiet = lag()
        time.sleep(0.3)  # noqa: ASYNC251  (the point: the loop is blocked, no timer runs on time)
        await asyncio.sleep(0.05)  # the window that saw it has just closed
        blocked = lag()
        await asyncio.sleep(0.45)
        recovered = lag()
    finally:
        task.cancel()
    assert quiet < 0.1 and blocked >= 0.25 and recovered < 0.1, (quiet, blocked, recovered)


def test_a_service_counts_the_requests_in_flight(urls: dict[str, str]) -> None:
    text = httpx.get(f"{urls['distilera']}/metrics").text
    assert "http_requests_in_flight 1.0" in text  # the scrape itself
    assert "event_loop_lag_seconds " in text and "process_open_fds " in text
