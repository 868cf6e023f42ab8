"""`runeframe-nb mutate`: the catalogue, the proxy, notebook selection, the score, and a
sample of mutants with the controls on the real notebooks and a real stack."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import websockets

from runeframe_nb.profiles import SERVICES
from runeframe_nb.results import MutationRecord, Sighting, Trial
from runeframe_nb.stack import free_port_block
from runeframe_tools.mutate import find, registered
from runeframe_tools.mutate.harness import ProxyProcess
from runeframe_tools.mutate.mutants import Mutant
from runeframe_tools.mutate.proxy import Route
from runeframe_tools.mutate.run import MutateOptions, Mutation, mutate, selected

NOTEBOOKS = Path(__file__).parents[3] / "notebooks"


def test_the_catalogue_covers_every_part_of_the_system() -> None:
    found = registered()
    mutants = [m for m in found.values() if not m.tolerated]
    assert len(mutants) >= 30
    assert {m.service for m in mutants} >= {"api", "distilera", "hoardwell", "mercatrix", "jonar"}
    assert any(m.frames for m in mutants) and any(m.side == "peer" for m in mutants)
    assert sum(m.tolerated for m in found.values()) >= 3
    assert all(m.reveals for m in mutants if m.side == "peer" or m.frames)


def test_routes_match_paths_and_templates_alike() -> None:
    m = Mutant("x", "", "jonar", ("GET /deployments/{deployment_id}/service/{path}",))
    assert m.matches("jonar", "front", "GET", "/deployments/d1/service/http://host:1/a")
    assert m.matches("jonar", "front", "GET", "/deployments/{deployment_id}/service/{path}")
    assert not m.matches("jonar", "peer", "GET", "/deployments/d1/service/x")
    assert not m.matches("api", "front", "GET", "/deployments/d1/service/x")
    anywhere = Mutant("y", "", "*", ("POST *",))
    assert anywhere.matches("hoardwell", "front", "POST", "/messages/")
    assert not anywhere.matches("hoardwell", "front", "GET", "/messages/")


def test_a_mutant_runs_the_notebooks_whose_checks_reached_it() -> None:
    reached = {
        "01": {("mercatrix", "POST", "/transactions/"), ("hoardwell", "GET", "/messages/")},
        "02": {("api", "GET", "/api/v1/users/{user_id}/")},
    }
    assert selected(find("transfer-double-applied"), reached) == ["01"]
    assert selected(find("message-lost"), reached) == ["01"]  # a peer fault, revealed there
    assert selected(find("edge-unknown-user-200"), reached) == ["02"]
    assert selected(find("ws-update-dropped"), reached) == []
    reached["09"] = {("api", m, "/api/v1/users/{user_id}/") for m in ("GET", "PATCH", "DELETE")}
    assert selected(find("headers-insecure"), reached) == ["09", "01", "02"]  # most reached first


def outcome(name: str, kind: str, verdict: str) -> Trial:
    return Trial.model_validate(
        {"name": name, "breaks": "", "service": "api", "side": "front", "kind": kind}
        | {"verdict": verdict, "notebooks": ["01"]}
    )


def test_the_score_is_the_share_killed_times_the_share_without_false_alarm() -> None:
    mutation = Mutation("r", Path("."), outcome("control", "control", "passed"))
    mutation.mutants = [outcome(f"m{i}", "mutant", "killed") for i in range(19)]
    mutation.mutants.append(outcome("m19", "mutant", "survived"))
    mutation.controls = [outcome("c1", "control", "passed"), outcome("c2", "control", "passed")]
    assert mutation.score == 0.95
    mutation.controls[1] = outcome("c2", "control", "failed")
    assert (mutation.false_alarms, mutation.score) == (1, 0.475)


def test_a_kill_counts_only_when_the_failed_check_saw_the_mutant() -> None:
    """A failed check whose evidence reached the operation the mutant changes kills it; a
    failure elsewhere, a crash or a timeout is a verdict of its own."""
    from runeframe_nb.results import Check
    from runeframe_tools.mutate.run import _caught, mutant_verdict
    from runeframe_tools.runner.artifacts import RunResult
    from runeframe_tools.runner.execute import NotebookResult

    m = Mutant("x", "", "mercatrix", ("POST /transactions/",))
    reached = {"service": "mercatrix", "method": "POST", "operation": "/transactions/"}
    elsewhere = {"service": "hoardwell", "method": "GET", "operation": "/messages/"}

    def verdict(evidence: list[dict[str, str]], error: str = "") -> str:
        nb = NotebookResult(name="07", source="07.ipynb", output="07.ipynb")
        nb.status = "failed" if error else "completed"
        nb.error = error or None
        if evidence:
            nb.checks = [Check(area="a", name="c", status="failed", evidence=evidence)]
        run = RunResult("r", "local", Path("."), "now", notebooks=[nb])
        return mutant_verdict(_caught(run, m))

    assert verdict([elsewhere, reached]) == "killed"
    assert verdict([elsewhere]) == "unattributed"
    assert verdict([], error="cell 3: KeyError: 'id'") == "crashed"
    assert verdict([], error="cell 3: CellTimeoutError: Cell execution timed out") == "timed out"


def test_the_kill_matrix_and_the_held_out_score() -> None:
    mutation = Mutation("r", Path("."), outcome("control", "control", "passed"))
    seen = Sighting(notebook="12", check="round trip", saw=True)
    blind = Sighting(notebook="01", check="other", saw=False)
    mutation.mutants = [outcome("a", "mutant", "killed"), outcome("b", "mutant", "unattributed")]
    mutation.mutants[0].caught_by, mutation.mutants[1].caught_by = [seen, blind], [blind]
    mutation.mutants[0].held_out = mutation.mutants[1].held_out = True
    assert mutation.kill_matrix() == {"12: round trip": ["a"]}
    assert (mutation.held_out, mutation.score) == ((1, 2), 0.5)
    assert mutation.verdicts() == {"killed": 1, "unattributed": 1}
    assert mutation.passes(0.5) and not mutation.passes(0.51)
    mutation.controls = [outcome("503 once", "control", "killed")]  # an alarm: no pass
    assert not mutation.passes(0.0)
    mutation.controls, mutation.control.verdict = [], "killed"  # the proxy itself broke
    assert not mutation.passes(0.0)


@pytest.fixture
def admin(admin_token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {admin_token}"}


@pytest.fixture
def proxy(
    request: pytest.FixtureRequest, urls: dict[str, str], admin_token: str, tmp_path: Path
) -> Iterator[dict[str, str]]:
    """The session stack behind the fault proxy, with the mutant `request.param` (or none)."""
    first = free_port_block(len(SERVICES))
    routes = [Route(s, "front", first + i, urls[s]) for i, s in enumerate(SERVICES)]
    process = ProxyProcess(routes, getattr(request, "param", None), admin_token, tmp_path / "p.log")
    process.start()
    try:
        yield {r.service: f"http://127.0.0.1:{r.port}" for r in routes}
    finally:
        process.stop()


def test_with_no_mutant_the_proxy_changes_nothing(
    proxy: dict[str, str], urls: dict[str, str], admin: dict[str, str], environment: object
) -> None:
    for path in ("/api/v1/users/user_123/", "/api/v1/users/nobody/", "/nothing/"):
        direct = httpx.get(urls["api"] + path, headers=admin)
        relayed = httpx.get(proxy["api"] + path, headers=admin)
        assert (relayed.status_code, relayed.json()) == (direct.status_code, direct.json())
        kept = {"content-type", "x-content-type-options", "x-ratelimit-limit"}
        assert {k: relayed.headers.get(k) for k in kept} == {k: direct.headers.get(k) for k in kept}
        assert "server" not in relayed.headers


async def test_the_proxy_relays_the_websocket(
    proxy: dict[str, str], admin_token: str, environment: object
) -> None:
    async with websockets.connect(proxy["api"].replace("http", "ws", 1) + "/ws/") as ws:
        await ws.send(json.dumps({"type": "auth", "token": admin_token}))
        assert json.loads(await ws.recv())["status"] == "authenticated"
        await ws.send(json.dumps({"type": "ping"}))
        assert json.loads(await ws.recv()) == {"type": "pong"}


@pytest.mark.parametrize("proxy", ["edge-create-200"], indirect=True)
def test_a_mutant_changes_what_it_names_and_nothing_else(
    proxy: dict[str, str], admin: dict[str, str], environment: object
) -> None:
    made = httpx.post(
        proxy["api"] + "/api/v1/users/",
        json={"name": "Mutant Probe", "email": "mutant-probe@runeframe.example"},
        headers=admin,
    )
    assert made.status_code == 200 and "location" not in made.headers
    read = httpx.get(proxy["api"] + f"/api/v1/users/{made.json()['id']}/", headers=admin)
    assert read.status_code == 200
    assert (
        httpx.delete(
            proxy["api"] + f"/api/v1/users/{made.json()['id']}/", headers=admin
        ).status_code
        == 204
    )


def test_a_sample_of_mutants_is_killed_and_the_controls_raise_no_alarm(
    tmp_path: Path, environment: object
) -> None:
    """The control and one absorbed fault pass through the proxy; a lost transfer, a lost
    message between services and a dropped WebSocket update are each caught."""
    options = MutateOptions(
        only=[
            "transfer-acknowledged-not-applied",
            "message-lost",
            "ws-update-dropped",
            "notification-503-once",
        ],
        within=["04_websocket_api", "06_data_flow", "07_test_data"],  # reach all four
        jobs=2,
        output=tmp_path,
        notebooks=NOTEBOOKS,
    )
    mutation = mutate(options)
    assert mutation.control.verdict == "passed"
    assert [(c.name, c.verdict) for c in mutation.controls] == [("notification-503-once", "passed")]
    verdicts = {m.name: m.verdict for m in mutation.mutants}
    assert verdicts == dict.fromkeys(
        ["transfer-acknowledged-not-applied", "message-lost", "ws-update-dropped"], "killed"
    )
    written = MutationRecord.read(mutation.folder)
    assert (written.score, written.false_alarms, written.mutants) == (1.0, 0, 3)
    assert {c.notebook for m in written.results for c in m.caught_by if c.saw}


def test_a_failed_control_stops_the_command_before_any_mutant(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When the suite fails through the proxy with no mutant, the proxy itself changes
    behaviour: no mutant runs, and the command says so and fails."""
    from typer.testing import CliRunner

    from runeframe_nb.results import Check
    from runeframe_tools.cli import app
    from runeframe_tools.mutate import run as mutate_run
    from runeframe_tools.runner.artifacts import RunResult
    from runeframe_tools.runner.execute import NotebookResult

    tried: list[tuple[str | None, list[str]]] = []

    def fake_run(
        self: object, mutant: object, notebooks: list[str], where: Path, **kw: object
    ) -> RunResult:
        tried.append((getattr(mutant, "name", None), notebooks))
        folder = where / str(kw.get("run_id") or "trial")
        folder.mkdir(parents=True, exist_ok=True)
        result = RunResult(folder.name, "local", folder, "2026-01-01T00:00:00Z")
        nb = NotebookResult("01_component_integration", "", str(folder / "01.ipynb"), "completed")
        nb.checks = [Check(area="x", notebook=nb.name, name="the payment moves", status="failed")]
        result.notebooks = [nb]
        result.write()
        return result

    monkeypatch.setattr(mutate_run.Trials, "run", fake_run)
    done = CliRunner().invoke(
        app,
        [
            "mutate",
            "--only",
            "transfer-double-applied",
            "--notebook",
            "0[15]_*",
            "--output",
            str(tmp_path),
            "--notebooks",
            str(NOTEBOOKS),
        ],
    )
    assert done.exit_code == 1
    assert "the proxy itself changes behaviour" in done.output
    assert tried == [(None, ["01_component_integration", "05_end_to_end"])]  # the control alone
    (written,) = tmp_path.glob("*/mutation.json")
    assert MutationRecord.read(written.parent).control.verdict == "failed"
