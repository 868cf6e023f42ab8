"""Sliding-window counters: the same decisions in the process and in Redis."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator

import pytest
import redis.asyncio as redis

from runeframe_stack.core.ratelimit import (
    Counters,
    Limiter,
    MemoryCounters,
    RedisCounters,
    sliding,
)
from runeframe_stack.core.settings import RateLimit

REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
SPAN = 10  # seconds; window 100 starts at t=1000


async def redis_up() -> bool:
    client = redis.Redis.from_url(REDIS_URL)
    try:
        return bool(await client.ping())
    except redis.ConnectionError:
        return False
    finally:
        await client.aclose()


@pytest.fixture(params=["memory", "redis"])
async def counters(request: pytest.FixtureRequest) -> AsyncIterator[Counters]:
    if request.param == "memory":
        yield MemoryCounters()
        return
    if not await redis_up():
        if os.environ.get("CI") == "true":
            pytest.fail(f"Redis is not reachable at {REDIS_URL}")
        pytest.skip(f"Redis is not reachable at {REDIS_URL}")
    namespace = f"test_{uuid.uuid4().hex[:8]}_"
    shared = RedisCounters(REDIS_URL, namespace)
    yield shared
    await shared.close()
    client = redis.Redis.from_url(REDIS_URL)
    keys = [key async for key in client.scan_iter(f"{namespace}*")]
    if keys:
        await client.delete(*keys)
    await client.aclose()


def test_the_previous_window_weighs_what_the_sliding_window_still_covers() -> None:
    assert sliding(1000.0, SPAN) == (100, 1.0)
    assert sliding(1007.5, SPAN) == (100, 0.25)


async def test_a_limit_holds_within_a_window_and_slides_into_the_next(counters: Counters) -> None:
    hits = [await counters.hit("user:a", 1000.0 + n, SPAN, 3) for n in range(4)]
    assert hits == [(True, 1.0), (True, 2.0), (True, 3.0), (False, 3.0)]
    # the next window's start still holds all three of the last: no burst at the edge
    assert await counters.hit("user:a", 1010.0, SPAN, 3) == (False, 3.0)
    # halfway through, the last window weighs half: 1.5 used, one more fits, then no more
    assert await counters.hit("user:a", 1015.0, SPAN, 3) == (True, 2.5)
    assert await counters.hit("user:a", 1015.0, SPAN, 3) == (False, 2.5)
    # another identity has its own count; a window later, the old hits are gone
    assert await counters.hit("user:b", 1015.0, SPAN, 3) == (True, 1.0)
    assert await counters.hit("user:a", 1030.0, SPAN, 3) == (True, 1.0)


async def test_concurrent_hits_are_each_decided_once(counters: Counters) -> None:
    """Hits arriving together (in Redis: one pipelined round trip) pass exactly the limit."""
    hits = await asyncio.gather(*(counters.hit("user:c", 1000.0, SPAN, 30) for _ in range(50)))
    assert sum(counted for counted, _ in hits) == 30
    assert sorted(used for counted, used in hits if counted) == [float(n) for n in range(1, 31)]


async def test_hits_of_several_identities_together_are_decided_each_in_its_own_count(
    counters: Counters,
) -> None:
    """One round trip with two users' hits (and a half-spent previous window for one):
    each user's hits pass in the order they came, up to its own room, and no further."""
    for _ in range(4):
        await counters.hit("user:d", 995.0, SPAN, 6)  # 4 in window 99
    order = ["user:d", "user:e"] * 6  # at t=1005 window 99 weighs half: d has 2 used
    hits = await asyncio.gather(*(counters.hit(who, 1005.0, SPAN, 6) for who in order))
    d = [hit for who, hit in zip(order, hits, strict=True) if who == "user:d"]
    e = [hit for who, hit in zip(order, hits, strict=True) if who == "user:e"]
    assert d == [(True, 3.0), (True, 4.0), (True, 5.0), (True, 6.0), (False, 6.0), (False, 6.0)]
    assert e == [(True, float(n)) for n in range(1, 7)]


async def test_the_headers_count_down_and_name_the_reset() -> None:
    limiter = Limiter(MemoryCounters())
    limit = RateLimit(requests=2, window_seconds=60)
    first, second, third = [await limiter.decide("addr:1", limit) for _ in range(3)]
    assert [v.allowed for v in (first, second, third)] == [True, True, False]
    assert [v.headers["X-RateLimit-Remaining"] for v in (first, second, third)] == ["1", "0", "0"]
    assert first.headers["X-RateLimit-Limit"] == "2"
    assert 1 <= int(third.headers["X-RateLimit-Reset"]) <= 60


async def test_idle_keys_are_forgotten_once_there_are_many() -> None:
    counters = MemoryCounters()
    counters.SWEEP_AT = 10
    for n in range(10):
        await counters.hit(f"addr:{n}", 1000.0, SPAN, 5)
    await counters.hit("addr:late", 1031.0, SPAN, 5)  # two windows on: the ten are idle
    assert list(counters._counts) == ["addr:late"]
