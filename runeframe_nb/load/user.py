"""The scenario API: a virtual user that sends requests and thinks between them.

A scenario is `async def scenario(user)`, awaiting only the user's methods (`get`,
`post`, `request`, `think`); the same function then runs on this engine and on Locust.
"""

from __future__ import annotations

import asyncio
from collections import deque
from time import perf_counter as clock  # loop.time() is millisecond-coarse on uvloop
from typing import Any

import orjson

from .http import Connection, ConnectionLost, connect, encode
from .plan import LoadPlan
from .stats import Recorder

_CACHE_LIMIT = 4096


class Response:
    __slots__ = ("body", "status")

    def __init__(self, status: int, body: bytes) -> None:
        self.status = status
        self.body = body

    def json(self) -> Any:
        return orjson.loads(self.body)


class Pool:
    """Connections shared by an open model's iterations: at most `size`; the rest queue."""

    def __init__(self, plan: LoadPlan, size: int) -> None:
        self.plan = plan
        self.size = size
        self.open = 0
        self.free: list[Connection] = []
        self.waiters: deque[asyncio.Future[Connection | None]] = deque()

    async def take(self) -> Connection:
        while True:
            while self.free:
                connection = self.free.pop()
                if connection.usable:
                    return connection
                self.open -= 1
            if self.open < self.size:
                self.open += 1
                try:
                    return await connect(self.plan.target.host, self.plan.target.port)
                except OSError:
                    self.open -= 1
                    raise
            waiter: asyncio.Future[Connection | None] = asyncio.get_running_loop().create_future()
            self.waiters.append(waiter)
            handed = await waiter
            if handed is not None:
                return handed
            # None: a connection was dropped, so there is room to open one; loop round

    def give(self, connection: Connection) -> None:
        usable = connection.usable
        if not usable:
            connection.close()
            self.open -= 1
        while self.waiters:
            waiter = self.waiters.popleft()
            if not waiter.done():
                waiter.set_result(connection if usable else None)
                return
        if usable:
            self.free.append(connection)


class VirtualUser:
    def __init__(
        self,
        index: int,
        plan: LoadPlan,
        recorder: Recorder,
        pool: Pool | None = None,
    ) -> None:
        self.index = index
        self.plan = plan
        self.recorder = recorder
        self.pool = pool
        self.connection: Connection | None = None
        self.token = plan.tokens[index % len(plan.tokens)] if plan.tokens else None
        headers = dict(plan.headers)
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        self.headers = headers
        self.intended: float | None = None  # an open model's intended start of this iteration
        self._encoded: dict[tuple[Any, ...], bytes] = {}

    async def _connection(self) -> Connection:
        if self.pool is not None:
            return await self.pool.take()
        if self.connection is None or not self.connection.usable:
            if self.connection is not None:
                self.connection.close()
            self.connection = await connect(self.plan.target.host, self.plan.target.port)
        return self.connection

    def _release(self, connection: Connection) -> None:
        if self.pool is not None:
            self.pool.give(connection)

    def _raw(
        self, method: str, path: str, body: bytes | None, extra: dict[str, str] | None
    ) -> bytes:
        key = (method, path, body, tuple(extra.items()) if extra else None)
        raw = self._encoded.get(key)
        if raw is None:
            if len(self._encoded) >= _CACHE_LIMIT:
                self._encoded.clear()
            headers = {**self.headers, **(extra or {})}
            if body is not None:
                headers.setdefault("Content-Type", "application/json")
            raw = self._encoded[key] = encode(
                method, path, self.plan.target.authority, headers, body
            )
        return raw

    async def request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        headers: dict[str, str] | None = None,
        name: str | None = None,
    ) -> Response:
        """Send one request; its latency is recorded under `name` (default: method and path)."""
        loop = asyncio.get_running_loop()
        started = self.intended if self.intended is not None else clock()
        self.intended = None
        endpoint = name or f"{method} {path}"
        body = orjson.dumps(json) if json is not None else None
        try:
            connection = await self._connection()
        except OSError as exc:
            self._failed(endpoint, type(exc).__name__, started)
            return Response(0, b"")
        future = connection.send(self._raw(method, path, body, headers))
        timer = loop.call_later(self.plan.timeout, _expire, future, connection)
        try:
            status, payload = await future
        except (ConnectionLost, TimeoutError) as exc:
            connection.close()
            self._release(connection)
            self._failed(endpoint, type(exc).__name__, started)
            return Response(0, b"")
        finally:
            timer.cancel()
        self._release(connection)
        now = clock()
        self.recorder.record(endpoint, status, int((now - started) * 1e6), now)
        return Response(status, payload)

    def _failed(self, endpoint: str, kind: str, started: float) -> None:
        now = clock()
        self.recorder.error(endpoint, kind, int((now - started) * 1e6), now)

    async def get(self, path: str, **kwargs: Any) -> Response:
        return await self.request("GET", path, **kwargs)

    async def post(self, path: str, **kwargs: Any) -> Response:
        return await self.request("POST", path, **kwargs)

    async def patch(self, path: str, **kwargs: Any) -> Response:
        return await self.request("PATCH", path, **kwargs)

    async def delete(self, path: str, **kwargs: Any) -> Response:
        return await self.request("DELETE", path, **kwargs)

    async def think(self, seconds: float) -> None:
        await asyncio.sleep(seconds)

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()


def _expire(future: asyncio.Future[Any], connection: Connection) -> None:
    if not future.done():
        future.set_exception(TimeoutError("no answer in time"))
        connection.close()


async def hit_target(user: VirtualUser) -> None:
    """The default scenario: one GET of the plan's URL."""
    await user.get(user.plan.target.path)
