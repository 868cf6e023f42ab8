"""A peer's bulkhead: its circuit opens after failures in a row, fails fast while open,
and lets one request try the peer again after the cool-down."""

from __future__ import annotations

import asyncio
import time

import pytest

from runeframe_stack.core.bulkhead import Bulkhead
from runeframe_stack.core.errors import Unavailable


async def call(bulkhead: Bulkhead, ok: bool) -> None:
    async with bulkhead.admitted():
        (bulkhead.succeeded if ok else bulkhead.failed)()


async def test_the_circuit_opens_after_failures_in_a_row_and_fails_fast() -> None:
    bulkhead = Bulkhead("mercatrix", threshold=3, cool_down=60)
    for _ in range(2):
        await call(bulkhead, ok=False)
    await call(bulkhead, ok=True)  # a success in between: the count starts over
    assert not bulkhead.degraded
    for _ in range(3):
        await call(bulkhead, ok=False)
    assert bulkhead.degraded
    started = time.monotonic()
    with pytest.raises(Unavailable, match="mercatrix is unavailable: 3 requests in a row"):
        await call(bulkhead, ok=True)
    assert time.monotonic() - started < 0.01


async def test_after_the_cool_down_one_request_tries_and_its_success_closes_it() -> None:
    bulkhead = Bulkhead("jonar", threshold=1, cool_down=0.05)
    await call(bulkhead, ok=False)
    await asyncio.sleep(0.06)
    trying = asyncio.Event()

    async def trial() -> None:
        async with bulkhead.admitted():
            trying.set()
            await asyncio.sleep(0.05)
            bulkhead.succeeded()

    first = asyncio.create_task(trial())
    await trying.wait()
    with pytest.raises(Unavailable):  # only one tries while the circuit is half open
        await call(bulkhead, ok=True)
    await first
    await call(bulkhead, ok=True)  # closed again
    assert not bulkhead.degraded


async def test_a_failed_trial_opens_it_again() -> None:
    bulkhead = Bulkhead("hoardwell", threshold=2, cool_down=0.05)
    for _ in range(2):
        await call(bulkhead, ok=False)
    await asyncio.sleep(0.06)
    await call(bulkhead, ok=False)
    with pytest.raises(Unavailable):
        await call(bulkhead, ok=True)


async def test_at_most_limit_requests_reach_a_peer_at_once() -> None:
    bulkhead = Bulkhead("distilera", limit=2)
    inside = peak = 0

    async def one() -> None:
        nonlocal inside, peak
        async with bulkhead.admitted():
            inside += 1
            peak = max(peak, inside)
            await asyncio.sleep(0.01)
            inside -= 1

    await asyncio.gather(*(one() for _ in range(8)))
    assert peak == 2
