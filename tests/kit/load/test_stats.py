"""What a load test measures: latencies in bulk into HDR histograms, successes apart
from failures, and the generator's own CPU and loop lag."""

from __future__ import annotations

import asyncio
import json
import random
import time

import pytest

from runeframe_nb import load
from runeframe_nb.load.resources import saturation
from runeframe_nb.load.stats import FOLD_AT, GENERATOR, Measurements, histogram


def test_latencies_counted_in_bulk_are_the_histogram_one_by_one_recording_gives() -> None:
    """Counts go into the histograms in bulk; read at any moment they hold every request,
    and the counts waiting never exceed FOLD_AT distinct values."""
    rng = random.Random(7)
    recorder, expected = Measurements(started=0.0), histogram()
    for n in range(30_000):
        micros = int(rng.lognormvariate(7, 1.2)) + 1
        recorder.record("GET /", 200, micros, n / 10_000)
        expected.record_value(micros)
        assert len(recorder._counted.get("GET /", {})) <= FOLD_AT
        if n == 12_345:  # a read midway includes everything so far
            assert recorder.endpoints["GET /"].get_total_count() == n + 1
    got = recorder.endpoints["GET /"]
    assert got.get_total_count() == expected.get_total_count() == 30_000
    for percentile in (50, 90, 99, 99.9, 100):
        assert got.get_value_at_percentile(percentile) == expected.get_value_at_percentile(
            percentile
        )
    assert got.get_mean_value() == expected.get_mean_value()


def test_successes_and_failures_merge_apart_across_workers() -> None:
    """A worker's answers and refusals stay apart when its recorder travels."""
    one, two = Measurements(started=0.0), Measurements(started=0.0)
    one.record("GET /", 200, 2_000, 0.5)
    two.record("GET /", 503, 40_000, 0.7)
    two.error("GET /", "ConnectionResetError", 100, 1.2)
    merged = Measurements(started=0.0)
    for part in (one, two):
        part.elapsed = 2.0
        merged.merge(json.loads(json.dumps(part.export())))
    result = load.LoadResult("closed", "runeframe", merged, users=2, workers=2)
    summary = result.summary()
    assert (summary["requests"], summary["ok"], summary["errors"]) == (3, 1, 2)
    assert (summary["rps"], summary["failed_rps"]) == (0.5, 1.0)
    assert summary["p50_ms"] == 2.0 and summary["failed_p50_ms"] == 0.1
    endpoint = result.endpoints().loc["GET /"]
    assert (endpoint["requests"], endpoint["errors"]) == (3, 2)
    timeline = result.timeline().set_index("second")  # per second, successes' latency
    assert timeline.loc[0].to_dict() == {
        "requests": 1,
        "failed": 1,
        "mean_ms": 2.0,
        "max_ms": 2.0,
    }
    assert timeline.loc[1, "failed"] == 1 and timeline.loc[1, "requests"] == 0


def burning(seconds: float) -> load.Scenario:
    """An iteration that keeps the generator's CPU busy for `seconds`."""

    async def scenario(user: load.VirtualUser) -> None:
        end = time.perf_counter() + seconds
        while time.perf_counter() < end:
            pass
        await asyncio.sleep(0)

    return scenario


def blocking(seconds: float) -> load.Scenario:
    """An iteration that holds the generator's event loop without using its CPU."""

    async def scenario(user: load.VirtualUser) -> None:
        time.sleep(seconds)  # noqa: ASYNC251  the blocking call is the point
        await asyncio.sleep(0)

    return scenario


async def thinking(user: load.VirtualUser) -> None:
    await user.think(0.02)


def test_the_generator_counts_the_cpu_it_spends_second_by_second() -> None:
    """However much of a core the machine lets it have, what the generator notes per second
    adds up to what its process spent."""
    plan = load.LoadPlan("http://127.0.0.1:9/", users=1, duration=2.6, scenario=burning(0.02))
    before = time.process_time()
    result = load.run_sync(plan)
    spent = time.process_time() - before
    noted = sum(result.recorder.own_cpu_per_second.values())
    assert 0.8 * spent <= noted <= spent
    seconds = [row["second"] for row in result.generator()]  # each at its second's end
    assert seconds[:2] == [1.0, 2.0] and len(seconds) == 3 and 2.6 <= seconds[2] < 3.0


@pytest.mark.parametrize(
    ("scenario", "ran_out"), [(blocking(0.3), "loop_lag_ms"), (thinking, None)]
)
def test_a_generator_whose_loop_is_held_says_so_and_an_idle_one_does_not(
    scenario: load.Scenario, ran_out: str | None
) -> None:
    plan = load.LoadPlan("http://127.0.0.1:9/", users=1, duration=2.6, scenario=scenario)
    result = load.run_sync(plan)
    own = result.generator()
    assert result.summary()["generator_lag_ms"] == max(row["loop_lag_ms"] for row in own)
    first, _ = saturation(own)
    assert (first.split(" at ")[0] if first else None) == (ran_out and f"{GENERATOR} {ran_out}")
    if ran_out is None:
        assert max(row["cpu_percent"] for row in own) < 50


def test_the_busiest_generator_process_speaks_for_all() -> None:
    calm, busy = Measurements(started=0.0), Measurements(started=0.0)
    calm.own_load(0.5, 0.2, 1_000)
    busy.own_load(0.5, 0.95, 30_000)
    busy.own_load(1.2, 0.48, 2_000)
    merged = Measurements(started=0.0)
    for part in (calm, busy):
        part.elapsed = 1.6
        merged.merge(json.loads(json.dumps(part.export())))
    result = load.LoadResult("closed", "runeframe", merged, 2, 2)
    measured = [(r["second"], r["cpu_percent"], r["loop_lag_ms"]) for r in result.generator()]
    assert measured == [
        (1.0, 95.0, 30.0),
        (1.6, 80.0, 2.0),  # the last 0.6 s, as a share of itself
    ]
    merged.elapsed = 1.1  # a last tenth of a second is too short to say anything
    assert [r["second"] for r in result.generator()] == [1.0]
