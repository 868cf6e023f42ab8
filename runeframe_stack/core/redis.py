"""Connections to Redis, shared by what a process keeps there (rate limits, fan-out)."""

from __future__ import annotations

from redis.asyncio import BlockingConnectionPool

CONNECTIONS = 64  # per process and use; a burst waits for one rather than failing


def redis_pool(redis_url: str) -> BlockingConnectionPool:
    """A pool whose callers beyond the cap wait their turn: a plain pool raises
    'Too many connections', which a burst of requests turns into 500s."""
    return BlockingConnectionPool.from_url(redis_url, max_connections=CONNECTIONS, timeout=10)
