"""Mercatrix's transactions over HTTP: concurrent transfers conserve money, an idempotent
transfer never pays twice, a reward is paid once per reference."""

from __future__ import annotations

import asyncio
import random
import uuid

import pytest

import runeframe_nb as rf

from ..conftest import new_user


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
