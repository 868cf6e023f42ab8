"""Live fan-out: every stored message goes at once to the subscribers whose filter it matches.

A subscriber is a bounded queue; one that falls too far behind is dropped (and told so)
rather than let it hold memory or slow the others down.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

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
