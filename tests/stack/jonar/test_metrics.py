"""What Jonar measures, on the session's stack: every service up, one user's simulations
counted as Distilera counts them, each alert and event raised counted once, and a
component's totals the sums of its members' figures."""

from __future__ import annotations

import httpx
import pytest

import runeframe_nb as rf
from runeframe_nb.errors import ApiError
from runeframe_nb.waits import eventually

from ..conftest import new_user


async def test_the_ecosystem_at_a_glance_agrees_with_each_service(
    jonar: rf.JonarClient, distilera: rf.DistileraClient
) -> None:
    user = await new_user(distilera, "metered")
    await distilera.create_test_simulation(user_id=user.id)
    await distilera.create_simulation(
        {"user_id": user.id, "elements": ["air"], "target_result": "storm_glass"}
    )
    before = await jonar.get_system_metrics(user)
    await jonar.raise_alert("high_cpu", "mercatrix", "über ⚠", severity="warning")
    await jonar.report_event("mercatrix", "restart", "test", "once")
    after = await jonar.get_system_metrics(user)
    assert set(after.services.values()) == {"up"} and len(after.services) == 5
    simulations = (after.total_simulations, after.running_simulations, after.completed_simulations)
    assert simulations == (2, 1, 1)
    assert (after.alerts - before.alerts, after.events - before.events) == (1, 1)


async def test_a_component_s_totals_are_its_members_sums(
    jonar: rf.JonarClient, environment: rf.Environment
) -> None:
    async with httpx.AsyncClient(headers=environment.headers) as http:
        for _ in range(5):  # traffic for its rate
            await http.get(f"{environment.url('distilera')}/users/")
    # a rate needs two scrapes inside the window: the first call makes one
    metrics = await eventually(
        lambda: jonar.get_component_metrics("distilera"), lambda m: m.members
    )
    members = metrics.members
    assert metrics.replicas >= 1 and len(members) >= 1
    assert metrics.requests_per_second == round(sum(m["requests_per_second"] for m in members), 2)
    assert metrics.cpu_percent == round(sum(m["cpu_percent"] for m in members), 2)
    assert metrics.memory_bytes == sum(m["memory_bytes"] for m in members) > 0
    with pytest.raises(ApiError, match="unknown component 'nonexistent'") as unknown:
        await jonar.get_component_metrics("nonexistent")
    assert unknown.value.status == 400
