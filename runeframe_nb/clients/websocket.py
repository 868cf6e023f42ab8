"""The edge's WebSocket (/ws/), connected the way the seed's tests use it.

`connect_websocket()` yields a `websockets` connection (`send`, `recv`, and `ask` for a
frame and its answer, `subscribe` to a user's updates) that has already authenticated
with the environment's token, since the edge accepts nothing before `auth`.
Every frame each way is kept in the exchange journal with its time, so a failed check
shows what was said on the socket.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from typing import Any

import websockets
from websockets.asyncio.client import ClientConnection

from .. import exchanges
from ..environment import Environment, active
from ..errors import ClientError
from ..network import Tls, proxy_for, reason


def _kind(data: str | bytes) -> str:
    try:
        frame = json.loads(data)
    except (ValueError, UnicodeDecodeError):
        return ""
    return str(frame.get("type", "")) if isinstance(frame, dict) else ""


class RecordedConnection:
    """A websockets connection whose frames go to the exchange journal as they pass."""

    def __init__(self, connection: ClientConnection, exchange: exchanges.Exchange) -> None:
        self._connection = connection
        self._exchange = exchange

    def _keep(self, direction: str, data: str | bytes) -> None:
        try:
            text = data if isinstance(data, str) else data.decode()
        except UnicodeDecodeError:
            text = f"<binary {len(data)} bytes>"
        frame = exchanges.Frame(direction, time.time(), exchanges.mask_body(text), _kind(text))
        self._exchange.frames.append(frame)

    async def send(self, message: str | bytes) -> None:
        self._keep("send", message)
        await self._connection.send(message)

    async def recv(self, decode: bool | None = None) -> str | bytes:
        message = await self._connection.recv(decode)
        self._keep("receive", message)
        return message

    async def ask(self, frame: Mapping[str, Any] | str | bytes, within: float = 5.0) -> Any:
        """Send `frame` (a dict goes as JSON) and return the next frame, decoded; None when
        nothing comes within `within` seconds."""
        await self.send(json.dumps(frame) if isinstance(frame, Mapping) else frame)
        try:
            return json.loads(await asyncio.wait_for(self.recv(), within))
        except TimeoutError:
            return None

    async def subscribe(self, user_id: str, channel: str = "user_updates") -> None:
        """Subscribe (which answers nothing) and wait until the edge has taken it: a
        ping's pong comes back only after every frame sent before it was handled."""
        await self.send(json.dumps({"type": "subscribe", "channel": channel, "user_id": user_id}))
        pong = await self.ask({"type": "ping"})
        if pong != {"type": "pong"}:
            raise ClientError(f"subscribing to {channel} of {user_id}: the edge said {pong}")

    def __aiter__(self) -> AsyncIterator[str | bytes]:
        return self._frames()

    async def _frames(self) -> AsyncIterator[str | bytes]:
        async for message in self._connection:
            self._keep("receive", message)
            yield message

    def __getattr__(self, name: str) -> Any:
        return getattr(self._connection, name)


def connect_to(url: str, tls: Tls, **options: Any) -> websockets.connect:
    """websockets' `connect` with the kit's TLS (for wss://) and the proxy the URL needs;
    a failure to connect is one line naming the URL and the reason."""
    secure = tls.context() if url.startswith("wss:") else None
    return _Connect(url, ssl=secure, proxy=proxy_for(url), **options)


class _Connect(websockets.connect):
    async def __aenter__(self) -> ClientConnection:
        try:
            return await super().__aenter__()
        except (OSError, websockets.InvalidHandshake, TimeoutError) as exc:
            raise ClientError(f"websocket {self.uri}: {reason(exc)}") from None


def websocket_url(environment: Environment | None = None) -> str:
    env = environment or active()
    return env.url("api").replace("http", "ws", 1) + "/ws/"


@asynccontextmanager
async def open_socket(
    service: str, url: str, headers: Mapping[str, str] | None = None, *, tls: Tls
) -> AsyncIterator[RecordedConnection]:
    """A WebSocket to `url`, its frames kept in the exchange journal."""
    async with connect_to(url, tls, max_size=2**20, additional_headers=headers) as raw:
        base, _, rest = url.partition("://")
        host, _, path = rest.partition("/")
        target, _, query = f"/{path}".partition("?")
        exchange = exchanges.journal.add(
            exchanges.Exchange(
                service,
                f"{base}://{host}",
                "WEBSOCKET",
                target,
                query,
                exchanges.mask_headers(headers or {}),
                "",
                time.time(),
            )
        )
        exchange.status = 101
        yield RecordedConnection(raw, exchange)


@asynccontextmanager
async def connect_websocket(
    *,
    environment: Environment | None = None,
    token: str | None = None,
    authenticate: bool = True,
) -> AsyncIterator[RecordedConnection]:
    env = environment or active()
    async with open_socket("api", websocket_url(env), tls=env.tls) as connection:
        bearer = token or env.token
        if authenticate and bearer:
            await connection.send(json.dumps({"type": "auth", "token": bearer}))
            answer = json.loads(await connection.recv())
            if answer.get("status") != "authenticated":
                raise ClientError(f"websocket authentication refused: {answer.get('error')}")
        yield connection
