"""A virtual user: named endpoints, its own token, refused connections and overdue
requests counted as failures."""

from __future__ import annotations

from runeframe_nb import load
from runeframe_nb.load.stats import Measurements
from runeframe_process import any_free_port


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
