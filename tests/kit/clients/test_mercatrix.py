"""Mercatrix's client on a real stack: a transfer moves its amount once (a retry with
the same key pays nothing more), reads back as written and shows in each party's
transactions only; a listing reads back and is withdrawn."""

from __future__ import annotations

import uuid

import pytest

from runeframe_nb import DistileraClient, MercatrixClient
from runeframe_nb.errors import ApiError
from runeframe_nb.models import Balance, User
from runeframe_nb.waits import eventually


async def funded_user(distilera: DistileraClient, mercatrix: MercatrixClient) -> User:
    """A new user whose account (and welcome grant) has arrived at Mercatrix."""
    user = await distilera.create_user(
        {"name": "Ådne Ørsted", "email": f"m-{uuid.uuid4().hex[:10]}@runeframe.example"}
    )
    await eventually(lambda: mercatrix.get_user_balance(user), ignoring=ApiError)
    return user


async def balances(mercatrix: MercatrixClient, *users: User) -> list[float]:
    read: list[Balance] = [await mercatrix.get_user_balance(u) for u in users]
    return [b.essence_coins for b in read]


async def test_a_transfer_moves_its_amount_once_and_reads_back(
    distilera_client: DistileraClient, mercatrix_client: MercatrixClient
) -> None:
    payer, payee, bystander = [
        await funded_user(distilera_client, mercatrix_client) for _ in range(3)
    ]
    before = await balances(mercatrix_client, payer, payee)
    key = f"test-{uuid.uuid4().hex}"
    sent = {"from_user": payer.id, "to_user": payee.id, "amount": 12.5}
    paid = await mercatrix_client.process_transaction(sent, idempotency_key=key)
    again = await mercatrix_client.process_transaction(sent, idempotency_key=key)
    assert again.id == paid.id and paid.status == "completed"
    assert (paid.from_user, paid.to_user, paid.amount) == (payer.id, payee.id, 12.5)
    assert await balances(mercatrix_client, payer, payee) == [before[0] - 12.5, before[1] + 12.5]
    read = await mercatrix_client.get_transaction(paid)
    assert read.model_dump() == paid.model_dump()
    for party in (payer, payee):
        theirs = await mercatrix_client.get_user_transactions(party)
        assert paid.id in [t.id for t in theirs]
        assert all(party.id in (t.from_user, t.to_user) for t in theirs)
    assert paid.id not in [t.id for t in await mercatrix_client.get_user_transactions(bystander)]


async def test_a_refused_transfer_names_its_record_and_moves_nothing(
    distilera_client: DistileraClient, mercatrix_client: MercatrixClient
) -> None:
    payer, payee = [await funded_user(distilera_client, mercatrix_client) for _ in range(2)]
    before = await balances(mercatrix_client, payer, payee)
    too_much = {"from_user": payer.id, "to_user": payee.id, "amount": before[0] + 1}
    with pytest.raises(ApiError) as refused:
        await mercatrix_client.process_transaction(too_much)
    assert (refused.value.status, refused.value.code) == (409, "insufficient_funds")
    assert await balances(mercatrix_client, payer, payee) == before
    (record,) = [  # the refusal's record: the payee's other one is its welcome grant
        t for t in await mercatrix_client.get_user_transactions(payee) if t.from_user == payer.id
    ]
    assert (record.status, record.amount) == ("failed", too_much["amount"])
    failed = await mercatrix_client.get_failed_transactions()
    assert record.id in [t.id for t in failed] and {t.status for t in failed} == {"failed"}


async def test_a_listing_reads_back_and_is_withdrawn(
    distilera_client: DistileraClient, mercatrix_client: MercatrixClient
) -> None:
    seller = (await funded_user(distilera_client, mercatrix_client)).id
    listing = await mercatrix_client.create_market_listing(
        {"item_type": "moon_dew", "quantity": 3, "price_per_unit": 2.25, "seller": seller}
    )
    assert (await mercatrix_client.get_listing(listing)).model_dump() == listing.model_dump()
    assert [x.id for x in await mercatrix_client.get_listings(seller=seller)] == [listing.id]
    await mercatrix_client.withdraw_listing(listing)
    with pytest.raises(ApiError) as gone:
        await mercatrix_client.get_listing(listing)
    assert gone.value.status == 404
    assert await mercatrix_client.get_listings(seller=seller) == []
