"""The fault proxy: a reverse proxy in front of every service that injects one mutant.

Each service gets two listening ports: `front`, which the kit's profile points at, and
`peer`, which the stack's own settings point at for calls between services. Requests
and WebSocket frames pass through unchanged unless the mutant matches them. The server
is uvicorn (the stack's own, so no product banner or header is added on the way) and the
upstream client is aiohttp's keep-alive session; benchmarks/mutate_proxy.py measures
what the hop costs against mitmproxy's reverse mode.

Run as a process (`python -m runeframe_tools.mutate.proxy CONFIG.json`); it says `ready` on
standard output once every port listens, and dies with its parent.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import random
import socket
import sys
from collections.abc import Awaitable, Callable, Iterable, MutableMapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import orjson
from yarl import URL

from .mutants import Down, Mutant, find

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]

# hop-by-hop headers, and those the relay sets itself
_DROPPED = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "te",
        "trailer",
        "trailers",
        "transfer-encoding",
        "upgrade",
        "host",
        "content-length",
        "accept-encoding",  # bodies travel plain, so a mutant can read and change them
        "sec-websocket-key",
        "sec-websocket-version",
        "sec-websocket-extensions",
        "sec-websocket-accept",
    }
)
UPSTREAM_TIMEOUT = aiohttp.ClientTimeout(total=60, connect=5)
DOWN_POLL = 0.1  # how often a stream checks whether its service went down


@dataclass(frozen=True)
class Route:
    service: str
    side: str  # front or peer
    port: int
    upstream: str  # http://host:port of the service


@dataclass
class Reply:
    """A reply passing through the proxy; its headers a list, in order and with repeats,
    so that a mutant rewrites exactly what the service sent."""

    status: int
    headers: list[tuple[str, str]]
    body: bytes

    def json(self) -> Any:
        """The body as JSON; None when it is empty or not JSON."""
        try:
            return orjson.loads(self.body) if self.body else None
        except orjson.JSONDecodeError:
            return None

    def with_json(self, data: Any, status: int | None = None) -> Reply:
        """This reply with `data` as its JSON body (and `status`, if given)."""
        headers = [(k, v) for k, v in self.headers if k.lower() != "content-type"]
        headers.append(("content-type", "application/json"))
        return Reply(self.status if status is None else status, headers, orjson.dumps(data))

    def header(self, name: str) -> str | None:
        return next((v for k, v in self.headers if k.lower() == name), None)

    def without(self, *names: str) -> Reply:
        dropped = {n.lower() for n in names}
        return Reply(
            self.status, [(k, v) for k, v in self.headers if k.lower() not in dropped], self.body
        )


LOST = 0  # the status of a reply that never reaches the caller: its connection drops


def lost_reply() -> Reply:
    """A reply cut off: the caller sees its connection drop after sending the request."""
    return Reply(LOST, [], b"")


class _Dropped(Exception):
    """Raised after a cut-off reply's head, so the server closes the connection."""


def error_reply(status: int, code: str, message: str) -> Reply:
    body = orjson.dumps({"error": {"code": code, "message": message, "details": None}})
    return Reply(status, [("content-type", "application/json")], body)


@dataclass
class Call:
    """One request as it reached the proxy, and the means to send it on."""

    proxy: FaultProxy
    route: Route
    method: str
    path: str  # decoded, what routes match
    raw_path: str  # as sent, what is forwarded
    query: str
    headers: list[tuple[str, str]]
    body: bytes

    @property
    def service(self) -> str:
        return self.route.service

    @property
    def rng(self) -> random.Random:
        return self.proxy.rng

    @property
    def memory(self) -> dict[str, Any]:
        """What the mutant remembers between calls (a first answer it keeps serving...)."""
        return self.proxy.memory

    @property
    def admin_token(self) -> str:
        return self.proxy.admin_token

    def header(self, name: str) -> str | None:
        return next((v for k, v in self.headers if k.lower() == name), None)

    def json(self) -> Any:
        try:
            return orjson.loads(self.body) if self.body else None
        except orjson.JSONDecodeError:
            return None

    async def forward(
        self,
        *,
        method: str | None = None,
        path: str | None = None,
        query: str | None = None,
        headers: Iterable[tuple[str, str]] | None = None,
        body: bytes | None = None,
        json_body: Any = None,
        token: str | None = None,
    ) -> Reply:
        """Send the request on to the service, changed as asked; its answer.

        `token` replaces the caller's bearer token (an admin's, say)."""
        sent = [(k, v) for k, v in (self.headers if headers is None else headers)]
        content = self.body if body is None else body
        if json_body is not None:
            content = orjson.dumps(json_body)
        if token is not None:
            sent = [(k, v) for k, v in sent if k.lower() != "authorization"]
            sent.append(("authorization", f"Bearer {token}"))
        target = path if path is not None else self.raw_path
        wanted = self.query if query is None else query
        url = f"{self.route.upstream}{target}" + (f"?{wanted}" if wanted else "")
        return await self.proxy.send_upstream(method or self.method, url, sent, content)


class FaultProxy:
    """An ASGI app serving every route; the route is told by the port a request came in on."""

    def __init__(self, routes: list[Route], mutant: Mutant | None, admin_token: str, seed: int):
        self.routes = {r.port: r for r in routes}
        self.mutant = mutant
        self.admin_token = admin_token
        self.rng = random.Random(seed)
        self.memory: dict[str, Any] = {}
        self._session: aiohttp.ClientSession | None = None

    @property
    def session(self) -> aiohttp.ClientSession:
        if self._session is None:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=512),
                timeout=UPSTREAM_TIMEOUT,
                auto_decompress=False,
                skip_auto_headers=("User-Agent", "Accept-Encoding", "Content-Type"),
            )
        return self._session

    async def send_upstream(
        self, method: str, url: str, headers: list[tuple[str, str]], body: bytes
    ) -> Reply:
        sent = [(k, v) for k, v in headers if k.lower() not in _DROPPED]
        try:
            async with self.session.request(
                method,
                URL(url, encoded=True),  # the path exactly as it came: no re-quoting
                headers=sent,
                data=body or None,
                allow_redirects=False,
            ) as answer:
                content = await answer.read()
                kept = [(k, v) for k, v in answer.headers.items() if k.lower() not in _DROPPED]
                return Reply(answer.status, kept, content)
        except (aiohttp.ClientError, TimeoutError) as exc:
            reason = str(exc) or type(exc).__name__
            return error_reply(502, "proxy_upstream_failed", f"{url}: {reason}")

    def _matching(self, route: Route, method: str, path: str) -> Mutant | None:
        m = self.mutant
        return m if m is not None and m.matches(route.service, route.side, method, path) else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            while True:
                event = (await receive())["type"]
                if event == "lifespan.startup":
                    await send({"type": "lifespan.startup.complete"})
                elif event == "lifespan.shutdown":
                    if self._session is not None:
                        await self._session.close()
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        route = self.routes[scope["server"][1]]
        if scope["type"] == "websocket":
            await self._websocket(route, scope, receive, send)
        else:
            await self._http(route, scope, receive, send)

    async def _http(self, route: Route, scope: Scope, receive: Receive, send: Send) -> None:
        body = bytearray()
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        call = Call(
            self,
            route,
            scope["method"],
            scope["path"],
            scope.get("raw_path", scope["path"].encode()).decode("latin-1"),
            scope["query_string"].decode("latin-1"),
            [(k.decode("latin-1"), v.decode("latin-1")) for k, v in scope["headers"]],
            bytes(body),
        )
        mutant = self._matching(route, call.method, call.path)
        if mutant is not None and mutant.handle is not None:
            reply = await mutant.handle(call)
        else:
            reply = await call.forward()
        if reply.status == LOST:  # a head promising a body that never comes, then a close
            promised = [(b"content-length", b"64"), (b"content-type", b"application/json")]
            await send({"type": "http.response.start", "status": 200, "headers": promised})
            raise _Dropped(f"{call.method} {call.path}: reply dropped")
        headers = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in reply.headers]
        headers.append((b"content-length", str(len(reply.body)).encode()))
        await send({"type": "http.response.start", "status": reply.status, "headers": headers})
        await send({"type": "http.response.body", "body": reply.body})

    async def _websocket(self, route: Route, scope: Scope, receive: Receive, send: Send) -> None:
        await receive()  # websocket.connect
        raw_path = scope.get("raw_path", scope["path"].encode()).decode("latin-1")
        query = scope["query_string"].decode("latin-1")
        url = f"{route.upstream}{raw_path}" + (f"?{query}" if query else "")
        headers = [
            (k.decode("latin-1"), v.decode("latin-1"))
            for k, v in scope["headers"]
            if k.decode("latin-1").lower() not in _DROPPED | {"sec-websocket-protocol", "origin"}
        ]
        mutant = self._matching(route, "GET", scope["path"])
        down = mutant.down if mutant is not None else None
        if down is not None and down(self.memory):
            await send({"type": "websocket.close", "code": 1011})  # the service is away
            return
        try:
            upstream = await self.session.ws_connect(
                url,
                headers=headers,
                protocols=scope.get("subprotocols", ()),
                autoping=True,
                max_msg_size=0,
            )
        except (aiohttp.ClientError, TimeoutError):
            await send({"type": "websocket.close", "code": 1011})
            return
        change = mutant.frames if mutant is not None and mutant.frames is not None else None
        state: dict[str, Any] = {"admin_token": self.admin_token}

        def passing(direction: str, text: str) -> list[str]:
            return change(state, direction, text) if change is not None else [text]

        await send({"type": "websocket.accept", "subprotocol": upstream.protocol})

        async def to_service() -> None:
            while True:
                message = await receive()
                if message["type"] == "websocket.disconnect":
                    return
                if message.get("text") is not None:
                    for text in passing("send", message["text"]):
                        await upstream.send_str(text)
                elif message.get("bytes") is not None:
                    await upstream.send_bytes(message["bytes"])

        async def to_client() -> None:
            async for frame in upstream:
                if frame.type == aiohttp.WSMsgType.TEXT:
                    for text in passing("receive", frame.data):
                        await send({"type": "websocket.send", "text": text})
                elif frame.type == aiohttp.WSMsgType.BINARY and change is None:
                    await send({"type": "websocket.send", "bytes": frame.data})
                elif frame.type == aiohttp.WSMsgType.BINARY:  # JSON as bytes (Hoardwell's)
                    for text in passing("receive", frame.data.decode("utf-8", "replace")):
                        await send({"type": "websocket.send", "bytes": text.encode()})
            code = upstream.close_code or 1000
            with contextlib.suppress(Exception):
                await send({"type": "websocket.close", "code": code})

        async def until_down(down: Down) -> None:
            # an outage is a span of time, looked at: nothing would set an event
            while not down(self.memory):  # noqa: ASYNC110
                await asyncio.sleep(DOWN_POLL)

        pumps = [asyncio.ensure_future(to_service()), asyncio.ensure_future(to_client())]
        if down is not None:
            pumps.append(asyncio.ensure_future(until_down(down)))
        try:
            await asyncio.wait(pumps, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for pump in pumps:
                pump.cancel()
            await asyncio.gather(*pumps, return_exceptions=True)
            await upstream.close()


def bind(port: int) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", port))
    sock.set_inheritable(True)
    return sock


def serve(config: dict[str, Any]) -> None:
    """Serve every route of `config` until terminated; print `ready` once listening."""
    import uvicorn
    import uvloop

    class Server(uvicorn.Server):
        async def startup(self, sockets: list[socket.socket] | None = None) -> None:
            await super().startup(sockets)
            print("ready", flush=True)

    routes = [Route(**r) for r in config["routes"]]
    mutant = find(config["mutant"]) if config.get("mutant") else None
    app = FaultProxy(routes, mutant, config.get("admin_token", ""), config.get("seed", 0))
    server = Server(
        uvicorn.Config(
            app,
            loop="uvloop",
            http="httptools",
            ws="websockets-sansio",
            log_level="warning",
            access_log=False,
            lifespan="on",
            server_header=False,
            date_header=False,
            timeout_graceful_shutdown=2,
        )
    )
    uvloop.run(server.serve(sockets=[bind(r.port) for r in routes]))


if __name__ == "__main__":
    serve(json.loads(Path(sys.argv[1]).read_text()))
