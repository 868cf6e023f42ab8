"""The outbox retries a failed delivery promptly, without holding up unrelated ones."""

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
    await migrate(database, [outbox_module.MIGRATION, outbox_module.RETRY_MIGRATION])
    yield database
    await database.close()


async def queue(box: Outbox, *messages: tuple[str, str]) -> None:
    for message_id, user in messages:
        await box.add("hoardwell", "/messages/", {"id": message_id, "user_id": user})


async def test_a_failed_delivery_holds_back_only_its_own_subject(db: Any) -> None:
    peers = FlakyPeers({"a1": [503]})
    box = Outbox(db, peers)  # type: ignore[arg-type]
    await queue(box, ("a1", "alice"), ("b1", "bob"), ("a2", "alice"), ("b2", "bob"))
    pending = await box.flush()
    assert peers.received == ["b1", "b2"]  # bob's go through; alice's wait behind a1
    assert pending == 2


async def test_a_retry_comes_within_the_backoff_and_keeps_the_subjects_order(db: Any) -> None:
    peers = FlakyPeers({"a1": [503, "reset"]})
    box = Outbox(db, peers)  # type: ignore[arg-type]
    async with box.running():
        await queue(box, ("a1", "alice"), ("a2", "alice"))
        started = time.monotonic()
        await box.flush()
        for _ in range(200):
            if await db.fetch_value("SELECT COUNT(*) FROM outbox") == 0:
                break
            await asyncio.sleep(0.01)
    assert peers.received == ["a1", "a2"]
    # two failures: at most 0.05 + 0.1 s of backoff, not a second each
    assert time.monotonic() - started < 0.6
    assert peers.keys[0] == peers.keys[1] == peers.keys[2]  # one key for every try of a row


async def test_refused_for_good_is_not_retried(db: Any) -> None:
    peers = FlakyPeers({"a1": [422]})
    box = Outbox(db, peers)  # type: ignore[arg-type]
    await queue(box, ("a1", "alice"))
    assert await box.flush() == 0
    assert peers.received == []


async def test_a_flush_waits_for_a_delivery_already_under_way(db: Any) -> None:
    class SlowPeers(FlakyPeers):
        async def request(self, *args: Any, **kw: Any) -> Reply:
            await asyncio.sleep(0.1)
            return await super().request(*args, **kw)

    peers = SlowPeers()
    box = Outbox(db, peers)  # type: ignore[arg-type]
    await queue(box, ("a1", "alice"))
    first = asyncio.ensure_future(box.flush())
    await asyncio.sleep(0.02)  # a1 is on its way
    assert await box.flush() == 0  # the second flush returns only once a1 has arrived
    assert peers.received == ["a1"]
    await first


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
