"""Live fan-out: every stored message goes at once to the subscribers whose filter it matches.

A subscriber is a bounded queue; one that falls too far behind is dropped (and told so)
rather than let it hold memory or slow the others down. With Redis, every Hoardwell
process sees every message (RedisHub), so a subscriber may be on any of them.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from typing import Any

import orjson
from redis.asyncio import Redis
from redis.asyncio.client import PubSub
from redis.exceptions import RedisError

from ..core.lifecycle import in_background
from ..core.redis import redis_pool
from ..core.registry import Registry

log = logging.getLogger("runeframe_stack.hub")

QUEUE_LIMIT = 10_000


@dataclass(eq=False)
class Subscription:
    filters: Mapping[str, str]
    queue: asyncio.Queue[dict[str, Any] | None] = field(
        default_factory=lambda: asyncio.Queue(QUEUE_LIMIT)
    )
    dropped: bool = False

    def wants(self, message: Mapping[str, Any]) -> bool:
        return all(message.get(key) == value for key, value in self.filters.items())


class Hub:
    def __init__(self) -> None:
        self.subscriptions: set[Subscription] = set()

    def subscribe(self, filters: Mapping[str, str]) -> Subscription:
        subscription = Subscription(dict(filters))
        self.subscriptions.add(subscription)
        return subscription

    def unsubscribe(self, subscription: Subscription) -> None:
        self.subscriptions.discard(subscription)

    def publish(self, message: Mapping[str, Any]) -> None:
        for subscription in list(self.subscriptions):
            if not subscription.wants(message):
                continue
            try:
                subscription.queue.put_nowait(dict(message))
            except asyncio.QueueFull:
                subscription.dropped = True
                self.unsubscribe(subscription)
                subscription.queue.get_nowait()
                subscription.queue.put_nowait(None)  # tells the reader it was dropped

    async def post(self, message: Mapping[str, Any]) -> None:
        """Fan a stored message out to this process's subscribers."""
        self.publish(message)

    def running(self) -> AbstractAsyncContextManager[None]:
        return contextlib.nullcontext()


class RedisHub(Hub):
    """A hub shared by every Hoardwell process: a stored message goes through one Redis
    channel, and each process hands what arrives on it to its own subscribers."""

    def __init__(self, url: str, namespace: str = "") -> None:
        super().__init__()
        self.redis = Redis(connection_pool=redis_pool(url))
        self.channel = f"{namespace}hoardwell:messages"

    async def post(self, message: Mapping[str, Any]) -> None:
        await self.redis.publish(self.channel, orjson.dumps(dict(message)))

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[None]:
        pubsub = self.redis.pubsub(ignore_subscribe_messages=True)
        await pubsub.subscribe(self.channel)  # before serving, so no message slips by
        try:
            async with in_background(self._listen(pubsub)):
                yield
        finally:
            await pubsub.aclose()
            await self.redis.aclose(close_connection_pool=True)  # the pool is the hub's own

    async def _listen(self, pubsub: PubSub) -> None:
        while True:
            try:
                async for event in pubsub.listen():
                    if event["type"] == "message":
                        self.publish(orjson.loads(event["data"]))
            except RedisError as exc:
                log.warning("redis fan-out: %s; resubscribing", exc)
                await asyncio.sleep(0.5)


HUBS: Registry[Callable[[str, str], Hub]] = Registry("message hub")
HUBS.register("memory")(lambda _url, _namespace: Hub())
HUBS.register("redis", "rediss")(RedisHub)


def hub_for(redis_url: str | None, namespace: str) -> Hub:
    """One Redis channel for every Hoardwell process when a URL is given, else this
    process's own subscribers."""
    return HUBS.for_url(redis_url, "memory")(redis_url or "", namespace)
