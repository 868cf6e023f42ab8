"""User updates between WebSocket clients, through Hoardwell, across edge processes.

A published update is a Hoardwell message on the `user_updates` channel, sent through
the edge's outbox: accepted means stored for delivery, so an update published while
Hoardwell is away reaches its subscribers once it is back, and a user's updates arrive
in the order they were published. Each edge process holds one stream from Hoardwell and
hands every update to its own subscribers of that user. The stream resumes after the
last message it saw, so a reconnect neither loses nor repeats an update: each subscriber
receives each update exactly once.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import defaultdict
from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from typing import Any

from ..contracts import MESSAGES, NewMessage
from ..contracts.follow import Follower
from ..core.ids import new_id
from ..core.outbox import Outbox
from ..core.peers import Peers
from ..core.storage import Database

CHANNEL = "user_updates"
log = logging.getLogger("runeframe_stack.relay")
Deliver = Callable[[dict[str, Any]], Awaitable[None]]


class Relay:
    def __init__(self, peers: Peers, db: Database, outbox: Outbox) -> None:
        self.peers = peers
        self.db = db
        self.outbox = outbox
        self.subscribers: dict[str, dict[int, Deliver]] = defaultdict(dict)
        self.stream = Follower(peers, f"channel={CHANNEL}", self._dispatch)

    def subscribe(self, user_id: str, key: int, deliver: Deliver) -> None:
        self.subscribers[user_id][key] = deliver

    def unsubscribe(self, user_id: str, key: int) -> None:
        self.subscribers.get(user_id, {}).pop(key, None)

    def drop(self, key: int) -> None:
        for targets in self.subscribers.values():
            targets.pop(key, None)

    async def publish(self, user_id: str, data: Any, sender: str) -> str:
        """Accept an update for delivery to Hoardwell; the stream brings it back to every
        subscriber. Only while the edge starts does it wait (5 s at most) for the stream
        to know where it starts, so that it does not start after this update."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.stream.placed.wait(), timeout=5)
        message_id = new_id("upd")
        update = NewMessage(
            id=message_id,
            type="user_update",
            channel=CHANNEL,
            user_id=user_id,
            sender=sender,
            content=f"user_update {user_id}",
            payload={"data": data},
        )
        async with self.db.transaction():
            await self.outbox.add("hoardwell", MESSAGES, update.model_dump(exclude_none=True))
        await self.outbox.handed_over()
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
