"""A response leaves in one write: uvicorn's protocol driven through a recording transport,
with the app's writes of one loop turn joined and nothing held past that turn."""

from __future__ import annotations

import asyncio
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route
from uvicorn.server import ServerState

from runeframe_stack.core.wire import FLUSH_AT, OneWriteHttp

RELEASE = asyncio.Event()


async def users(request: Request) -> Response:
    return JSONResponse({"data": [{"id": f"user-{n}"} for n in range(20)]})


async def stream(request: Request) -> Response:
    async def parts() -> Any:
        yield b"first"
        await RELEASE.wait()  # a later turn: the first part must not wait for this one
        yield b"second"

    return StreamingResponse(parts())


async def large(request: Request) -> Response:
    async def parts() -> Any:
        for _ in range(40):  # 40 x 16 KiB in one turn: nothing awaited in between
            yield b"x" * 16384

    return StreamingResponse(parts())


async def refuse(request: Request) -> Response:
    return JSONResponse({"error": "too large"}, status_code=413)  # the body left unread


APP = Starlette(
    routes=[
        Route("/users", users),
        Route("/stream", stream),
        Route("/large", large),
        Route("/refuse", refuse, methods=["POST"]),
    ]
)


class RecordingTransport:
    """What the protocol wrote, write by write."""

    def __init__(self) -> None:
        self.writes: list[bytes] = []
        self.closed = False

    def write(self, data: bytes) -> None:
        assert not self.closed, "written after close"
        self.writes.append(data)

    def close(self) -> None:
        self.closed = True

    def is_closing(self) -> bool:
        return self.closed

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return {"peername": ("127.0.0.1", 50000), "sockname": ("127.0.0.1", 8000)}.get(name)

    def pause_reading(self) -> None: ...

    def resume_reading(self) -> None: ...


def connected() -> tuple[OneWriteHttp, RecordingTransport]:
    config = uvicorn.Config(APP, http=OneWriteHttp, lifespan="off", log_level="warning")
    config.load()
    protocol = OneWriteHttp(config=config, server_state=ServerState(), app_state={})
    transport = RecordingTransport()
    protocol.connection_made(transport)  # type: ignore[arg-type]
    return protocol, transport


async def settle() -> None:
    for _ in range(20):  # a few turns of the loop: the app's task, then the flush
        await asyncio.sleep(0)


async def test_a_response_goes_out_in_one_write() -> None:
    protocol, transport = connected()
    protocol.data_received(b"GET /users HTTP/1.1\r\nHost: x\r\n\r\n")
    await settle()
    assert len(transport.writes) == 1, transport.writes
    head, _, body = transport.writes[0].partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200 OK") and body.startswith(b'{"data":[{"id":"user-0"}')


async def test_keep_alive_requests_each_get_their_one_write() -> None:
    protocol, transport = connected()
    for _ in range(3):
        protocol.data_received(b"GET /users HTTP/1.1\r\nHost: x\r\n\r\n")
        await settle()
    assert [w[:15] for w in transport.writes] == [b"HTTP/1.1 200 OK"] * 3


async def test_a_closing_response_is_written_before_the_close() -> None:
    protocol, transport = connected()
    protocol.data_received(b"GET /users HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    await settle()
    assert transport.closed and len(transport.writes) == 1
    assert transport.writes[0].endswith(b'"user-19"}]}')


async def test_a_streamed_part_is_not_held_for_the_next_turn() -> None:
    RELEASE.clear()
    protocol, transport = connected()
    protocol.data_received(b"GET /stream HTTP/1.1\r\nHost: x\r\n\r\n")
    await settle()
    sent = b"".join(transport.writes)
    assert sent.startswith(b"HTTP/1.1 200 OK") and b"5\r\nfirst\r\n" in sent
    assert b"second" not in sent
    RELEASE.set()
    await settle()
    assert b"6\r\nsecond\r\n0\r\n\r\n" in b"".join(transport.writes)


async def test_a_large_body_made_in_one_turn_is_not_held_whole() -> None:
    protocol, transport = connected()
    protocol.data_received(b"GET /large HTTP/1.1\r\nHost: x\r\n\r\n")
    await settle()
    assert b"".join(transport.writes).endswith(b"0\r\n\r\n")
    assert max(map(len, transport.writes)) < FLUSH_AT + 16384 + 100, [
        len(w) for w in transport.writes
    ]


async def test_an_answer_before_the_body_closes_once_the_body_is_in() -> None:
    """Closed with body bytes unread, the kernel would reset the connection, and a proxy
    still sending them would answer its client 502 instead of this 413."""
    protocol, transport = connected()
    head = b"POST /refuse HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
    protocol.data_received(head + b"Content-Length: 100000\r\n\r\n" + b"x" * 1000)
    await settle()
    assert transport.writes[0].startswith(b"HTTP/1.1 413")
    assert not transport.closed  # the rest of the body is on its way
    protocol.data_received(b"x" * 99_000)
    await settle()
    assert transport.closed


async def test_an_answer_after_the_whole_body_closes_at_once() -> None:
    protocol, transport = connected()
    head = b"POST /refuse HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
    protocol.data_received(head + b"Content-Length: 10\r\n\r\n" + b"x" * 10)
    await settle()
    assert transport.writes[0].startswith(b"HTTP/1.1 413") and transport.closed
