"""results.json has one model: what the runner writes is what every reader reads, and a
fact or a field that drifts fails here, not in a chart."""

from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat
import pytest

from runeframe_nb.errors import ArchiveError
from runeframe_nb.recorder import publish
from runeframe_nb.results import (
    SCHEMA_VERSION,
    Check,
    Fact,
    HeldOut,
    MutationRecord,
    RunRecord,
    Sighting,
    Trial,
)
from runeframe_tools.runner.artifacts import RunResult
from runeframe_tools.runner.execute import NotebookResult

NOTEBOOKS = Path(__file__).parents[2] / "notebooks"


def a_run(folder: Path) -> RunResult:
    nb = NotebookResult("01_x", "notebooks/01_x.ipynb", str(folder / "01_x.ipynb"))
    nb.status, nb.duration = "completed", 1.5
    nb.checks = [
        Check(area="component", name="ok", status="passed", notebook="01_x", covers=("a",)),
        Check(area="component", name="bad", status="failed", detail="3 != 4", notebook="01_x"),
    ]
    nb.facts = {Fact.LOAD_SUMMARY: {"rps": 10.0}}
    result = RunResult("r1", "local", folder, "2026-11-29T12:00:00Z", notebooks=[nb])
    result.residue = ["user_1"]
    return result


def test_what_the_runner_writes_reads_back_the_same(tmp_path: Path) -> None:
    written = a_run(tmp_path)
    written.write()
    record = RunRecord.read(tmp_path)
    assert record.schema_version == SCHEMA_VERSION
    assert (record.total_tests, record.passed_tests, record.failed_tests) == (3, 1, 2)
    assert record.groups["component"].failed == 1 and record.groups["runner"].failed == 1
    assert record.fact(Fact.LOAD_SUMMARY) == {"rps": 10.0}
    assert [c.error for c in record.test_details][:2] == [None, "3 != 4"]
    again = RunResult.read(tmp_path)
    assert again.record().model_dump(exclude={"test_details"}) == record.model_dump(
        exclude={"test_details"}
    )
    assert [c.name for c in again.notebooks[0].checks] == ["ok", "bad"]


def test_the_file_keeps_the_seeds_suite_shape(tmp_path: Path) -> None:
    a_run(tmp_path).write()
    data = json.loads((tmp_path / "results.json").read_text())
    assert {"total_tests", "passed_tests", "failed_tests", "test_details"} <= set(data)
    assert data["test_details"][1] | {"exchanges": []} == data["test_details"][1]


@pytest.mark.parametrize(
    ("change", "said"),
    [
        ({"facts": {"nb": {"load_sumary": {}}}}, "facts.nb.load_sumary"),
        ({"schema_version": SCHEMA_VERSION + 1}, "upgrade runeframe-nb"),
        ({"total_tests": "many"}, "total_tests"),
        ({"surprise": 1}, "surprise"),
    ],
)
def test_a_file_off_the_model_is_one_readable_error(
    tmp_path: Path, change: dict[str, object], said: str
) -> None:
    a_run(tmp_path).write()
    data = json.loads((tmp_path / "results.json").read_text())
    (tmp_path / "results.json").write_text(json.dumps({**data, **change}))
    with pytest.raises(ArchiveError, match=re.escape(said)):
        RunRecord.read(tmp_path)


def test_a_file_written_before_the_schema_had_a_version_is_read(tmp_path: Path) -> None:
    a_run(tmp_path).write()
    data = json.loads((tmp_path / "results.json").read_text())
    del data["schema_version"]
    (tmp_path / "results.json").write_text(json.dumps(data))
    assert RunRecord.read(tmp_path).run_id == "r1"


def test_publishing_a_name_the_report_does_not_read_is_an_error() -> None:
    with pytest.raises(ValueError, match="'load_sumary' is not a fact the report reads"):
        publish("load_sumary", {})


def test_every_fact_a_notebook_publishes_is_one_the_report_knows() -> None:
    published = {
        match
        for path in NOTEBOOKS.glob("*.ipynb")
        for cell in nbformat.read(path, as_version=4).cells
        for match in re.findall(r'publish\(\s*"(\w+)"', cell.source)
    }
    assert published, "no notebook publishes a fact: the pattern is stale"
    assert published <= {f.value for f in Fact}


def test_a_mutation_record_reads_back_and_another_shape_is_one_readable_error(
    tmp_path: Path,
) -> None:
    trial = Trial(
        name="lost", breaks="a message is lost", service="hoardwell", side="front",
        kind="mutant", verdict="killed", notebooks=["06"],
        caught_by=[Sighting(notebook="06", check="the message arrives", saw=True)],
    )  # fmt: skip
    control = trial.model_copy(update={"name": "control", "kind": "control", "verdict": "passed"})
    record = MutationRecord(
        run_id="m1", score=1.0, killed=1, mutants=1, verdicts={"killed": 1},
        held_out=HeldOut(killed=0, of=0), false_alarms=0, duration=3.0, control=control,
        controls=[], results=[trial], kill_matrix={"06: the message arrives": ["lost"]},
    )  # fmt: skip
    record.write(tmp_path)
    assert MutationRecord.read(tmp_path) == record
    broken = json.loads((tmp_path / "mutation.json").read_text())
    broken["results"][0]["verdict"] = "maybe"
    (tmp_path / "mutation.json").write_text(json.dumps(broken))
    with pytest.raises(ArchiveError, match=r"not a mutation run's results: results\.0\.verdict"):
        MutationRecord.read(tmp_path)
    with pytest.raises(ArchiveError, match="no mutation run at"):
        MutationRecord.read(tmp_path / "elsewhere")
