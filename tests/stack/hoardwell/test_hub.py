"""Live fan-out without a stack: filters, a slow subscriber dropped and told, and (with
Redis) every Hoardwell process seeing every message."""

from __future__ import annotations

import asyncio
import os
import secrets

import pytest

from runeframe_stack.hoardwell import hub as hub_module
from runeframe_stack.hoardwell.hub import Hub, RedisHub

REDIS = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")


def test_a_message_reaches_exactly_the_subscribers_whose_filter_it_matches() -> None:
    hub = Hub()
    everyone = hub.subscribe({})
    alice = hub.subscribe({"user_id": "alice"})
    alice_notes = hub.subscribe({"user_id": "alice", "type": "note"})
    hub.publish({"user_id": "alice", "type": "alert", "n": 1})
    hub.publish({"user_id": "bob", "type": "note", "n": 2})
    assert [everyone.queue.get_nowait()["n"] for _ in range(2)] == [1, 2]
    assert alice.queue.get_nowait()["n"] == 1 and alice.queue.empty()
    assert alice_notes.queue.empty()
    hub.unsubscribe(alice)
    hub.publish({"user_id": "alice", "type": "note", "n": 3})
    assert alice.queue.empty() and alice_notes.queue.get_nowait()["n"] == 3


def test_a_subscriber_that_falls_behind_is_dropped_and_told(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(hub_module, "QUEUE_LIMIT", 3)
    hub = Hub()
    slow, keeping_up = hub.subscribe({}), hub.subscribe({})
    for n in range(3):
        hub.publish({"n": n})
        keeping_up.queue.get_nowait()
    hub.publish({"n": 3})  # the slow one's queue is full
    assert slow.dropped and slow not in hub.subscriptions and keeping_up in hub.subscriptions
    kept = [slow.queue.get_nowait() for _ in range(slow.queue.qsize())]
    assert kept[-1] is None  # the end of its stream says it was dropped
    assert keeping_up.queue.get_nowait() == {"n": 3}


async def test_with_redis_a_message_posted_in_one_process_reaches_the_others() -> None:
    import redis.asyncio as redis

    probe = redis.from_url(REDIS)
    try:
        await probe.ping()
    except Exception:
        if os.environ.get("CI") == "true":
            raise
        pytest.skip("Redis is not running")
    finally:
        await probe.aclose()
    namespace = f"t{secrets.token_hex(3)}_"
    posting, listening = RedisHub(REDIS, namespace), RedisHub(REDIS, namespace)
    async with posting.running(), listening.running():
        heard = listening.subscribe({"user_id": "alice"})
        await posting.post({"user_id": "alice", "content": "across processes"})
        message = await asyncio.wait_for(heard.queue.get(), 5)
    assert message == {"user_id": "alice", "content": "across processes"}
