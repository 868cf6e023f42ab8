"""Simulations, served in the test's event loop: each completes as the kit's documented
alchemy table predicts (product, success, reward) and only once; listing by owner and
status returns all and only the matching ones, oldest first, page by page; and the
counts agree with the list."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

from runeframe_nb import alchemy

from ..conftest import alone, every_page, serving

# every recipe the table knows, aimed at its product and at another, and a few it does not
ASKED = [
    (sorted(elements), reaction, target)
    for (reaction, elements), product in alchemy.RECIPES.items()
    for target in (product, "storm_glass" if product != "storm_glass" else "ember_salt")
] + [(["aether"], "fusion", "quintessence"), (["water", "water"], "sublimation", "ember_salt")]


async def test_simulations_complete_as_predicted_and_list_and_count_as_they_are(
    tmp_path: Path,
) -> None:
    async with serving("distilera", alone(tmp_path)) as http:
        owners = []
        for name in ("Ana", "Bo"):
            made = await http.post("/users/", json={"name": name, "email": f"{name}@sim.example"})
            owners.append(made.json()["id"])
        made: list[dict[str, Any]] = []
        for i, (elements, reaction, target) in enumerate(ASKED):
            body = {"user_id": owners[i % 2], "elements": elements, "reaction_type": reaction}
            started = await http.post("/simulations/", json={**body, "target_result": target})
            assert started.status_code == 201, started.text
            simulation = started.json()
            if i % 3:  # two in three are completed
                simulation = (await http.post(f"/simulations/{simulation['id']}/complete/")).json()
                expected = alchemy.predict(elements, reaction, target)
                got = (simulation["result"], simulation["success"], simulation["reward"])
                assert got == (expected.result, expected.success, expected.reward), body
                again = await http.post(f"/simulations/{simulation['id']}/complete/")
                assert again.status_code == 409
            made.append(simulation)

        for owner, status in itertools.product([*owners, None], ["running", "completed", None]):
            query = {k: v for k, v in (("user_id", owner), ("status", status)) if v}
            expected_ids = [s["id"] for s in made if all(s[k] == v for k, v in query.items())]
            assert await every_page(http, "/simulations/", 4, **query) == expected_ids, query
        for owner in owners:
            stats = (await http.get("/simulations/stats/", params={"user_id": owner})).json()
            theirs = [s for s in made if s["user_id"] == owner]
            assert stats == {
                "total_simulations": len(theirs),
                "running": sum(s["status"] == "running" for s in theirs),
                "completed": sum(s["status"] == "completed" for s in theirs),
                "successful": sum(bool(s["success"]) for s in theirs),
            }
