"""The load engine: honest percentiles under a stall, flat memory, both models, both engines."""

from __future__ import annotations

import asyncio
import json
import random
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from runeframe_nb import load
from runeframe_nb.load.resources import saturation
from runeframe_nb.load.stats import FOLD_AT, GENERATOR, Measurements, histogram
from runeframe_process import any_free_port

TARGET = Path(__file__).with_name("load_target.py")


def stop(process: subprocess.Popen[str]) -> None:
    process.kill()
    process.wait()
    if process.stdout is not None:
        process.stdout.close()


def start_target(*stall: float) -> tuple[subprocess.Popen[str], str]:
    port = any_free_port()
    process = subprocess.Popen(
        [sys.executable, str(TARGET), str(port), *map(str, stall)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None and process.stdout.readline().strip() == "ready"
    return process, f"http://127.0.0.1:{port}/"


@pytest.fixture
def target() -> Iterator[str]:
    process, url = start_target()
    yield url
    stop(process)


@pytest.fixture
def stalling_target() -> Iterator[str]:
    """Stalls once, for one second, a second and a half after its first request."""
    process, url = start_target(1.5, 1.0)
    yield url
    stop(process)


def test_the_open_model_shows_a_stall_the_closed_model_hides(stalling_target: str) -> None:
    """Coordinated omission: latency from the intended send time keeps the stall in p99."""
    open_run = load.run_sync(load.LoadPlan(stalling_target, users=20, rate=200, duration=4))
    summary = open_run.summary()
    assert summary["errors"] == 0
    assert summary["requests"] == 800
    assert summary["p99_ms"] >= 700, summary  # ~200 of 800 requests were due in the stall


def test_the_closed_model_under_the_same_stall_reports_a_small_p99() -> None:
    process, url = start_target(1.5, 1.0)
    try:
        closed = load.run_sync(load.LoadPlan(url, users=20, duration=4)).summary()
    finally:
        stop(process)
    assert closed["max_ms"] >= 700  # the stall is there, in 20 requests...
    assert closed["p99_ms"] < 100, closed  # ...but the closed model's p99 does not show it


def test_memory_stays_flat_over_hundreds_of_thousands_of_requests(target: str) -> None:
    """The resident set may grow by at most 2 MB from the 50,000th request to the
    300,000th: it grows by tens of kB, and keeping one small object a request (a
    bytearray of 8) adds 20 MB."""
    script = f"""
import resource, sys
from runeframe_process import any_free_port

from runeframe_nb import load
rss = []
async def scenario(user):
    await user.get("/")
    done = sum(user.recorder.statuses.values())
    if done % 50_000 == 0:
        rss.append(int(open("/proc/self/status").read().split("VmRSS:")[1].split()[0]))
result = load.run_sync(load.LoadPlan("{target}", users=50, requests=300_000, scenario=scenario))
print(result.requests, rss[0], max(rss))
"""
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stderr[-2000:]
    requests, first_kb, peak_kb = map(int, done.stdout.split())
    assert requests == 300_000
    assert peak_kb - first_kb < 2_000, (first_kb, peak_kb)


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


def test_workers_split_the_plan_and_merge_exactly(target: str) -> None:
    result = load.run_sync(load.LoadPlan(target, users=10, requests=4_000, workers=2))
    assert result.requests == 4_000
    assert result.statuses()["requests"].sum() == 4_000
    assert result.timeline()["requests"].sum() == 4_000


def test_a_scenario_names_its_endpoints_and_reads_answers(target: str) -> None:
    statuses = []

    async def scenario(user: load.VirtualUser) -> None:
        reply = await user.get("/", name="home")
        statuses.append(reply.status)
        await user.post("/things", json={"n": 1}, name="create")

    result = load.run_sync(load.LoadPlan(target, users=2, requests=20, scenario=scenario))
    assert set(result.endpoints().index) == {"home", "create"}
    assert set(statuses) == {200}


def test_per_user_tokens_go_with_their_users() -> None:
    plan = load.LoadPlan("http://127.0.0.1:1/", users=3, requests=1, tokens=["a", "b"])
    users = [load.VirtualUser(n, plan, Measurements()) for n in range(3)]
    assert [u.headers["Authorization"] for u in users] == ["Bearer a", "Bearer b", "Bearer a"]


def test_refused_connections_are_errors_not_crashes_nor_work() -> None:
    result = load.run_sync(
        load.LoadPlan(f"http://127.0.0.1:{any_free_port()}/", users=2, requests=10)
    )
    summary = result.summary()
    assert (result.requests, result.errors, summary["ok"]) == (10, 10, 0)
    assert summary["error_kinds"] == {"ConnectionRefusedError": 10}
    assert summary["rps"] == 0 and summary["failed_rps"] > 0  # refusals are not throughput
    assert summary["p50_ms"] == 0  # nor latency of answers
    assert result.timeline()["requests"].sum() == 0 and result.timeline()["failed"].sum() == 10


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


def test_the_command_fails_past_the_error_rate(tmp_path: Path) -> None:
    """Nothing listens: every request fails, the exit code says so (as Locust's does)."""
    url = f"http://127.0.0.1:{any_free_port()}/"
    command = [sys.executable, "-m", "runeframe_tools", "load", url, "--requests", "50"]
    done = subprocess.run([*command, "--workers", "1"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert done.stderr.strip() == (
        "runeframe-nb: 50 of 50 requests failed (100.0%, more than the 0.0% allowed): "
        "ConnectionRefusedError 50"
    )
    assert "0 ok = 0 req/s, 50 failed" in done.stdout
    tolerated = [*command, "--workers", "1", "--max-error-rate", "1", "--json"]
    done = subprocess.run(tolerated, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and json.loads(done.stdout)["rps"] == 0


def test_locust_runs_the_same_scenario_in_the_same_shape(target: str) -> None:
    async def scenario(user: load.VirtualUser) -> None:
        await user.get("/", name="home")

    plan = load.LoadPlan(target, users=5, duration=2, scenario=scenario)
    summary = load.run_sync(plan, engine="locust").summary()
    assert summary["engine"] == "locust"
    assert summary["requests"] > 100 and summary["errors"] == 0
    assert {"rps", "p50_ms", "p95_ms", "p99_ms", "max_ms"} <= summary.keys()


@pytest.mark.parametrize(
    ("plan", "message"),
    [
        ({"url": "ftp://x/", "duration": 1}, "is not an http:// or https:// URL"),
        ({"url": "http://127.0.0.1:x/", "duration": 1}, "has no valid port number"),
        ({"url": "http://x/"}, "give a duration"),
        ({"url": "http://x/", "duration": 1, "rate": -1}, "rate must be positive"),
    ],
)
def test_a_bad_plan_is_one_clear_error(plan: dict[str, object], message: str) -> None:
    with pytest.raises(load.LoadError, match=message):
        load.LoadPlan(**plan)  # type: ignore[arg-type]


def test_the_command_prints_one_json_object(target: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "runeframe_tools", "load", target, "--requests", "500", "--json"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    summary = json.loads(done.stdout)
    assert summary["requests"] == 500
    assert {"requests", "errors", "rps", "p50_ms", "p95_ms", "p99_ms", "max_ms"} <= summary.keys()


def test_each_user_runs_exactly_its_requests_however_fast_it_is(target: str) -> None:
    """The seed's "100 users x 50 requests": fast users do not take slow users' turns."""
    seen: Counter[int] = Counter()

    async def scenario(user: load.VirtualUser) -> None:
        seen[user.index] += 1
        if user.index % 3 == 0:  # every third user is slow
            await asyncio.sleep(0.01)
        await user.get("/")

    plan = load.LoadPlan(target, users=12, requests_per_user=20, scenario=scenario)
    result = load.run_sync(plan)
    assert result.requests == 240 and set(seen.values()) == {20}
    split = load.run_sync(load.LoadPlan(target, users=12, requests_per_user=20, workers=2))
    assert split.requests == 240


def test_a_request_past_the_plans_timeout_fails_and_the_user_goes_on(
    stalling_target: str,
) -> None:
    """The target stalls for a second; with a 0.2 s timeout every request caught in the
    stall is a TimeoutError (found by the run's watchdog), and users recover after it."""
    plan = load.LoadPlan(stalling_target, users=5, duration=3, timeout=0.2)
    result = load.run_sync(plan)
    summary = result.summary()
    assert summary["error_kinds"].keys() == {"TimeoutError"}
    assert 5 <= summary["errors"] <= 5 * 8  # each user times out once or a few times
    assert summary["failed_p50_ms"] < 1000  # given up within the watchdog's rounds
    per_second = result.timeline().set_index("second")["requests"]
    assert per_second.loc[2] > 100  # answering again once the stall is over


def test_an_engine_is_chosen_by_name_from_the_registry(monkeypatch: pytest.MonkeyPatch) -> None:
    plan = load.LoadPlan("http://127.0.0.1:9/", users=1, requests=1)
    ran: list[load.LoadPlan] = []

    def recording(given: load.LoadPlan) -> load.LoadResult:
        ran.append(given)
        return load.LoadResult("closed", "recording", Measurements(), 1, 1, None)

    monkeypatch.setitem(load.ENGINES, "recording", recording)
    assert load.run_sync(plan, engine="recording").engine == "recording" and ran == [plan]
    with pytest.raises(load.LoadError, match="unknown engine 'k6': one of runeframe, locust"):
        load.run_sync(plan, engine="k6")
    remote = load.LoadPlan("http://127.0.0.1:9/", users=1, requests=1, remote_workers=2)
    with pytest.raises(load.LoadError, match="remote workers join Locust's runner"):
        load.run_sync(remote)


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


def test_the_command_says_when_the_generator_measured_itself(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from typer.testing import CliRunner

    from runeframe_tools.cli import app

    def saturated(plan: load.LoadPlan) -> load.LoadResult:
        recorder = Measurements(started=0.0)
        recorder.record("GET /", 200, 1_000, 0.5)
        for second in range(3):
            recorder.own_load(second + 0.5, 0.97, 3_000)
        recorder.elapsed = 3.0
        return load.LoadResult("closed", "saturated", recorder, 1, 1)

    monkeypatch.setitem(load.ENGINES, "saturated", saturated)
    command = ["load", "http://127.0.0.1:9/", "--requests", "1", "--engine", "saturated"]
    done = CliRunner().invoke(app, command)
    assert done.exit_code == 0
    assert done.stderr.strip() == (
        "runeframe-nb: the load generator ran out (load generator cpu_percent at 2 s "
        "(limit 90)): these figures are its limit, not the target's; spread the load over "
        "more workers"
    )
