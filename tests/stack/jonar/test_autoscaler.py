"""Jonar's autoscaler: the HPA rule, its stabilization window, and a real load that
scales a deployment up and, once it stops, back down."""

from __future__ import annotations

import asyncio
import time

import runeframe_nb as rf
from runeframe_stack.core.settings import Autoscaling
from runeframe_stack.jonar.autoscaler import Stabilizer, recommend


async def test_load_scales_up_and_the_lull_scales_back_down(jonar: rf.JonarClient) -> None:
    deployed = await jonar.deploy_component(
        {
            "component": "mercatrix",
            "version": "1.1.0",
            "replicas": 1,
            "autoscaling": {
                "max_replicas": 3,
                "target_rps_per_replica": 10,
                "window_seconds": 2,
                "stabilization_seconds": 2,
            },
        }
    )
    try:
        report = await jonar.simulate_load("mercatrix", load_factor=3.0, duration=2)
        assert (report.deployment_id, report.errors) == (deployed.id, 0)
        assert (report.replicas_before, report.replicas_after) == (1, 3), report
        started = time.monotonic()
        while (now := await jonar.get_deployment_status(deployed)).replicas > 1 or (
            now.status != "ready"  # the leaving replica still drains
        ):
            assert time.monotonic() - started < 30, "never scaled back down"
            await asyncio.sleep(0.5)
        kinds = [e.type for e in await jonar.get_scaling_events("mercatrix")]
        assert kinds[-2:] == ["scale_up", "scale_down"]
    finally:
        await jonar.delete_deployment(deployed)


def test_the_hpa_rule() -> None:
    policy = Autoscaling(min_replicas=1, max_replicas=10, target_rps_per_replica=20)
    assert recommend(3, 40.0, policy) == 6  # ceil(3 x 40 / 20)
    assert recommend(3, 21.0, policy) == 3  # within the 10% tolerance
    assert recommend(3, 0.0, policy) == 1  # bounded by min_replicas
    assert recommend(8, 100.0, policy) == 10  # bounded by max_replicas


def test_scale_down_waits_for_the_stabilization_window() -> None:
    stabilizer = Stabilizer(Autoscaling(target_rps_per_replica=10, stabilization_seconds=30))
    assert stabilizer.decide(0.0, 2, 10.0).desired == 2
    assert stabilizer.decide(10.0, 2, 0.0).desired == 2  # the window still holds 2
    assert stabilizer.decide(31.0, 2, 0.0).desired == 1
