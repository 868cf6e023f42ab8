"""Per-identity rate limits on the public edge: 429, Retry-After and X-RateLimit-* headers.

An identity is the token's subject when a valid token is presented, else the client's
address. A sliding-window counter keeps two integers per identity (this window's hits
and the last one's, weighted by how much of it the sliding window still covers), so a
generous limit in a load profile costs no memory and a burst at a window boundary
cannot double it. Counters live in the process, or in Redis when the settings name it
(one limit across every edge process).

One decision is one storage call (one Redis round trip, a Lua script) that both counts
the hit and says how much is used: the headers every answer carries need no second
call. (The `limits` library needs two, which on the ci profile cost a third of the
edge's time per request.)
"""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Callable, Mapping
from typing import Any, NamedTuple, Protocol

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .errors import RateLimited
from .redis import redis_pool
from .registry import Registry
from .settings import RateLimit

EXEMPT = frozenset({"/healthz", "/metrics", "/openapi.json"})


Hit = tuple[bool, float]  # whether the hit was counted, and the sliding count after it


def sliding(now: float, span: int) -> tuple[int, float]:
    """The number of the window `now` falls in, and how much of the previous window a
    sliding window of `span` seconds ending now still covers (1 at its start, 0 at its end)."""
    window, into = divmod(now, span)
    return int(window), 1 - into / span


class Counters(Protocol):
    async def hit(self, key: str, now: float, span: int, limit: int) -> Hit:
        """Count one hit of `key` unless the sliding count of its last `span` seconds
        would pass `limit`."""
        ...


class MemoryCounters:
    SWEEP_AT = 100_000  # keys kept before the idle ones are dropped, at most once a second

    def __init__(self) -> None:
        self._counts: dict[str, tuple[int, int, int, float]] = {}  # window, hits, last, forget
        self._next_sweep = 0.0

    async def hit(self, key: str, now: float, span: int, limit: int) -> Hit:
        window, weight = sliding(now, span)
        seen, current, previous, _ = self._counts.get(key, (window, 0, 0, 0.0))
        if seen != window:
            current, previous = 0, current if seen == window - 1 else 0
        used = previous * weight + current
        allowed = used + 1 <= limit
        if allowed:
            current, used = current + 1, used + 1
        if len(self._counts) >= self.SWEEP_AT and now >= self._next_sweep:
            self._counts = {k: v for k, v in self._counts.items() if v[3] > now}
            self._next_sweep = now + 1
        self._counts[key] = (window, current, previous, (window + 2) * span)
        return allowed, used


_HITS = """
local used = tonumber(redis.call('GET', KEYS[2]) or '0') * tonumber(ARGV[1])
             + tonumber(redis.call('GET', KEYS[1]) or '0')
local room = math.floor(tonumber(ARGV[2]) - used)
local counted = math.max(0, math.min(tonumber(ARGV[4]), room))
if counted > 0 then
  redis.call('INCRBY', KEYS[1], counted)
  redis.call('PEXPIRE', KEYS[1], ARGV[3])
end
return {counted, tostring(used)}
"""


class RedisCounters:
    """The same counters in Redis, keyed `<namespace>ratelimit:<key>:<window>`.

    Hits that arrive while a round trip is under way wait and go together in the next
    one, as a pipeline of scripts, one per key: a key's n waiting hits are decided at
    once and atomically, in the order they came (the first ones the room left allows,
    the rest refused), exactly as n scripts of one hit each would decide them. Under
    load one round trip serves many requests, and one script many hits of one user."""

    def __init__(self, redis_url: str, namespace: str) -> None:
        from redis.asyncio import Redis

        self._prefix = f"{namespace}ratelimit:"
        self._pool = redis_pool(redis_url)
        self._redis = Redis(connection_pool=self._pool)
        self._waiting: list[tuple[tuple[Any, ...], asyncio.Future[Hit]]] = []
        self._sender: asyncio.Task[None] | None = None

    async def hit(self, key: str, now: float, span: int, limit: int) -> Hit:
        window, weight = sliding(now, span)
        stem = f"{self._prefix}{key}:"
        expire_ms = 2 * span * 1000  # while it can still be the previous window
        command = (f"{stem}{window}", f"{stem}{window - 1}", repr(weight), limit, expire_ms)
        decided: asyncio.Future[Hit] = asyncio.get_running_loop().create_future()
        self._waiting.append((command, decided))
        if self._sender is None:
            self._sender = asyncio.create_task(self._send_while_waiting())
        return await decided

    async def _send_while_waiting(self) -> None:
        try:
            while self._waiting:
                batch, self._waiting = self._waiting, []
                await self._send(batch)
        finally:
            self._sender = None

    async def _send(self, batch: list[tuple[tuple[Any, ...], asyncio.Future[Hit]]]) -> None:
        # the same key, window and limit: one script, weighing the previous window as the
        # first of its hits saw it (the hits of one batch came within a round trip)
        groups: dict[tuple[Any, ...], tuple[tuple[Any, ...], list[asyncio.Future[Hit]]]] = {}
        for command, decided in batch:
            current, previous, _weight, limit, expire_ms = command
            found = groups.setdefault((current, previous, limit, expire_ms), (command, []))
            found[1].append(decided)
        pipe = self._redis.pipeline(transaction=False)
        for command, waiting in groups.values():
            pipe.eval(_HITS, 2, *command, len(waiting))  # Redis keeps the compiled script
        try:
            answers = await pipe.execute()
        except Exception as exc:  # every waiting request learns why (a 500 with the envelope)
            for _, decided in batch:
                if not decided.done():  # its request may have gone meanwhile
                    decided.set_exception(exc)
            return
        for (_, waiting), (counted, used) in zip(groups.values(), answers, strict=True):
            before = float(used)
            for n, decided in enumerate(waiting):
                if not decided.done():
                    allowed = n < counted
                    decided.set_result((allowed, before + (n + 1 if allowed else counted)))

    async def close(self) -> None:
        await self._pool.disconnect()


class Verdict(NamedTuple):
    allowed: bool
    headers: dict[str, str]


class Limiter:
    """Limits per identity, each a number of requests per window of seconds."""

    def __init__(self, counters: Counters) -> None:
        self.counters = counters

    async def decide(self, identity: str, limit: RateLimit) -> Verdict:
        now, span = time.time(), limit.window_seconds
        key = f"{identity}:{span}"  # windows of each length counted apart
        allowed, used = await self.counters.hit(key, now, span, limit.requests)
        reset_in = max(1, math.ceil(span - now % span))
        return Verdict(
            allowed,
            {
                "X-RateLimit-Limit": str(limit.requests),
                "X-RateLimit-Remaining": str(max(0, math.floor(limit.requests - used))),
                "X-RateLimit-Reset": str(reset_in),
            },
        )


COUNTERS: Registry[Callable[[str, str], Counters]] = Registry("rate-limit counters")
COUNTERS.register("memory")(lambda _url, _namespace: MemoryCounters())
COUNTERS.register("redis", "rediss")(RedisCounters)


def counters_for(redis_url: str | None, namespace: str) -> Counters:
    """Counters in Redis when a URL is given (every edge process counts against the same
    limit), else in this process."""
    return COUNTERS.for_url(redis_url, "memory")(redis_url or "", namespace)


class RateLimitMiddleware:
    def __init__(
        self,
        app: ASGIApp,
        limit: RateLimit,
        overrides: Mapping[str, RateLimit] | None = None,
        redis_url: str | None = None,
        namespace: str = "",
    ) -> None:
        self.app = app
        self.default = limit
        self.overrides = dict(overrides or {})
        self.limiter = Limiter(counters_for(redis_url, namespace))

    def _identity(self, scope: Scope) -> tuple[str, RateLimit]:
        identity = scope.get("identity")
        if identity is not None:
            return f"user:{identity.user_id}", self.overrides.get(identity.user_id, self.default)
        client = scope.get("client")
        return f"addr:{client[0] if client else 'unknown'}", self.default

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in EXEMPT:
            await self.app(scope, receive, send)
            return
        key, limit = self._identity(scope)
        verdict = await self.limiter.decide(key, limit)
        if not verdict.allowed:
            reset_in = verdict.headers["X-RateLimit-Reset"]
            exc = RateLimited(
                f"rate limit of {limit.requests} requests per "
                f"{limit.window_seconds} s exceeded; retry in {reset_in} s",
                headers={**verdict.headers, "Retry-After": reset_in},
            )
            await exc.response()(scope, receive, send)
            return

        raw = [(k.lower().encode(), v.encode()) for k, v in verdict.headers.items()]

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []), *raw]}
            await send(message)

        await self.app(scope, receive, send_with_headers)
