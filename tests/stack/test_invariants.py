"""Invariants beyond the seed: money is conserved, pages are consistent, updates arrive once,
and one user's token never reaches another user's private data."""

from __future__ import annotations

import asyncio
import itertools
import json
import random
import uuid
from collections.abc import AsyncIterator

import pytest

import runeframe_nb as rf
from runeframe_nb.clients.websocket import connect_websocket


async def new_user(distilera: rf.DistileraClient, label: str) -> rf.models.User:
    email = f"{label}-{uuid.uuid4().hex[:10]}@runeframe.example"
    return await distilera.create_user({"name": label.title(), "email": email})


@pytest.fixture
async def distilera(environment: rf.Environment) -> AsyncIterator[rf.DistileraClient]:
    async with rf.DistileraClient() as client:
        yield client


@pytest.fixture
async def mercatrix(environment: rf.Environment) -> AsyncIterator[rf.MercatrixClient]:
    async with rf.MercatrixClient() as client:
        yield client


async def test_concurrent_transfers_conserve_money(
    distilera: rf.DistileraClient, mercatrix: rf.MercatrixClient
) -> None:
    """300 transfers at once, many refused: totals, balances and records all agree."""
    users = [await new_user(distilera, f"trader{i}") for i in range(8)]
    before = await mercatrix.get_ledger_summary()
    rng = random.Random(7)
    plans = [
        (rng.choice(users).id, rng.choice(users).id, rng.choice([5.0, 20.0, 60.0, 150.0]))
        for _ in range(300)
    ]
    plans = [(a, b, amount) for a, b, amount in plans if a != b]

    async def transfer(source: str, target: str, amount: float) -> str:
        try:
            await mercatrix.process_transaction(
                {"from_user": source, "to_user": target, "amount": amount}
            )
        except rf.errors.ApiError as exc:
            assert exc.code == "insufficient_funds", exc
            return "refused"
        return "done"

    outcomes = await asyncio.gather(*(transfer(*plan) for plan in plans))
    after = await mercatrix.get_ledger_summary()
    assert after.total_essence_coins == before.total_essence_coins
    assert outcomes.count("refused") > 0 and outcomes.count("done") > 0
    for user in users:
        balance = (await mercatrix.get_user_balance(user)).essence_coins
        moves = await mercatrix.get_user_transactions(user)
        done = [t for t in moves if t.status == "completed"]
        incoming = sum(t.amount for t in done if t.to_user == user.id)
        outgoing = sum(t.amount for t in done if t.from_user == user.id)
        assert balance >= 0
        assert round(incoming - outgoing, 2) == balance  # the welcome grant is one of them
    failed = [t for t in await mercatrix.get_failed_transactions() if t.from_user in users]
    assert len(failed) == outcomes.count("refused")


async def test_an_idempotent_transfer_never_pays_twice(
    distilera: rf.DistileraClient, mercatrix: rf.MercatrixClient
) -> None:
    payer, payee = await new_user(distilera, "payer"), await new_user(distilera, "payee")
    order = {"from_user": payer.id, "to_user": payee.id, "amount": 30.0}
    key = f"order-{uuid.uuid4().hex}"
    first, again = await asyncio.gather(
        mercatrix.process_transaction(order, idempotency_key=key),
        mercatrix.process_transaction(order, idempotency_key=key),
    )
    assert first.id == again.id
    assert (await mercatrix.get_user_balance(payer)).essence_coins == 70.0
    with pytest.raises(rf.errors.ApiError) as refused:
        await mercatrix.process_transaction({**order, "amount": 31.0}, idempotency_key=key)
    assert refused.value.code == "idempotency_conflict"


async def test_a_reward_is_paid_once_per_reference(
    distilera: rf.DistileraClient, mercatrix: rf.MercatrixClient
) -> None:
    user = await new_user(distilera, "rewarded")
    reference = f"test:{uuid.uuid4().hex}"
    first = await mercatrix.pay_reward(user, 12.5, reference)
    replay = await mercatrix.pay_reward(user, 12.5, reference)
    assert first.id == replay.id
    assert (await mercatrix.get_user_balance(user)).essence_coins == 112.5


async def test_message_pages_link_consistently(environment: rf.Environment) -> None:
    async with rf.HoardwellClient() as hoardwell:
        tag = uuid.uuid4().hex
        for i in range(7):
            await hoardwell.post_message("note", f"note {i}", channel="notes", simulation_id=tag)
        pages, link = [], f"/messages/?simulation_id={tag}&per_page=3"
        while link:
            page = await hoardwell.call("GET", link)
            pages.append(page)
            link = page["links"]["next"]
    assert [len(p["data"]) for p in pages] == [3, 3, 1]
    assert all(p["meta"]["pagination"]["total_items"] == 7 for p in pages)
    assert [m["content"] for p in pages for m in p["data"]] == [f"note {i}" for i in range(7)]
    for earlier, later in itertools.pairwise(pages):
        assert later["links"]["prev"] == earlier["links"]["self"]


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


async def test_one_users_token_never_reaches_anothers_data(
    distilera: rf.DistileraClient, mercatrix: rf.MercatrixClient
) -> None:
    alice, bob = await new_user(distilera, "alice"), await new_user(distilera, "bob")
    secret = await distilera.store_sensitive_data({"diary": "bob's secret"})  # admin's entry
    bob_simulation = await distilera.create_simulation(
        {"user_id": bob.id, "elements": ["earth"], "target_result": "crystal_shard"}
    )
    token = await distilera.create_auth_token(alice)
    as_alice = {
        "distilera": rf.DistileraClient(token=token),
        "mercatrix": rf.MercatrixClient(token=token),
        "hoardwell": rf.HoardwellClient(token=token),
    }
    refusals = {
        "change bob": as_alice["distilera"].update_user(bob, {"name": "pwned"}),
        "delete bob": as_alice["distilera"].delete_user(bob),
        "read bob's simulation": as_alice["distilera"].get_simulation(bob_simulation),
        "read another's vault entry": as_alice["distilera"].retrieve_sensitive_data(secret),
        "read bob's balance": as_alice["mercatrix"].get_user_balance(bob),
        "list bob's transactions": as_alice["mercatrix"].get_user_transactions(bob),
        "spend bob's money": as_alice["mercatrix"].process_transaction(
            {"from_user": bob.id, "to_user": alice.id, "amount": 50.0}
        ),
        "read bob's messages": as_alice["hoardwell"].query_messages(user_id=bob.id),
    }
    for name, attempt in refusals.items():
        with pytest.raises(rf.errors.ApiError) as refused:
            await attempt
        assert refused.value.status == 403, name
    own_view = await as_alice["hoardwell"].get_all_messages()
    assert own_view and all(alice.id in (m.user_id, m.counterparty_id) for m in own_view)
    assert (await mercatrix.get_user_balance(bob)).essence_coins == 100.0
    assert (await distilera.get_user(bob)).name == "Bob"
    for client in as_alice.values():
        await client.aclose()
