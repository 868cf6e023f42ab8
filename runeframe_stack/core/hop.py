"""One request to a peer service: HTTP/1.1 on pooled keep-alive connections.

Every public request crosses at least one such hop (the edge to Distilera), so its cost
is paid twice per request. A general client (aiohttp) spends most of that on features a
hop between our own services never uses: cookies, redirects, proxies, compression,
tracing. This one writes the request itself and parses the answer with httptools, the
parser uvicorn serves with (runeframe_wire's connection, the load engine's too); it keeps
idle connections per peer and opens more on demand, up to a limit. aiohttp remains for
WebSockets and one-off probes.
"""

from __future__ import annotations

import asyncio
import ssl
from collections import defaultdict
from collections.abc import Mapping
from typing import Any, NamedTuple
from urllib.parse import urlsplit

import orjson

from runeframe_wire.http1 import ConnectionLost, HeaderedConnection, encode

from .errors import ApiError, Unavailable

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
        self._idle: dict[Peer, list[HeaderedConnection]] = defaultdict(list)
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
        authority = f"{peer.host}:{peer.port}"
        request = encode(method, peer.base_path + target, authority, headers, body)
        async with asyncio.timeout(self.timeout), self._slots:
            idle = self._idle[peer]
            while idle:
                connection = idle.pop()
                if connection.usable:
                    try:
                        return await self._exchange(connection, peer, request)
                    except HopError:
                        if method not in IDEMPOTENT:
                            raise  # it may have arrived: only the caller may send it again
                    break  # a stale keep-alive: try once on a fresh connection
            return await self._exchange(await self._open(peer), peer, request)

    async def _open(self, peer: Peer) -> HeaderedConnection:
        try:
            _, connection = await asyncio.get_running_loop().create_connection(
                HeaderedConnection,
                peer.host,
                peer.port,
                ssl=(self._ssl or True) if peer.tls else None,
            )
        except OSError as exc:
            raise HopError(f"cannot connect: {exc.strerror or exc}") from None
        return connection

    async def _exchange(self, connection: HeaderedConnection, peer: Peer, request: bytes) -> Reply:
        try:
            status, body = await connection.send(request)
        except ConnectionLost as exc:
            connection.abort()
            raise HopError(str(exc)) from None
        except BaseException:
            connection.abort()
            raise
        answer = Reply(status, body, connection.headers)
        if connection.usable:
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
