"""Locust's engine runs the same plan in the same shape."""

from __future__ import annotations

from runeframe_nb import load


def test_locust_runs_the_same_scenario_in_the_same_shape(target: str) -> None:
    async def scenario(user: load.VirtualUser) -> None:
        await user.get("/", name="home")

    plan = load.LoadPlan(target, users=5, duration=2, scenario=scenario)
    summary = load.run_sync(plan, engine="locust").summary()
    assert summary["engine"] == "locust"
    assert summary["requests"] > 100 and summary["errors"] == 0
    assert {"rps", "p50_ms", "p95_ms", "p99_ms", "max_ms"} <= summary.keys()
