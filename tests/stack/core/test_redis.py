"""Connections to Redis: a burst beyond the pool's cap waits for a connection where a
plain pool fails with 'Too many connections' (on the Redis at REDIS_URL; skipped where
none runs, but never in CI)."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator

import pytest
from redis.asyncio import ConnectionPool, Redis
from redis.exceptions import ConnectionError as RedisConnectionError

from runeframe_stack.core import redis as shared

URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")


@pytest.fixture
async def reachable() -> AsyncIterator[str]:
    probe = Redis.from_url(URL, socket_connect_timeout=1)
    try:
        await probe.ping()
    except (RedisConnectionError, OSError):
        if os.environ.get("CI") == "true":
            raise
        pytest.skip("Redis is not running")
    finally:
        await probe.aclose()
    yield URL


async def burst(pool: ConnectionPool, size: int) -> list[object]:
    client = Redis(connection_pool=pool)

    async def slow() -> object:
        return await client.execute_command("EVAL", "return redis.call('TIME')", 0)

    try:
        return await asyncio.gather(*(slow() for _ in range(size)), return_exceptions=True)
    finally:
        await client.aclose()
        await pool.aclose()


async def test_a_burst_beyond_the_cap_waits_where_a_plain_pool_fails(
    reachable: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(shared, "CONNECTIONS", 2)
    waited = await burst(shared.redis_pool(reachable), 40)
    assert [r for r in waited if isinstance(r, Exception)] == []
    failed = await burst(ConnectionPool.from_url(reachable, max_connections=2), 40)
    assert any("Too many connections" in str(r) for r in failed if isinstance(r, Exception))
