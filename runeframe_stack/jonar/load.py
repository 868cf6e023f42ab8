"""Real requests at a fixed rate against a deployment's replicas, to exercise autoscaling.

`simulate_load(component, load_factor)` sends load_factor x target requests per second
per replica for a few seconds, reads the rate the replicas themselves counted, and asks
the autoscaler what that means.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

import aiohttp

from ..core.peers import Peers
from .backend import Replica

LOAD_PATH = "/openapi.json"
REQUEST_TIMEOUT = aiohttp.ClientTimeout(total=5)


async def send_at_rate(
    peers: Peers, replicas: list[Replica], rate: float, duration: float
) -> dict[str, Any]:
    """Requests spread round-robin over `replicas`, `rate` per second, for `duration` s."""
    sent = errors = 0
    tasks: set[asyncio.Task[None]] = set()

    async def one(url: str) -> None:
        nonlocal errors
        try:
            async with peers.session.get(url, timeout=REQUEST_TIMEOUT) as reply:
                await reply.read()
                if reply.status >= 500:
                    errors += 1
        except Exception:  # refused or timed out: counted, not fatal
            errors += 1

    started = time.monotonic()
    interval = 1.0 / rate
    while (now := time.monotonic()) - started < duration:
        due = int((now - started) / interval) + 1
        while sent < due:
            replica = replicas[sent % len(replicas)]
            task = asyncio.create_task(one(replica.url + LOAD_PATH))
            tasks.add(task)
            task.add_done_callback(tasks.discard)
            sent += 1
        await asyncio.sleep(min(interval, 0.01))
    if tasks:
        await asyncio.wait(tasks, timeout=10)
    elapsed = time.monotonic() - started
    return {"requests_sent": sent, "errors": errors, "achieved_rps": round(sent / elapsed, 1)}
