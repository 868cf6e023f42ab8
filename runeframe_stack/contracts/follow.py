"""Following Hoardwell's live stream of messages from another service, resumably.

A follower holds one WebSocket to Hoardwell's /messages/stream/ with a filter, hands
every message to its handler, and after a broken connection reconnects (with backoff)
asking for what came after the last message it saw, so it neither misses nor repeats
one. Started with `from_start`, it first replays every matching message there is;
otherwise it starts after the latest one there is when it first connects, and from then
on misses none, even those that arrive while it reconnects.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from datetime import datetime
from typing import Any

import aiohttp
import orjson

from ..core.auth import TokenVerifier
from ..core.errors import ApiError
from ..core.lifecycle import in_background
from ..core.peers import Peers
from . import MESSAGE_STREAM, MESSAGES

log = logging.getLogger("runeframe_stack.follow")
Handler = Callable[[dict[str, Any]], Awaitable[None]]


class Follower:
    def __init__(
        self,
        peers: Peers,
        filters: str,
        handle: Handler,
        *,
        from_start: bool = False,
    ) -> None:
        self.peers = peers
        self.filters = filters
        self.handle = handle
        self.last_seq: int | None = 0 if from_start else None  # None: not yet known
        self.placed = asyncio.Event()  # set once it knows where in the stream it starts
        if from_start:
            self.placed.set()

    async def _latest_seq(self) -> int:
        """The seq of the latest matching message there is (0 for none)."""
        query = f"{self.filters}&order=desc&per_page=1"
        reply = await self.peers.request("hoardwell", "GET", MESSAGES, query=query)
        reply.raise_for_error()
        found = reply.json()["data"]
        return int(found[0]["seq"]) if found else 0

    async def _follow(self) -> None:
        if self.last_seq is None:
            self.last_seq = await self._latest_seq()
            self.placed.set()
        query = f"{self.filters}&after_seq={self.last_seq}"
        base = self.peers.settings.url("hoardwell").replace("http", "ws", 1)
        url = f"{base}{MESSAGE_STREAM}?{query}"
        headers = self.peers.own_headers
        async with self.peers.session.ws_connect(url, headers=headers, heartbeat=20) as ws:
            async for frame in ws:
                if frame.type in (aiohttp.WSMsgType.TEXT, aiohttp.WSMsgType.BINARY):
                    message = orjson.loads(frame.data)
                    self.last_seq = max(self.last_seq or 0, int(message["seq"]))
                    await self.handle(message)

    async def _run(self) -> None:
        delay = 0.05
        while True:
            try:
                await self._follow()
                delay = 0.05
            except (aiohttp.ClientError, OSError, ApiError) as exc:
                log.debug("stream from hoardwell (%s): %s", self.filters, exc)
            await asyncio.sleep(delay)
            delay = min(delay * 2, 2.0)

    def running(self) -> AbstractAsyncContextManager[None]:
        """Follow the stream in the background while the service serves."""
        return in_background(self._run())


def deletions(peers: Peers, verifier: TokenVerifier) -> Follower:
    """Every `user_deleted` message there has been, then each new one, told to `verifier`,
    so a deleted user's tokens are refused by this service too."""

    async def revoke(message: dict[str, Any]) -> None:
        if message.get("user_id"):
            deleted = datetime.fromisoformat(message["created_at"]).timestamp()
            verifier.revoke(message["user_id"], deleted)

    return Follower(peers, "type=user_deleted", revoke, from_start=True)
