"""The edge's WebSocket (/ws/), connected the way the seed's tests use it.

`connect_websocket()` yields a `websockets` connection (`send`, `recv`) that has already
authenticated with the environment's token, since the edge accepts nothing before `auth`.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import websockets
from websockets.asyncio.client import ClientConnection

from ..environment import Environment, active
from ..errors import ClientError


def websocket_url(environment: Environment | None = None) -> str:
    env = environment or active()
    return env.url("api").replace("http", "ws", 1) + "/ws/"


@asynccontextmanager
async def connect_websocket(
    *,
    environment: Environment | None = None,
    token: str | None = None,
    authenticate: bool = True,
) -> AsyncIterator[ClientConnection]:
    env = environment or active()
    async with websockets.connect(websocket_url(env), max_size=2**20) as connection:
        bearer = token or env.token
        if authenticate and bearer:
            await connection.send(json.dumps({"type": "auth", "token": bearer}))
            answer = json.loads(await connection.recv())
            if answer.get("status") != "authenticated":
                raise ClientError(f"websocket authentication refused: {answer.get('error')}")
        yield connection
