"""Malformed data from another service (API10)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any

from ..clients.websocket import connect_to
from ..waits import DELIVERY_WITHIN
from .actors import Actors
from .cases import Outcome, case

QUIET = 1.5  # seconds without a frame after the awaited one: nothing more is coming


@case("API10", "api, hoardwell", "malformed messages on the live relay")
async def unsafe_consumption(x: Actors) -> Outcome:
    """While A listens to their own updates, messages on the relay's channel that no edge
    published (no user, no data, a stranger) are posted to Hoardwell, then A publishes one
    real update: A must receive that update and nothing else, and the edge stay healthy."""
    odd = [
        {"type": "user_update", "channel": "user_updates", "content": "no user", "sender": "jonar"},
        {
            "type": "user_update",
            "channel": "user_updates",
            "content": "no data",
            "sender": "jonar",
            "user_id": x.attacker,
            "payload": {"x": [1, {"y": None}]},
        },
        {
            "type": "user_update",
            "channel": "user_updates",
            "content": "nobody",
            "sender": "jonar",
            "user_id": "nobody-" + "x" * 50,
        },
    ]
    ws_url = x.url("api", "/ws/").replace("http", "ws", 1)
    async with connect_to(ws_url, x.env.tls) as ws:
        await ws.send(json.dumps({"type": "auth", "token": x.attacker_token}))
        await ws.recv()
        await ws.send(
            json.dumps({"type": "subscribe", "channel": "user_updates", "user_id": x.attacker})
        )
        await ws.send(json.dumps({"type": "ping"}))
        await ws.recv()  # pong: the subscription is in place
        for message in odd:
            await x.status("POST", "hoardwell", "/messages/", x.admin_token, json=message)
        await ws.send(
            json.dumps(
                {"type": "user_update", "user_id": x.attacker, "data": {"after": "odd messages"}}
            )
        )
        frames = await _until_quiet(ws, lambda f: f.get("data") == {"after": "odd messages"})
    healthy = (await x.http.get(x.url("api", "/healthz"))).status_code == 200
    wanted = [f for f in frames if f.get("data") == {"after": "odd messages"}]
    stray = [f for f in frames if f not in wanted]
    return (
        healthy and len(wanted) == 1 and not stray,
        f"{len(odd)} malformed relay messages: edge healthy {healthy}, the real update "
        f"received {len(wanted)} times, {len(stray)} other frames",
    )


async def _until_quiet(ws: Any, awaited: Callable[[dict[str, Any]], bool]) -> list[dict[str, Any]]:
    """The frames `ws` receives until the awaited one has come (within DELIVERY_WITHIN:
    the update travels through the edge's outbox) and then none for QUIET seconds."""
    frames: list[dict[str, Any]] = []
    loop = asyncio.get_running_loop()
    deadline = loop.time() + DELIVERY_WITHIN
    while True:
        arrived = any(awaited(f) for f in frames)
        wait = QUIET if arrived else deadline - loop.time()
        if wait <= 0:
            return frames
        try:
            frames.append(json.loads(await asyncio.wait_for(ws.recv(), wait)))
        except TimeoutError:
            return frames
