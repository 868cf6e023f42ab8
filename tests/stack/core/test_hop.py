"""The hop between services: keep-alive reuse, stale connections, hang-ups and garbage."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest

from runeframe_stack.core.hop import HopError, Peer, Pool

Reply = Callable[[bytes], bytes | None]  # request head -> bytes to send, or None to hang up
Serve = Callable[[Reply], Awaitable[tuple["Target", Peer]]]


def ok(body: bytes = b"{}", close: bool = False) -> bytes:
    extra = b"connection: close\r\n" if close else b""
    head = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n"
    return head + extra + b"content-length: %d\r\n\r\n%s" % (len(body), body)


class Target:
    """A TCP server answering each request head with what `reply` says."""

    def __init__(self, reply: Reply) -> None:
        self.reply = reply
        self.connections = 0
        self.requests: list[bytes] = []
        self.writers: list[asyncio.StreamWriter] = []

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        self.writers.append(writer)
        try:
            while head := await reader.readuntil(b"\r\n\r\n"):
                length = next(
                    (
                        int(line.split(b":")[1])
                        for line in head.split(b"\r\n")
                        if line.lower().startswith(b"content-length:")
                    ),
                    0,
                )
                body = await reader.readexactly(length)
                self.requests.append(head + body)
                answer = self.reply(head)
                if answer is None:
                    break
                writer.write(answer)
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        writer.close()


@pytest.fixture
async def serve() -> AsyncIterator[Serve]:
    servers: list[asyncio.Server] = []

    async def start(reply: Reply) -> tuple[Target, Peer]:
        target = Target(reply)
        server = await asyncio.start_server(target.handle, "127.0.0.1", 0)
        servers.append(server)
        port = server.sockets[0].getsockname()[1]
        return target, Peer.of(f"http://127.0.0.1:{port}")

    yield start
    for server in servers:
        server.close()


async def test_requests_reuse_one_keep_alive_connection(serve: Serve) -> None:
    target, peer = await serve(lambda head: ok(b'{"n": 1}'))
    pool = Pool()
    for _ in range(5):
        answer = await pool.request(peer, "GET", "/users/?page=1", {"x-request-id": "r"}, None)
        assert (answer.status, answer.body) == (200, b'{"n": 1}')
        assert answer.headers["content-type"] == "application/json"
    assert target.connections == 1
    assert target.requests[0].startswith(b"GET /users/?page=1 HTTP/1.1\r\n")
    assert b"x-request-id: r\r\n" in target.requests[0]
    pool.close()


async def test_a_body_is_sent_with_its_length(serve: Serve) -> None:
    target, peer = await serve(lambda head: ok())
    pool = Pool()
    await pool.request(peer, "POST", "/users/", {"content-type": "application/json"}, b'{"a":1}')
    assert target.requests[0].lower().endswith(b'content-length: 7\r\n\r\n{"a":1}')
    pool.close()


async def test_a_connection_the_peer_closes_is_not_reused(serve: Serve) -> None:
    target, peer = await serve(lambda head: ok(close=True))
    pool = Pool()
    for _ in range(3):
        assert (await pool.request(peer, "GET", "/", {}, None)).status == 200
    assert target.connections == 3
    pool.close()


async def test_a_stale_keep_alive_is_retried_once_for_a_get_only(serve: Serve) -> None:
    answers = iter([ok(), None, ok(), ok(), None])  # the second request finds a hang-up
    target, peer = await serve(lambda head: next(answers))
    pool = Pool()
    assert (await pool.request(peer, "GET", "/", {}, None)).status == 200
    assert (await pool.request(peer, "GET", "/", {}, None)).status == 200  # retried
    assert target.connections == 2
    assert (await pool.request(peer, "GET", "/", {}, None)).status == 200
    with pytest.raises(HopError, match="closed the connection"):  # a POST is never resent
        await pool.request(peer, "POST", "/transfers/", {}, b"{}")
    assert len(target.requests) == 5
    pool.close()


async def test_garbage_and_a_dead_port_are_hop_errors(serve: Serve) -> None:
    _, peer = await serve(lambda head: b"SSH-2.0-OpenSSH\r\n\r\n")
    pool = Pool()
    with pytest.raises(HopError, match="not an HTTP answer"):
        await pool.request(peer, "GET", "/", {}, None)
    with pytest.raises(HopError, match="cannot connect"):
        await pool.request(Peer.of("http://127.0.0.1:9"), "GET", "/", {}, None)
    pool.close()


async def test_a_peer_that_never_answers_times_out(serve: Serve) -> None:
    _, peer = await serve(lambda head: b"")  # reads the request, says nothing
    pool = Pool(timeout=0.2)
    with pytest.raises(TimeoutError):
        await pool.request(peer, "GET", "/", {}, None)
    pool.close()


def test_peer_urls_are_parsed_once_and_checked() -> None:
    assert Peer.of("https://api.example.com/edge/") == Peer("api.example.com", 443, True, "/edge")
    assert Peer.of("http://127.0.0.1:8001") == Peer("127.0.0.1", 8001, False, "")
    with pytest.raises(ValueError, match="not an http"):
        Peer.of("ftp://example.com")


async def test_a_target_that_is_not_percent_encoded_is_refused_before_sending(
    serve: Serve,
) -> None:
    target, peer = await serve(lambda head: ok())
    pool = Pool()
    for unsafe in ("/users/a b/", "/users/x\r\nX-Injected: 1/", "/users/\u00e9/"):
        with pytest.raises(ValueError, match="not percent-encoded"):
            await pool.request(peer, "GET", unsafe, {}, None)
    assert target.requests == []
    pool.close()
