"""Per-identity rate limits on the public edge: 429, Retry-After and X-RateLimit-* headers.

An identity is the token's subject when a valid token is presented, else the client's
address. The sliding-window counter keeps O(1) state per identity, so a generous limit
in a load profile costs no memory, and a burst at a window boundary cannot double it.
Counters live in the process, or in Redis when the settings name it (one limit across
every edge process).
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping

from limits import RateLimitItem, RateLimitItemPerSecond
from limits.aio.storage import MemoryStorage, RedisStorage, Storage
from limits.aio.strategies import SlidingWindowCounterRateLimiter
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .errors import RateLimited
from .redis import redis_pool
from .settings import RateLimit

EXEMPT = frozenset({"/healthz", "/metrics", "/openapi.json"})


def shared_counters(redis_url: str, namespace: str) -> Storage:
    """Counters in Redis, so every edge process counts against the same limit."""
    return RedisStorage(
        f"async+{redis_url}",
        implementation="redispy",
        key_prefix=f"{namespace}ratelimit",
        # limits types its options as scalars, yet takes a pool (its redis-py bridge pops it)
        connection_pool=redis_pool(redis_url),  # type: ignore[arg-type]
    )


def _item(limit: RateLimit) -> RateLimitItem:
    return RateLimitItemPerSecond(limit.requests, limit.window_seconds)


class RateLimitMiddleware:
    def __init__(
        self,
        app: ASGIApp,
        limit: RateLimit,
        overrides: Mapping[str, RateLimit] | None = None,
        storage: Storage | None = None,
    ) -> None:
        self.app = app
        self.default = _item(limit)
        self.overrides = {user: _item(lim) for user, lim in (overrides or {}).items()}
        self.limiter = SlidingWindowCounterRateLimiter(storage or MemoryStorage())

    def _identity(self, scope: Scope) -> tuple[str, RateLimitItem]:
        identity = scope.get("identity")
        if identity is not None:
            item = self.overrides.get(identity.user_id, self.default)
            return f"user:{identity.user_id}", item
        client = scope.get("client")
        return f"addr:{client[0] if client else 'unknown'}", self.default

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in EXEMPT:
            await self.app(scope, receive, send)
            return
        key, item = self._identity(scope)
        allowed = await self.limiter.hit(item, key)
        stats = await self.limiter.get_window_stats(item, key)
        reset_in = max(1, math.ceil(stats.reset_time - time.time()))
        headers = {
            "X-RateLimit-Limit": str(item.amount),
            "X-RateLimit-Remaining": str(max(0, stats.remaining)),
            "X-RateLimit-Reset": str(reset_in),
        }
        if not allowed:
            exc = RateLimited(
                f"rate limit of {item.amount} requests per "
                f"{item.multiples} s exceeded; retry in {reset_in} s",
                headers={**headers, "Retry-After": str(reset_in)},
            )
            await exc.response()(scope, receive, send)
            return

        raw = [(k.lower().encode(), v.encode()) for k, v in headers.items()]

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []), *raw]}
            await send(message)

        await self.app(scope, receive, send_with_headers)
