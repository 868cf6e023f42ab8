"""A mutation run: the notebooks a mutant can be seen by, the score, kills only where a
failed check saw the mutant, the kill matrix, a sample run end to end and a failed
control that stops it."""

from __future__ import annotations

from pathlib import Path

import pytest

from runeframe_nb.results import MutationRecord, Sighting, Trial
from runeframe_tools.mutate import find
from runeframe_tools.mutate.mutants import Mutant
from runeframe_tools.mutate.run import MutateOptions, Mutation, mutate, selected

NOTEBOOKS = Path(__file__).parents[3] / "notebooks"


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
