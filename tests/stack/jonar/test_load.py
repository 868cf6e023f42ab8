"""Jonar's load simulation: load sent to a deployment still rolling out waits for it
(found by fuzzing)."""

from __future__ import annotations

import time

import runeframe_nb as rf


async def test_load_sent_to_a_deployment_still_rolling_out_waits_for_it(
    own_environment: rf.Environment,
) -> None:
    """No replica is ready yet when the load arrives (it was a 503, then a 409): the load
    run is accepted at once and goes out once the rollout is done. A stack of its own:
    load goes to a component's newest deployment."""
    async with rf.JonarClient(environment=own_environment) as jonar:
        accepted = await jonar.call(
            "POST",
            "/deployments/",
            json={"component": "mercatrix", "version": "1.0.0", "replicas": 1},
        )
        assert (accepted["status"], accepted["ready_replicas"]) == ("progressing", 0)
        started = time.monotonic()
        report = await jonar.simulate_load("mercatrix", load_factor=1.0, duration=0.5)
        assert time.monotonic() - started < 30
        assert (report.deployment_id, report.replicas_before) == (accepted["id"], 1)
        assert report.requests_sent > 0
        await jonar.delete_deployment(accepted["id"])
