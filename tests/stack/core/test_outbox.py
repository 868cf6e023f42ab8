"""The outbox delivers in the background: it retries a failed delivery promptly, without
holding up unrelated ones, and a write waits only for its own, and only so long."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

import pytest

from runeframe_stack.core import outbox as outbox_module
from runeframe_stack.core.errors import Unavailable
from runeframe_stack.core.hop import Reply
from runeframe_stack.core.outbox import Outbox, backoff
from runeframe_stack.core.storage import SqliteDatabase, migrate


class FlakyPeers:
    """A peer that answers each delivery as `script` says for its message id (503, 'reset'
    or 201), then 201; it keeps the order in which bodies arrived."""

    def __init__(self, script: dict[str, list[int | str]] | None = None) -> None:
        self.own_headers = {"authorization": "Bearer service"}
        self.script = script or {}
        self.received: list[str] = []
        self.keys: list[str] = []

    async def request(self, service: str, method: str, path: str, **kw: Any) -> Reply:
        body, headers = kw["json"], kw["headers"]
        self.keys.append(headers["idempotency-key"])
        plan = self.script.get(body["id"], [])
        answer = plan.pop(0) if plan else 201
        if answer == "reset":
            raise Unavailable("connection reset by peer")
        if answer == 201:
            self.received.append(body["id"])
        return Reply(int(answer), b"{}", {})


@pytest.fixture
async def db(tmp_path: Path) -> Any:
    database = SqliteDatabase(tmp_path / "outbox.sqlite3")
    await migrate(database, outbox_module.MIGRATIONS)
    yield database
    await database.close()


async def queue(box: Outbox, *messages: tuple[str, str]) -> None:
    """Add messages as a request does, in its transaction."""
    async with box.db.transaction():
        for message_id, user in messages:
            await box.add("hoardwell", "/messages/", {"id": message_id, "user_id": user})


async def settled(box: Outbox, seconds: float = 3.0) -> int:
    """Wait (bounded) until nothing is pending; how many are."""
    for _ in range(int(seconds / 0.01)):
        if not await box.pending():
            break
        await asyncio.sleep(0.01)
    return await box.pending()


class SlowPeers(FlakyPeers):
    """A peer that takes `delay` seconds to answer the ids in `slow`."""

    def __init__(self, slow: set[str], delay: float) -> None:
        super().__init__()
        self.slow, self.delay = slow, delay

    async def request(self, *args: Any, **kw: Any) -> Reply:
        if kw["json"]["id"] in self.slow:
            await asyncio.sleep(self.delay)
        return await super().request(*args, **kw)


async def test_a_failed_delivery_holds_back_only_its_own_subject(db: Any) -> None:
    peers = FlakyPeers({"a1": [503, 503, 503, 503, 503, 503]})
    box = Outbox(db, peers)  # type: ignore[arg-type]
    async with box.running():
        await queue(box, ("a1", "alice"), ("b1", "bob"), ("a2", "alice"), ("b2", "bob"))
        await box.handed_over()
        await asyncio.sleep(0.1)
        assert peers.received[:2] == ["b1", "b2"]  # bob's go through; alice's wait behind a1
        assert await settled(box) == 0
    assert peers.received == ["b1", "b2", "a1", "a2"]


async def test_a_retry_comes_within_the_backoff_and_keeps_the_subjects_order(db: Any) -> None:
    peers = FlakyPeers({"a1": [503, "reset"]})
    box = Outbox(db, peers)  # type: ignore[arg-type]
    async with box.running():
        await queue(box, ("a1", "alice"), ("a2", "alice"))
        started = time.monotonic()
        await box.handed_over()
        assert await settled(box) == 0
    assert peers.received == ["a1", "a2"]
    # two failures: at most 0.05 + 0.1 s of backoff, not a second each
    assert time.monotonic() - started < 0.6
    assert peers.keys[0] == peers.keys[1] == peers.keys[2]  # one key for every try of a row


async def test_refused_for_good_is_not_retried(db: Any) -> None:
    peers = FlakyPeers({"a1": [422]})
    box = Outbox(db, peers)  # type: ignore[arg-type]
    async with box.running():
        await queue(box, ("a1", "alice"))
        await box.handed_over()
        assert await box.pending() == 0
    assert peers.received == []
    assert peers.keys == ["outbox-1"]


async def test_a_write_waits_for_its_own_deliveries_at_most_its_bound(db: Any) -> None:
    peers = SlowPeers({"a1"}, delay=1.5)
    box = Outbox(db, peers, wait=0.1)  # type: ignore[arg-type]
    async with box.running():
        await queue(box, ("a1", "alice"))
        started = time.monotonic()
        await box.handed_over()
        assert 0.09 < time.monotonic() - started < 0.5  # the bound, not the peer's 1.5 s
        assert await box.pending() == 1  # still on its way, in the background
        assert await settled(box) == 0
    assert peers.received == ["a1"]


async def test_a_write_does_not_wait_for_a_peer_known_to_be_slow(db: Any) -> None:
    peers = SlowPeers({"a1", "a2"}, delay=0.5)
    box = Outbox(db, peers, wait=0.1)  # type: ignore[arg-type]
    async with box.running():
        await queue(box, ("a1", "alice"))
        await box.handed_over()  # the bound: nothing is known of the peer yet
        assert await settled(box) == 0
        await queue(box, ("a2", "alice"))
        started = time.monotonic()
        await box.handed_over()
        assert time.monotonic() - started < 0.05  # its deliveries take 0.5 s: not waited for
        assert await settled(box) == 0
    assert peers.received == ["a1", "a2"]


async def test_a_write_does_not_wait_for_a_row_in_line_behind_a_slow_delivery(db: Any) -> None:
    peers = SlowPeers({"acct-alice"}, delay=0.5)  # Mercatrix is slow; Hoardwell is not
    box = Outbox(db, peers, wait=0.1)  # type: ignore[arg-type]
    async with box.running():
        async with box.db.transaction():  # a user's account, then its message: in order
            await box.add("mercatrix", "/accounts/", {"id": "acct-alice", "user_id": "alice"})
            await box.add("hoardwell", "/messages/", {"id": "m1", "user_id": "alice"})
        await box.handed_over()  # nothing known yet: the bound
        await asyncio.sleep(0.05)  # the account's delivery has been under way 150 ms
        async with box.db.transaction():
            await box.add("hoardwell", "/messages/", {"id": "m2", "user_id": "alice"})
        started = time.monotonic()
        await box.handed_over()
        assert time.monotonic() - started < 0.05  # m2 waits behind the account: not waited for
        assert await settled(box) == 0
    assert peers.received == ["acct-alice", "m1", "m2"]


async def test_a_write_never_waits_for_another_requests_deliveries(db: Any) -> None:
    peers = SlowPeers({"a1"}, delay=1.0)
    box = Outbox(db, peers, wait=5.0)  # type: ignore[arg-type]

    async def request(message_id: str, user: str) -> float:
        """A write as a request makes it, in a task of its own; how long it waited."""
        await queue(box, (message_id, user))
        started = time.monotonic()
        await box.handed_over()
        return time.monotonic() - started

    async with box.running():
        slow = asyncio.create_task(request("a1", "alice"))  # its peer takes a second
        await asyncio.sleep(0.05)
        assert await asyncio.create_task(request("b1", "bob")) < 0.3  # not behind a1
        assert peers.received == ["b1"]
        assert await slow > 0.9
    assert peers.received == ["b1", "a1"]


async def test_its_depth_and_oldest_age_are_gauged(db: Any) -> None:
    peers = FlakyPeers({"a1": [503] * 100})
    box = Outbox(db, peers, wait=0)  # type: ignore[arg-type]
    gauges = {name: read for name, _, read in box.gauges()}
    async with box.running():
        await queue(box, ("a1", "alice"), ("a2", "alice"))
        await box.handed_over()
        await asyncio.sleep(0.4)
        assert gauges["outbox_pending"]() == 2
        assert 0.3 < gauges["outbox_oldest_pending_seconds"]() < 2.0
        peers.script.clear()  # the peer is back
        assert await settled(box) == 0
        await asyncio.sleep(0.05)
    assert gauges["outbox_pending"]() == 0
    assert gauges["outbox_oldest_pending_seconds"]() == 0


def test_backoff_is_jittered_under_an_exponential_ceiling() -> None:
    waits = [backoff(3) for _ in range(200)]
    assert max(waits) <= 0.2 and min(waits) >= 0
    assert len({round(w, 6) for w in waits}) > 100
    assert max(backoff(20) for _ in range(50)) <= outbox_module.MAX_BACKOFF


def test_the_subject_is_the_most_specific_reference() -> None:
    grant = {"transaction_id": "tx_1", "user_id": "treasury", "counterparty_id": "alice"}
    assert outbox_module.subject_of(grant) == "tx_1"
    assert outbox_module.subject_of({"simulation_id": "s1", "user_id": "alice"}) == "s1"
    assert outbox_module.subject_of({"user_id": "alice"}) == "alice"
    assert outbox_module.subject_of({"type": "note"}) is None
