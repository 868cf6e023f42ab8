"""One request to a peer service: HTTP/1.1 on pooled keep-alive connections.

Every public request crosses at least one such hop (the edge to Distilera), so its cost
is paid twice per request. A general client (aiohttp) spends most of that on features a
hop between our own services never uses: cookies, redirects, proxies, compression,
tracing. This one writes the request line and headers itself and parses the answer with
httptools, the parser uvicorn serves with; it keeps idle connections per peer and opens
more on demand, up to a limit. aiohttp remains for WebSockets and one-off probes.
"""

from __future__ import annotations

import asyncio
import re
import ssl
from collections import defaultdict
from collections.abc import Mapping
from typing import Any, NamedTuple, cast
from urllib.parse import urlsplit

import httptools
import orjson

from .errors import ApiError, Unavailable

_UNSAFE = re.compile(r"[^\x21-\x7e]")
IDEMPOTENT = frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS"})


class HopError(Exception):
    """The peer could not be reached, hung up, or sent something that is not HTTP."""


class Reply:
    """A peer's answer: status, body and headers (names in lower case)."""

    __slots__ = ("body", "headers", "status")

    def __init__(self, status: int, body: bytes, headers: Mapping[str, str]) -> None:
        self.status = status
        self.body = body
        self.headers = headers

    def json(self) -> Any:
        return orjson.loads(self.body) if self.body else None

    def raise_for_error(self) -> None:
        """Re-raise a peer's error envelope as our own, keeping its status and code."""
        if self.status < 400:
            return
        try:
            err = self.json()["error"]
        except (ValueError, KeyError, TypeError):
            raise Unavailable(f"peer answered {self.status} without an error envelope") from None
        raise ApiError(
            err.get("message", ""),
            details=err.get("details"),
            code=err.get("code"),
            status=self.status,
        )


class _Connection(asyncio.Protocol):
    """One keep-alive connection: one request at a time, answered through a future."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.parser = httptools.HttpResponseParser(self)
        self.waiter: asyncio.Future[Reply] | None = None
        self.reusable = True
        self._headers: dict[str, str] = {}
        self._body: list[bytes] = []

    # asyncio.Protocol
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)  # uvloop's is not a subclass

    def data_received(self, data: bytes) -> None:
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserError as exc:
            self._fail(HopError(f"not an HTTP answer: {exc}"))

    def connection_lost(self, exc: Exception | None) -> None:
        self._fail(HopError("the peer closed the connection"))

    # httptools callbacks
    def on_header(self, name: bytes, value: bytes) -> None:
        self._headers[name.decode("latin-1").lower()] = value.decode("latin-1")

    def on_body(self, body: bytes) -> None:
        self._body.append(body)

    def on_message_complete(self) -> None:
        self.reusable = self.parser.should_keep_alive()
        answer = Reply(self.parser.get_status_code(), b"".join(self._body), self._headers)
        if self.waiter is not None and not self.waiter.done():
            self.waiter.set_result(answer)

    def _fail(self, error: HopError) -> None:
        self.abandon()
        if self.waiter is not None and not self.waiter.done():
            self.waiter.set_exception(error)

    def abandon(self) -> None:
        """Never use this connection again, and drop it at once."""
        self.reusable = False
        if self.transport is not None:
            self.transport.abort()

    async def exchange(self, request: bytes) -> Reply:
        assert self.transport is not None
        self._headers, self._body = {}, []
        self.waiter = asyncio.get_running_loop().create_future()
        self.transport.write(request)
        return await self.waiter

    @property
    def idle_and_open(self) -> bool:
        return self.reusable and self.transport is not None and not self.transport.is_closing()


class Peer(NamedTuple):
    """Where a service listens, from its base URL (http or https, maybe with a path)."""

    host: str
    port: int
    tls: bool
    base_path: str

    @classmethod
    def of(cls, url: str) -> Peer:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"not an http(s) URL: {url!r}")
        tls = parts.scheme == "https"
        port = parts.port or (443 if tls else 80)
        return cls(parts.hostname, port, tls, parts.path.rstrip("/"))


class Pool:
    """Keep-alive connections per peer, at most `limit` open at once in all; a request
    (waiting for a connection included) takes at most `timeout` seconds. An https peer
    is spoken to with `context` (the default one when None)."""

    def __init__(
        self, limit: int = 256, timeout: float = 30.0, context: ssl.SSLContext | None = None
    ) -> None:
        self._idle: dict[Peer, list[_Connection]] = defaultdict(list)
        self._slots = asyncio.Semaphore(limit)
        self.timeout = timeout
        self._ssl = context  # for https peers; None: the default context

    async def request(
        self,
        peer: Peer,
        method: str,
        target: str,
        headers: Mapping[str, str],
        body: bytes | None,
    ) -> Reply:
        """Send `method target` (path and query, percent-encoded) to `peer`; HopError if
        it cannot answer."""
        if _UNSAFE.search(target):  # a space or line break would split the request
            raise ValueError(f"request target is not percent-encoded: {target!r}")
        lines = [f"{method} {peer.base_path}{target} HTTP/1.1\r\nhost: {peer.host}:{peer.port}\r\n"]
        lines += [f"{name}: {value}\r\n" for name, value in headers.items()]
        if body is not None or method not in ("GET", "HEAD", "DELETE"):
            lines.append(f"content-length: {len(body or b'')}\r\n")
        request = "".join(lines).encode("latin-1") + b"\r\n" + (body or b"")
        async with asyncio.timeout(self.timeout), self._slots:
            idle = self._idle[peer]
            while idle:
                connection = idle.pop()
                if connection.idle_and_open:
                    try:
                        return await self._exchange(connection, peer, request)
                    except HopError:
                        if method not in IDEMPOTENT:
                            raise  # it may have arrived: only the caller may send it again
                    break  # a stale keep-alive: try once on a fresh connection
            return await self._exchange(await self._open(peer), peer, request)

    async def _open(self, peer: Peer) -> _Connection:
        try:
            _, connection = await asyncio.get_running_loop().create_connection(
                _Connection, peer.host, peer.port, ssl=(self._ssl or True) if peer.tls else None
            )
        except OSError as exc:
            raise HopError(f"cannot connect: {exc.strerror or exc}") from None
        return connection

    async def _exchange(self, connection: _Connection, peer: Peer, request: bytes) -> Reply:
        try:
            answer = await connection.exchange(request)
        except BaseException:
            connection.abandon()
            raise
        if connection.idle_and_open:
            self._idle[peer].append(connection)
        elif connection.transport is not None:
            connection.transport.close()
        return answer

    def close(self) -> None:
        for idle in self._idle.values():
            for connection in idle:
                if connection.transport is not None:
                    connection.transport.close()
        self._idle.clear()
