"""One keep-alive HTTP/1.1 connection: an asyncio protocol around httptools' parser.

A general client (httpx, aiohttp) spends most of a request on what neither of our hot
paths uses: cookies, redirects, compression, tracing. Here the caller encodes a request
once (`encode`) and writes it; the answer comes back through one future as (status,
body), and a `HeaderedConnection` keeps its headers too. One request is in flight per
connection, so a pool or a virtual user owns each one.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Mapping
from time import perf_counter as clock
from typing import cast

import httptools

_UNSAFE = re.compile(r"[^\x21-\x7e]")
_WITH_BODY = frozenset({"POST", "PUT", "PATCH"})


class ConnectionLost(Exception):
    """The peer closed the connection or answered with something that is not HTTP."""


class Connection(asyncio.Protocol):
    """A connection's answers as (status, body); `sent_at` is when the request in flight
    went out, for a caller that expires overdue ones."""

    def __init__(self) -> None:
        self.parser = httptools.HttpResponseParser(self)
        self.transport: asyncio.Transport | None = None
        self.waiter: asyncio.Future[tuple[int, bytes]] | None = None
        self.body: list[bytes] = []
        self.keep_alive = True
        self.sent_at = 0.0

    # asyncio.Protocol
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)  # uvloop's is not a subclass

    def data_received(self, data: bytes) -> None:
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserError as exc:
            self.abort()  # the stream is out of step: nothing more on it can be read
            self.fail(ConnectionLost(f"not an HTTP answer: {exc}"))

    def connection_lost(self, exc: Exception | None) -> None:
        self.transport = None
        self.fail(ConnectionLost(str(exc) if exc else "the peer closed the connection"))

    # httptools callbacks
    def on_body(self, body: bytes) -> None:
        self.body.append(body)

    def on_message_complete(self) -> None:
        self.keep_alive = self.parser.should_keep_alive()
        waiter, self.waiter = self.waiter, None
        body, self.body = b"".join(self.body), []
        if waiter is not None and not waiter.done():
            waiter.set_result((self.parser.get_status_code(), body))

    # use
    def fail(self, exc: Exception) -> None:
        waiter, self.waiter = self.waiter, None
        if waiter is not None and not waiter.done():
            waiter.set_exception(exc)

    @property
    def usable(self) -> bool:
        """Open, kept alive by the peer, and with no request in flight."""
        transport = self.transport
        return (
            transport is not None
            and self.keep_alive
            and self.waiter is None
            and not transport.is_closing()
        )

    def send(self, raw: bytes) -> asyncio.Future[tuple[int, bytes]]:
        """Write an encoded request; its answer, or ConnectionLost."""
        if self.transport is None:
            raise ConnectionLost("the connection is closed")
        self.waiter = asyncio.get_running_loop().create_future()
        self.sent_at = clock()
        self.transport.write(raw)
        return self.waiter

    def close(self) -> None:
        """Close at once: over TLS without waiting for the peer's close_notify, which a
        client that is done has no use for and its loop may not live to see."""
        if self.transport is not None:
            if self.transport.get_extra_info("sslcontext") is not None:
                self.transport.abort()
            else:
                self.transport.close()

    def abort(self) -> None:
        """Never use this connection again, and drop it now."""
        self.keep_alive = False
        if self.transport is not None:
            self.transport.abort()


class HeaderedConnection(Connection):
    """A connection that also keeps each answer's headers, names in lower case, in
    `headers` (a new dict per answer). httptools calls `on_header` only on a protocol
    that has one, so a connection that does not read headers pays nothing for them."""

    def __init__(self) -> None:
        super().__init__()
        self.headers: dict[str, str] = {}

    def on_message_begin(self) -> None:
        self.headers = {}

    def on_header(self, name: bytes, value: bytes) -> None:
        self.headers[name.decode("latin-1").lower()] = value.decode("latin-1")


def encode(
    method: str, target: str, authority: str, headers: Mapping[str, str], body: bytes | None
) -> bytes:
    """A request's bytes: `target` is a percent-encoded path and query (or an absolute
    URL through a proxy); a body is framed by its length, and a POST, PUT or PATCH
    without one says it is empty."""
    if _UNSAFE.search(target):  # a space or a line break would split the request
        raise ValueError(f"request target is not percent-encoded: {target!r}")
    lines = [f"{method} {target} HTTP/1.1", f"Host: {authority}"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    if body is not None or method in _WITH_BODY:
        lines.append(f"Content-Length: {len(body or b'')}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + (body or b"")
