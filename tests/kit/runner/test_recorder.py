"""The recorder: checks are kept with status, detail and duration, and read back by the runner."""

from __future__ import annotations

import nbformat

from runeframe_nb.recorder import METADATA_KEY, Recorder
from runeframe_nb.results import Check
from runeframe_nb.runner import collect_checks


def test_a_check_records_its_verdict_and_detail() -> None:
    recorder = Recorder(area="demo")
    recorder.check("holds", 1 == 1)
    recorder.check("breaks", [], "empty list")
    assert [(c.name, c.status, c.detail) for c in recorder.checks] == [
        ("holds", "passed", ""),
        ("breaks", "failed", "empty list"),
    ]
    assert all(c.area == "demo" and c.duration >= 0 for c in recorder.checks)
    assert recorder.summary() == "demo: 2 checks, 1 failed"


def test_the_table_shows_status_name_and_detail() -> None:
    recorder = Recorder(area="demo")
    recorder.check("holds", True, "fine")
    table = recorder.table()
    assert list(table.columns) == ["status", "check", "detail"]
    assert table.iloc[0].tolist() == ["✔ passed", "holds", "fine"]


def test_the_runner_reads_checks_from_output_metadata() -> None:
    record = {"area": "a", "name": "n", "status": "failed", "detail": "d", "duration": 0.1}
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("check(...)")
    cell.outputs = [
        nbformat.v4.new_output(
            "display_data", data={"text/plain": "✘ n"}, metadata={METADATA_KEY: {"check": record}}
        ),
        nbformat.v4.new_output("stream", name="stdout", text="noise"),
    ]
    nb.cells = [cell]
    assert collect_checks(nb, "nb1") == [Check(**record, notebook="nb1")]
