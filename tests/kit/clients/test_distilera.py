"""Distilera's client on a real stack: a user is written, read back, found by search
and gone when deleted; a token it issues is its user's; a user's simulations and their
counts agree; a vault entry comes back as stored and its values are secrets."""

from __future__ import annotations

import uuid

import pytest

from runeframe_nb import DistileraClient, masking
from runeframe_nb.errors import ApiError


async def test_a_user_is_read_back_found_by_search_and_gone_when_deleted(
    distilera_client: DistileraClient,
) -> None:
    tag = uuid.uuid4().hex[:10]
    made = [
        await distilera_client.create_user(
            {"name": f"Þóra {tag} {i}", "email": f"{tag}{i}@x.example"}
        )
        for i in range(3)
    ]
    assert (await distilera_client.get_user(made[0])).model_dump() == made[0].model_dump()
    changed = await distilera_client.update_user(made[0], {"name": f"Zoë {tag}"})
    assert (await distilera_client.get_user(made[0])).name == changed.name == f"Zoë {tag}"
    pages = [await distilera_client.list_users(page=p, per_page=2, q=tag) for p in (1, 2)]
    assert sorted(u.id for page in pages for u in page.data) == sorted(u.id for u in made)
    await distilera_client.delete_user(made[1])
    with pytest.raises(ApiError) as gone:
        await distilera_client.get_user(made[1])
    assert gone.value.status == 404
    found = await distilera_client.list_users(q=tag)
    assert sorted(u.id for u in found.data) == sorted([made[0].id, made[2].id])


async def test_a_token_is_its_user_s(distilera_client: DistileraClient) -> None:
    user = await distilera_client.create_user(
        {"name": "Tok", "email": f"t{uuid.uuid4().hex[:10]}@x.example"}
    )
    issued = await distilera_client.issue_token(user, expires_in=60)
    verdict = await distilera_client.authenticate(issued.token)
    assert (verdict.is_valid, verdict.user_id) == (True, user.id)
    assert {k["kid"] for k in await distilera_client.get_public_keys()}


async def test_a_user_s_simulations_and_their_counts_agree(
    distilera_client: DistileraClient,
) -> None:
    one, other = [
        await distilera_client.create_user(
            {"name": "Sim", "email": f"s{uuid.uuid4().hex[:10]}@x.example"}
        )
        for _ in range(2)
    ]
    done = await distilera_client.create_test_simulation(user_id=one.id)
    running = await distilera_client.create_simulation(
        {"elements": ["water", "air"], "target_result": "storm_glass", "user_id": one.id}
    )
    await distilera_client.create_test_simulation(user_id=other.id)
    listed = await distilera_client.list_simulations(user_id=one.id)
    assert sorted(s.id for s in listed) == sorted([done.id, running.id])
    assert [s.id for s in await distilera_client.list_simulations(one.id, "completed")] == [done.id]
    counts = [await distilera_client.simulation_stats(user) for user in (one, other)]
    assert [(c.total_simulations, c.running, c.completed) for c in counts] == [(2, 1, 1), (1, 0, 1)]
    with pytest.raises(ApiError) as refused:
        await distilera_client.create_invalid_simulation(user_id=one.id)
    assert refused.value.status == 400


async def test_a_vault_entry_comes_back_as_stored_and_its_values_are_secrets(
    distilera_client: DistileraClient,
) -> None:
    secret = f"пароль-{uuid.uuid4().hex}"
    entry = await distilera_client.store_sensitive_data({"api_key": secret})
    assert secret in masking.known()
    assert (await distilera_client.retrieve_sensitive_data(entry))["api_key"] == secret
    await distilera_client.erase_sensitive_data(entry)
    with pytest.raises(ApiError) as gone:
        await distilera_client.retrieve_sensitive_data(entry)
    assert gone.value.status == 404
