"""Worker processes: a plan split between them and merged back exactly."""

from __future__ import annotations

from runeframe_nb import load


def test_workers_split_the_plan_and_merge_exactly(target: str) -> None:
    result = load.run_sync(load.LoadPlan(target, users=10, requests=4_000, workers=2))
    assert result.requests == 4_000
    assert result.statuses()["requests"].sum() == 4_000
    assert result.timeline()["requests"].sum() == 4_000
