"""The edge's live updates: every subscriber gets every update exactly once."""

from __future__ import annotations

import asyncio
import json

import pytest

import runeframe_nb as rf
from runeframe_nb.clients.websocket import connect_websocket


async def test_every_subscriber_gets_every_update_exactly_once(environment: rf.Environment) -> None:
    """Three subscribers (one subscribed twice) and 40 updates: each sees each update once."""
    user_id, count = "user_123", 40
    async with (
        connect_websocket() as first,
        connect_websocket() as second,
        connect_websocket() as publisher,
    ):
        subscribe = json.dumps({"type": "subscribe", "channel": "user_updates", "user_id": user_id})
        for socket in (first, second, second, publisher):
            await socket.send(subscribe)
        for n in range(count):
            update = {"type": "user_update", "user_id": user_id, "data": {"n": n}}
            await publisher.send(json.dumps(update))

        async def receive(socket: object) -> list[int]:
            seen = []
            while len(seen) < count:
                frame = json.loads(await asyncio.wait_for(socket.recv(), 10))  # type: ignore[attr-defined]
                assert frame["type"] == "user_update", frame
                seen.append(frame["data"]["n"])
            with pytest.raises(TimeoutError):  # and nothing more
                await asyncio.wait_for(socket.recv(), 0.3)  # type: ignore[attr-defined]
            return seen

        received = await asyncio.gather(*(receive(s) for s in (first, second, publisher)))
    for seen in received:
        assert sorted(seen) == list(range(count))
