"""The scenario API: a virtual user that sends requests and thinks between them.

A scenario is `async def scenario(user)`, awaiting only the user's methods (`get`,
`post`, `request`, `think`); the same function then runs on this engine and on Locust.
"""

from __future__ import annotations

import asyncio
import ssl
import time
from time import perf_counter as clock  # loop.time() is millisecond-coarse on uvloop
from typing import Any

import orjson

from runeframe_wire.http1 import Connection, ConnectionLost, encode

from ..network import reason
from .plan import LoadPlan
from .route import connect, route_to
from .stats import Measurements

_CACHE_LIMIT = 4096


class Reply:
    """What a scenario's request got: status (0 when no answer came) and body."""

    __slots__ = ("body", "status")

    def __init__(self, status: int, body: bytes) -> None:
        self.status = status
        self.body = body

    def json(self) -> Any:
        return orjson.loads(self.body)


class VirtualUser:
    def __init__(
        self,
        index: int,
        plan: LoadPlan,
        recorder: Measurements,
    ) -> None:
        self.index = index
        self.plan = plan
        self.recorder = recorder
        self.connection: Connection | None = None
        self.route = route_to(plan.target, plan.tls)
        self.token = plan.tokens[index % len(plan.tokens)] if plan.tokens else None
        self.renew_at = float("inf")  # when the identity provider's token is to be replaced
        self._authorize()
        self.intended: float | None = None  # an open model's intended start of this iteration

    async def _connection(self) -> Connection:
        if self.connection is None or not self.connection.usable:
            if self.connection is not None:
                self.connection.close()
            self.connection = await connect(self.route)
        return self.connection

    def _authorize(self) -> None:
        """This user's headers, with its token: its own, or the identity provider's now."""
        if self.plan.auth is not None:
            self.token = self.plan.auth.token()
            self.renew_at = self.plan.auth.renew_at
        headers = dict(self.plan.headers)
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        self.headers = headers
        self._encoded: dict[tuple[Any, ...], bytes] = {}

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
                method, self.route.prefix + path, self.plan.target.authority, headers, body
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
    ) -> Reply:
        """Send one request; its latency is recorded under `name` (default: method and path)."""
        started = clock()
        if self.intended is not None:  # an open model's iteration: from when it was due
            started, self.intended = min(started, self.intended), None
        endpoint = name or f"{method} {path}"
        if time.time() >= self.renew_at:
            self._authorize()
        body = orjson.dumps(json) if json is not None else None
        try:
            connection = await self._connection()
        except ssl.SSLError as exc:  # the same for every connection: said in full
            self._failed(endpoint, reason(exc), started)
            return Reply(0, b"")
        except OSError as exc:
            self._failed(endpoint, type(exc).__name__, started)
            return Reply(0, b"")
        try:  # a request past the plan's timeout is failed by the run's watchdog (engine.py)
            status, payload = await connection.send(self._raw(method, path, body, headers))
        except (ConnectionLost, TimeoutError) as exc:
            connection.close()
            self._failed(endpoint, type(exc).__name__, started)
            return Reply(0, b"")
        now = clock()
        self.recorder.record(endpoint, status, int((now - started) * 1e6), now)
        return Reply(status, payload)

    def _failed(self, endpoint: str, kind: str, started: float) -> None:
        now = clock()
        self.recorder.error(endpoint, kind, int((now - started) * 1e6), now)

    async def get(self, path: str, **kwargs: Any) -> Reply:
        return await self.request("GET", path, **kwargs)

    async def post(self, path: str, **kwargs: Any) -> Reply:
        return await self.request("POST", path, **kwargs)

    async def patch(self, path: str, **kwargs: Any) -> Reply:
        return await self.request("PATCH", path, **kwargs)

    async def delete(self, path: str, **kwargs: Any) -> Reply:
        return await self.request("DELETE", path, **kwargs)

    async def think(self, seconds: float) -> None:
        await asyncio.sleep(seconds)

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()


def expire_overdue(users: list[VirtualUser], timeout: float) -> None:
    """Fail the requests that have waited longer than `timeout`, closing their connections."""
    now = clock()
    for user in users:
        connection = user.connection
        waiter = connection.waiter if connection is not None else None
        if connection and waiter and not waiter.done() and now - connection.sent_at > timeout:
            waiter.set_exception(TimeoutError("no answer in time"))
            connection.close()


async def hit_target(user: VirtualUser) -> None:
    """The default scenario: one GET of the plan's URL."""
    await user.get(user.plan.target.path)
