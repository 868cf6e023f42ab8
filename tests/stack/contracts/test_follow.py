"""Following Hoardwell's stream, against the session's stack: from the start it replays
every matching message and then each new one; otherwise it starts after the latest; and
stopped and started again it resumes after the last one it saw, missing and repeating
none, whatever arrived meanwhile."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import httpx

from runeframe_stack.contracts.follow import Follower
from runeframe_stack.core.peers import Peers
from runeframe_stack.core.settings import StackSettings


class Stream:
    """A follower of one simulation's messages, and what it has been handed."""

    def __init__(self, urls: dict[str, str], token: str, *, from_start: bool) -> None:
        self.sim = f"sim_{uuid.uuid4().hex[:10]}"
        self.peers = Peers(StackSettings(urls=urls, service_tokens={"api": token}), "api")
        self.seen: list[str] = []
        self.arrived = asyncio.Condition()
        self.follower = Follower(
            self.peers, f"simulation_id={self.sim}", self.handle, from_start=from_start
        )
        self.http = httpx.AsyncClient(
            base_url=urls["hoardwell"], headers={"Authorization": f"Bearer {token}"}
        )

    async def handle(self, message: dict[str, Any]) -> None:
        async with self.arrived:
            self.seen.append(message["content"])
            self.arrived.notify_all()

    async def post(self, *contents: str) -> None:
        for content in contents:
            body = {"type": "note", "content": content, "simulation_id": self.sim}
            assert (await self.http.post("/messages/", json=body)).status_code == 201

    async def until(self, count: int) -> list[str]:
        async with asyncio.timeout(10), self.arrived:
            await self.arrived.wait_for(lambda: len(self.seen) >= count)
        await asyncio.sleep(0.2)  # and nothing more comes
        return self.seen

    async def close(self) -> None:
        await self.http.aclose()
        await self.peers.close()


async def test_from_the_start_it_replays_then_follows(
    urls: dict[str, str], admin_token: str
) -> None:
    stream = Stream(urls, admin_token, from_start=True)
    try:
        await stream.post("one", "двa")
        async with stream.follower.running():
            assert await stream.until(2) == ["one", "двa"]
            await stream.post("three ✓")
            assert await stream.until(3) == ["one", "двa", "three ✓"]
    finally:
        await stream.close()


async def test_otherwise_it_starts_after_the_latest_and_resumes_where_it_stopped(
    urls: dict[str, str], admin_token: str
) -> None:
    stream = Stream(urls, admin_token, from_start=False)
    try:
        await stream.post("before")
        async with stream.follower.running():
            await asyncio.wait_for(stream.follower.placed.wait(), 10)
            await stream.post("a", "b")
            assert await stream.until(2) == ["a", "b"]
        await stream.post("while away 1", "while away 2")
        async with stream.follower.running():
            await stream.post("after")
            assert await stream.until(5) == ["a", "b", "while away 1", "while away 2", "after"]
    finally:
        await stream.close()
