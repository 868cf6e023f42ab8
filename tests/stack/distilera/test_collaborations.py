"""Collaborations, served in the test's event loop: only members contribute and only
while it is open; completing it reacts what was contributed (the kit's documented table
is the oracle) and shares the product's worth equally among the contributors alone, at
least one essence_coin each; and every reward is handed to Mercatrix's outbox."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from runeframe_nb import alchemy

from ..conftest import alone, outbox, serving


async def users(http: httpx.AsyncClient, *names: str) -> list[str]:
    made = [
        await http.post("/users/", json={"name": name, "email": f"{i}@collab.example"})
        for i, name in enumerate(names)
    ]
    return [reply.json()["id"] for reply in made]


@pytest.mark.parametrize(
    ("elements", "reaction"),
    [
        (["fire", "water", "earth"], "fusion"),
        (["water", "air"], "distillation"),
        (["air"], "fusion"),
    ],
)
async def test_completing_shares_the_product_s_worth_among_the_contributors(
    tmp_path: Path, elements: list[str], reaction: str
) -> None:
    async with serving("distilera", alone(tmp_path)) as http:
        leader, *others, idle = await users(http, "Léa", "Mika", "Sun", "Idle")
        body = {"leader": leader, "participants": [*others, idle], "simulation_type": reaction}
        made = (await http.post("/collaborations/", json=body)).json()
        contributors = [leader, *others][: len(elements)]
        for user, element in zip(contributors, elements, strict=False):
            path = f"/collaborations/{made['id']}/contributions/"
            added = await http.post(path, json={"user_id": user, "element": element})
            assert added.status_code == 201
        done = (await http.post(f"/collaborations/{made['id']}/complete/")).json()

        product = alchemy.RECIPES.get((reaction, frozenset(elements)), alchemy.INERT)
        share = max(round(alchemy.WORTH[product] / len(contributors), 2), 1.0)
        assert (done["status"], done["result"]) == ("completed", product)
        assert done["rewards"] == dict.fromkeys(contributors, share)  # the idle member: none
        late = await http.post(
            f"/collaborations/{made['id']}/contributions/",
            json={"user_id": idle, "element": "fire"},
        )
        assert late.status_code == 409
    handed = {
        r["user_id"]: r["amount"]
        for r in await outbox(tmp_path, "distilera", "mercatrix")
        if r.get("reference", "").startswith(f"collaboration:{made['id']}:")
    }
    assert handed == dict.fromkeys(contributors, share)


async def test_only_members_contribute(tmp_path: Path) -> None:
    async with serving("distilera", alone(tmp_path)) as http:
        leader, stranger = await users(http, "Léa", "Stranger")
        made = (await http.post("/collaborations/", json={"leader": leader})).json()
        path = f"/collaborations/{made['id']}/contributions/"
        refused = await http.post(path, json={"user_id": stranger, "element": "fire"})
        assert refused.status_code == 403 and refused.json()["error"]["code"] == "forbidden"
        empty = await http.post(f"/collaborations/{made['id']}/complete/")
        assert empty.status_code == 409
