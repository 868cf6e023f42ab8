"""How a virtual user's connection reaches its target: directly, or through a proxy.

The connection is runeframe_wire's (one request in flight, httptools' parser). Over
https the event loop's TLS wraps it (SNI, a handshake per connection, then keep-alive);
through a proxy, a connection to an https target is a CONNECT tunnel, and a plain one
sends its request lines in absolute form.
"""

from __future__ import annotations

import asyncio
import base64
import socket
import ssl
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

from runeframe_wire.http1 import Connection

from ..network import Tls, proxy_for

if TYPE_CHECKING:
    from .plan import Target


@dataclass(frozen=True)
class Route:
    """Where a virtual user's connections go: the target, or a proxy on the way to it."""

    host: str
    port: int
    ssl: ssl.SSLContext | None  # the target's TLS (through a tunnel, end to end)
    server_hostname: str | None
    tunnel: bytes | None = None  # the CONNECT request a proxy gets first
    prefix: str = ""  # plain HTTP through a proxy: request lines name scheme and authority


def route_to(target: Target, tls: Tls) -> Route:
    """The route to `target` as the proxy variables say now (the TLS context is made in
    the process that connects: a context does not travel to a worker process)."""
    secure = tls.context() if target.scheme == "https" else None
    name = target.host if secure is not None else None
    proxy = proxy_for(f"{target.scheme}://{target.authority}/")
    if proxy is None:
        return Route(target.host, target.port, secure, name)
    parts = urlsplit(proxy)
    if not parts.hostname:
        raise ValueError(f"proxy {proxy!r} names no host")
    via = (parts.hostname, parts.port or 80)
    if secure is None:
        return Route(*via, None, None, prefix=f"http://{target.authority}")
    lines = [f"CONNECT {target.authority} HTTP/1.1", f"Host: {target.authority}"]
    if parts.username:
        secret = f"{unquote(parts.username)}:{unquote(parts.password or '')}".encode()
        lines.append(f"Proxy-Authorization: Basic {base64.b64encode(secret).decode()}")
    return Route(*via, secure, name, tunnel=("\r\n".join(lines) + "\r\n\r\n").encode())


async def connect(route: Route) -> Connection:
    loop = asyncio.get_running_loop()
    if route.tunnel is None:
        _, protocol = await loop.create_connection(
            Connection, route.host, route.port, ssl=route.ssl, server_hostname=route.server_hostname
        )
        return protocol
    sock = await _tunnel(route)
    try:
        _, protocol = await loop.create_connection(
            Connection, sock=sock, ssl=route.ssl, server_hostname=route.server_hostname
        )
    except BaseException:
        sock.close()
        raise
    return protocol


async def _tunnel(route: Route) -> socket.socket:
    """A socket to the proxy on which it has answered 200 to our CONNECT."""
    assert route.tunnel is not None
    loop = asyncio.get_running_loop()
    family, kind, proto, _, address = (
        await loop.getaddrinfo(route.host, route.port, type=socket.SOCK_STREAM)
    )[0]
    sock = socket.socket(family, kind, proto)
    sock.setblocking(False)
    try:
        await loop.sock_connect(sock, address)
        await loop.sock_sendall(sock, route.tunnel)
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = await loop.sock_recv(sock, 4096)
            if not chunk or len(head) > 16_384:
                raise ConnectionResetError("the proxy closed the tunnel before answering")
            head += chunk
        status = head.split(b" ", 2)[1:2]
        if status != [b"200"]:
            said = head.split(b"\r\n", 1)[0].decode("latin-1")
            raise ConnectionRefusedError(f"the proxy refused the tunnel: {said}")
    except BaseException:
        sock.close()
        raise
    return sock


def json_body(payload: Any) -> bytes:
    import orjson

    return orjson.dumps(payload)
