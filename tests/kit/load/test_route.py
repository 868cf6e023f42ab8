"""How a virtual user's connection reaches its target: straight there, through a proxy
in absolute form, or in a CONNECT tunnel with the proxy's credentials; a proxy that
refuses or hangs up is said to have done so (on loopback sockets)."""

from __future__ import annotations

import asyncio
import base64
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

import pytest

from runeframe_nb.load.plan import Target
from runeframe_nb.load.route import Route, _tunnel, route_to
from runeframe_nb.network import Tls

TARGET = Target.parse("https://svc.example.test:8443/users/")


@pytest.fixture(autouse=True)
def no_proxy_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "http_proxy", "https_proxy", "no_proxy"):
        monkeypatch.delenv(name, raising=False)


def test_without_a_proxy_a_connection_goes_straight_to_the_target() -> None:
    route = route_to(Target.parse("http://svc.example.test:8080/"), Tls())
    assert route == Route("svc.example.test", 8080, None, None)
    secure = route_to(TARGET, Tls())
    assert (secure.host, secure.port, secure.server_hostname) == (
        "svc.example.test",
        8443,
        "svc.example.test",
    )
    assert secure.ssl is not None and secure.tunnel is None


def test_plain_http_through_a_proxy_names_the_target_in_its_request_lines(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("HTTP_PROXY", "http://proxy.example.test:3128")
    route = route_to(Target.parse("http://svc.example.test:8080/"), Tls())
    assert (route.host, route.port, route.prefix) == (
        "proxy.example.test",
        3128,
        "http://svc.example.test:8080",
    )
    monkeypatch.setenv("NO_PROXY", "svc.example.test")
    assert route_to(Target.parse("http://svc.example.test:8080/"), Tls()).prefix == ""


def test_https_through_a_proxy_is_a_tunnel_with_the_proxy_s_credentials(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("HTTPS_PROXY", "http://r%C3%BCdi:p%40ss@proxy.example.test:3128")
    route = route_to(TARGET, Tls())
    assert (route.host, route.port, route.server_hostname) == (
        "proxy.example.test",
        3128,
        "svc.example.test",
    )
    credentials = base64.b64encode("rüdi:p@ss".encode()).decode()
    assert (
        route.tunnel
        == (
            "CONNECT svc.example.test:8443 HTTP/1.1\r\nHost: svc.example.test:8443\r\n"
            f"Proxy-Authorization: Basic {credentials}\r\n\r\n"
        ).encode()
    )


@asynccontextmanager
async def proxy(answer: Callable[[bytes], bytes | None]) -> AsyncIterator[tuple[int, list[bytes]]]:
    """A loopback proxy that reads a request head and writes `answer(head)` (None: hangs up)."""
    heads: list[bytes] = []

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = await reader.readuntil(b"\r\n\r\n")
        heads.append(head)
        said = answer(head)
        if said is not None:
            writer.write(said)
            await writer.drain()
        writer.close()

    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    async with server:
        yield server.sockets[0].getsockname()[1], heads


def tunnel_through(port: int) -> Route:
    return Route(
        "127.0.0.1", port, None, "svc.example.test", tunnel=b"CONNECT svc:443 HTTP/1.1\r\n\r\n"
    )


async def test_a_tunnel_opens_when_the_proxy_answers_200() -> None:
    async with proxy(lambda head: b"HTTP/1.1 200 Connection established\r\n\r\n") as (port, heads):
        sock = await _tunnel(tunnel_through(port))
        sock.close()
    assert heads == [b"CONNECT svc:443 HTTP/1.1\r\n\r\n"]


async def test_a_proxy_that_refuses_or_hangs_up_is_said_to() -> None:
    async with proxy(lambda head: b"HTTP/1.1 407 Proxy Authentication Required\r\n\r\n") as (
        port,
        _,
    ):
        with pytest.raises(
            ConnectionRefusedError, match=r"refused the tunnel: HTTP/1\.1 407 Proxy"
        ):
            await _tunnel(tunnel_through(port))
    async with proxy(lambda head: None) as (port, _):
        with pytest.raises(ConnectionResetError, match="closed the tunnel before answering"):
            await _tunnel(tunnel_through(port))
