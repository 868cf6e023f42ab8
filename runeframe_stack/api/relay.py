"""User updates between WebSocket clients, through Hoardwell, across edge processes.

A published update is a Hoardwell message on the `user_updates` channel. Each edge
process holds one stream from Hoardwell and hands every update to its own subscribers
of that user. The stream resumes after the last message it saw, so a reconnect neither
loses nor repeats an update: each subscriber receives each update exactly once.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import defaultdict
from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from typing import Any

from ..contracts.follow import Follower
from ..core.errors import Unavailable
from ..core.ids import new_id
from ..core.peers import Peers

CHANNEL = "user_updates"
log = logging.getLogger("runeframe_stack.relay")
Deliver = Callable[[dict[str, Any]], Awaitable[None]]


class Relay:
    def __init__(self, peers: Peers) -> None:
        self.peers = peers
        self.subscribers: dict[str, dict[int, Deliver]] = defaultdict(dict)
        self.connected = asyncio.Event()
        self.stream = Follower(
            peers,
            f"channel={CHANNEL}",
            self._dispatch,
            on_connect=self.connected.set,
            on_disconnect=self.connected.clear,
        )

    def subscribe(self, user_id: str, key: int, deliver: Deliver) -> None:
        self.subscribers[user_id][key] = deliver

    def unsubscribe(self, user_id: str, key: int) -> None:
        self.subscribers.get(user_id, {}).pop(key, None)

    def drop(self, key: int) -> None:
        for targets in self.subscribers.values():
            targets.pop(key, None)

    async def publish(self, user_id: str, data: Any, sender: str) -> str:
        """Post an update to Hoardwell; the stream brings it back to every subscriber."""
        try:
            await asyncio.wait_for(self.connected.wait(), timeout=5)
        except TimeoutError:
            raise Unavailable("live updates are unavailable: no stream from hoardwell") from None
        message_id = new_id("upd")
        reply = await self.peers.request(
            "hoardwell",
            "POST",
            "/messages/",
            json={
                "id": message_id,
                "type": "user_update",
                "channel": CHANNEL,
                "user_id": user_id,
                "sender": sender,
                "content": f"user_update {user_id}",
                "payload": {"data": data},
            },
        )
        reply.raise_for_error()
        return message_id

    async def _dispatch(self, message: dict[str, Any]) -> None:
        """Hand an update to its subscribers, if it is one: a message on the channel that
        names no user, or carries no `data`, was not published here and is dropped."""
        payload = message.get("payload")
        user_id = message.get("user_id")
        if not isinstance(user_id, str) or not isinstance(payload, dict) or "data" not in payload:
            log.warning("dropped a malformed user update from the stream: %s", message.get("id"))
            return
        frame = {
            "type": "user_update",
            "user_id": user_id,
            "data": payload["data"],
            "id": message.get("id"),
            "sender": message.get("sender"),
        }
        for deliver in list(self.subscribers.get(message["user_id"], {}).values()):
            with contextlib.suppress(Exception):  # a closed socket must not stop the others
                await deliver(frame)

    def running(self) -> AbstractAsyncContextManager[None]:
        """Follow Hoardwell's stream in the background while the edge serves."""
        return self.stream.running()
