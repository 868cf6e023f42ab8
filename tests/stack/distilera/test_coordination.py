"""Coordinated simulations, served in the test's event loop: for every set of roles, a
coordination completes with the alchemy table's product only when all three took part,
else fails naming the missing ones; every agent announces itself to Hoardwell, and steps
are reported only for a run that completed (read from the outbox: the peers are away)."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from runeframe_nb import alchemy

from ..conftest import alone, outbox, serving

ROLES = ("element_master", "reaction_controller", "quality_assurance")


@pytest.mark.parametrize(
    "roles", [c for n in range(1, 4) for c in itertools.combinations(ROLES, n)], ids=str
)
async def test_a_coordination_completes_only_with_every_role(
    tmp_path: Path, roles: tuple[str, ...]
) -> None:
    agents = [{"name": f"Agent {role} ✓", "role": role} for role in roles]
    plan = {"agents": agents, "elements": ["water", "air"], "reaction_type": "distillation"}
    async with serving("distilera", alone(tmp_path)) as http:
        made = (
            await http.post("/coordinations/", json={**plan, "target_result": "storm_glass"})
        ).json()
        assert (await http.get(f"/coordinations/{made['id']}/")).json() == made
    missing = [role for role in ROLES if role not in roles]
    product = alchemy.RECIPES[("distillation", frozenset({"water", "air"}))]
    if missing:
        assert (made["status"], made["result"]) == ("failed", None)
        assert made["reason"] == f"no agent for {', '.join(missing)}"
    else:
        assert (made["status"], made["result"], made["reason"]) == ("completed", product, None)
    said = [
        m["content"]
        for m in await outbox(tmp_path, "distilera", "hoardwell")
        if m.get("coordination_id") == made["id"]
    ]
    assert [s for s in said if "joined" in s] == [
        f"agent {a['name']} ({a['role']}) joined coordination {made['id']}" for a in agents
    ]
    steps = [s for s in said if s.startswith("agent ") and "joined" not in s]
    assert len(steps) == (0 if missing else len(agents))
    assert said[-1].startswith(f"coordination_{made['status']} {made['id']}")
