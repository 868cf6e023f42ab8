"""A response in one write: uvicorn's HTTP protocol with its writes joined per loop turn.

uvicorn writes a response's status line and headers, then its body: two send() calls,
two TCP segments, and on loopback each send also runs the receiver's side of TCP. Under
load the two writes were a fifth of the edge's profile. Writes made in one turn of the
event loop go out together at its end, so a whole response is one write, and a client
reads it in one; a response streamed over several turns still goes out as it is made.

A connection closed after an answer given before the request's body was read (a 413
for a declared length over the limit, to a client or proxy that asked to close) is
closed once the rest of the body has arrived: closed at once, the unread bytes make the
kernel reset it, and a proxy still sending them reports a broken upstream (502) instead
of the answer. The keep-alive timeout bounds the wait.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

FLUSH_AT = 64 * 1024  # bytes held at most: a large body goes on at once, flow control intact


class TurnWrites:
    """A transport whose writes in one loop turn leave in one write, when the turn ends,
    before the transport closes or once FLUSH_AT bytes wait; everything else is the
    transport's own."""

    __slots__ = ("_held", "_linger", "_loop", "_parts", "_transport")

    def __init__(
        self,
        transport: asyncio.Transport,
        loop: asyncio.AbstractEventLoop,
        linger: Callable[[], bool] = lambda: False,
    ) -> None:
        self._transport = transport
        self._loop = loop
        self._parts: list[bytes] = []
        self._held = 0
        self._linger = linger  # True: the protocol closes later, once the body is in

    def write(self, data: bytes) -> None:
        if not self._parts:
            self._loop.call_soon(self.flush)
        self._parts.append(data)
        self._held += len(data)
        if self._held >= FLUSH_AT:
            self.flush()

    def flush(self) -> None:
        if self._parts:
            data = self._parts[0] if len(self._parts) == 1 else b"".join(self._parts)
            self._parts.clear()
            self._held = 0
            if not self._transport.is_closing():
                self._transport.write(data)

    def close(self) -> None:
        self.flush()
        if not self._linger():
            self._transport.close()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._transport, name)


class OneWriteHttp(HttpToolsProtocol):
    """uvicorn's httptools protocol whose request cycles write through `TurnWrites`.

    Only the request/response cycle's writes are joined: the protocol's own (a 400 for a
    malformed request, the hand-over of a WebSocket upgrade) use the transport directly."""

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self.turn_writes = TurnWrites(transport, self.loop, self._close_after_body)
        self.closing_after_body = False

    def _close_after_body(self) -> bool:
        """Asked as the answer's cycle closes the connection: True (and close later)
        while the request's body is still arriving."""
        cycle = self.cycle
        self.closing_after_body = cycle is not None and cycle.more_body
        return self.closing_after_body

    def on_message_complete(self) -> None:
        super().on_message_complete()
        if self.closing_after_body:
            self.transport.close()

    def on_headers_complete(self) -> None:
        super().on_headers_complete()
        if self.cycle is not None and self.cycle.transport is self.transport:
            self.cycle.transport = self.turn_writes  # type: ignore[assignment]
