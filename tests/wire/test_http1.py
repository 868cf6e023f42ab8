"""One keep-alive HTTP/1.1 connection, as the load engine and the stack's hops use it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest

from runeframe_wire.http1 import Connection, ConnectionLost, HeaderedConnection, encode


def answer(body: bytes, *headers: str) -> bytes:
    head = "".join(f"{h}\r\n" for h in (*headers, f"content-length: {len(body)}"))
    return b"HTTP/1.1 200 OK\r\n" + head.encode() + b"\r\n" + body


Open = Callable[[type[Connection], list[bytes]], Awaitable[Any]]


@pytest.fixture
async def opened() -> AsyncIterator[Open]:
    """A connection of the given class to a server that sends `answers`, one per request."""
    servers: list[asyncio.Server] = []

    async def open_to(kind: type[Connection], answers: list[bytes]) -> Connection:
        async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            for raw in answers:
                await reader.readuntil(b"\r\n\r\n")
                writer.write(raw)
                await writer.drain()
            await reader.read()  # the client hangs up
            writer.close()

        server = await asyncio.start_server(handle, "127.0.0.1", 0)
        servers.append(server)
        port = server.sockets[0].getsockname()[1]
        _, connection = await asyncio.get_running_loop().create_connection(kind, "127.0.0.1", port)
        return connection

    yield open_to
    for server in servers:
        server.close()


async def test_each_answer_comes_back_with_its_own_headers(opened: Open) -> None:
    conn = await opened(
        HeaderedConnection, [answer(b"one", "X-Seen: 1"), answer("zwei ü".encode(), "Y: 2")]
    )
    assert await conn.send(encode("GET", "/a", "t", {}, None)) == (200, b"one")
    first = conn.headers
    assert await conn.send(encode("GET", "/b", "t", {}, None)) == (200, "zwei ü".encode())
    assert first == {"x-seen": "1", "content-length": "3"}
    assert conn.headers == {"y": "2", "content-length": "7"}
    assert conn.usable
    conn.close()


async def test_a_plain_connection_keeps_no_headers(opened: Open) -> None:
    conn = await opened(Connection, [answer(b"ok", "X-Seen: 1")])
    assert await conn.send(encode("GET", "/", "t", {}, None)) == (200, b"ok")
    assert not hasattr(conn, "headers") and not hasattr(conn, "on_header")
    conn.close()


async def test_an_answer_that_is_not_http_fails_the_request_and_the_connection(
    opened: Open,
) -> None:
    conn = await opened(Connection, [b"SSH-2.0-OpenSSH\r\n\r\n"])
    with pytest.raises(ConnectionLost, match="not an HTTP answer"):
        await conn.send(encode("GET", "/", "t", {}, None))
    assert not conn.usable


async def test_a_peer_that_hangs_up_fails_the_request_in_flight(
    opened: Open,
) -> None:
    conn = await opened(Connection, [])
    waiting = conn.send(encode("GET", "/", "t", {}, None))
    conn.transport.close()
    with pytest.raises(ConnectionLost):
        await asyncio.wait_for(waiting, 5)
    with pytest.raises(ConnectionLost, match="closed"):
        conn.send(b"")


def test_a_request_is_framed_by_its_body_and_a_bodyless_post_says_it_is_empty() -> None:
    with_body = encode("PUT", "/x?q=%C3%BC", "h:1", {"A": "b"}, "ü".encode())
    assert (
        with_body
        == b"PUT /x?q=%C3%BC HTTP/1.1\r\nHost: h:1\r\nA: b\r\nContent-Length: 2\r\n\r\n\xc3\xbc"
    )
    assert encode("POST", "/", "h", {}, None).endswith(b"Content-Length: 0\r\n\r\n")
    assert b"Content-Length" not in encode("GET", "/", "h", {}, None)


@pytest.mark.parametrize("target", ["/a b", "/a\r\nX: y", "/ü"])
def test_a_target_that_would_split_the_request_is_refused(target: str) -> None:
    with pytest.raises(ValueError, match="not percent-encoded"):
        encode("GET", target, "h", {}, None)
