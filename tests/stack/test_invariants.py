"""One user's token never reaches another user's private data, in any service."""

from __future__ import annotations

import pytest

import runeframe_nb as rf

from .conftest import new_user


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
