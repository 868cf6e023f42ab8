"""One notebook on a kernel from the pool: the checks and facts it recorded are read
back from its outputs' metadata (and only from there), a notebook whose kernel never
came ends failed or interrupted saying why, and a failed cell is named in one line."""

from __future__ import annotations

from pathlib import Path

import nbformat
from papermill.exceptions import PapermillExecutionError

from runeframe_nb.errors import RunError
from runeframe_nb.recorder import METADATA_KEY
from runeframe_nb.results import Fact
from runeframe_tools.runner.execute import (
    NotebookResult,
    _describe,
    collect_checks,
    collect_facts,
    execute,
)


def output(kept: dict[str, object] | None, text: str = "") -> nbformat.NotebookNode:
    metadata = {METADATA_KEY: kept} if kept is not None else {}
    return nbformat.v4.new_output("display_data", data={"text/plain": text}, metadata=metadata)


def test_checks_and_facts_are_read_from_the_outputs_metadata_alone() -> None:
    check = {"area": "rest", "name": "a user reads back", "status": "failed", "detail": "é ≠ e"}
    cell = nbformat.v4.new_code_cell("rf.check(...)")
    cell.outputs = [
        output({"check": check}),
        output(None, text='{"check": {"name": "printed, not recorded"}}'),
        output({"fact": {"name": "sweep", "value": [{"users": 5, "p50_ms": 2.0}]}}),
    ]
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# intro"), cell])
    (found,) = collect_checks(nb, "02_rest_api")
    assert (found.notebook, found.name, found.passed, found.detail) == (
        "02_rest_api",
        "a user reads back",
        False,
        "é ≠ e",
    )
    assert collect_facts(nb) == {Fact.SWEEP: [{"users": 5, "p50_ms": 2.0}]}


class RefusingPool:
    interrupted = False

    def take(self) -> object:
        raise RunError("kernel did not start in 60 s")

    def release(self, kernel: object) -> None:
        raise AssertionError("nothing was taken")


def test_a_notebook_whose_kernel_never_came_fails_saying_why(tmp_path: Path) -> None:
    result = NotebookResult("01_x", str(tmp_path / "in.ipynb"), str(tmp_path / "out.ipynb"))
    pool = RefusingPool()
    done = execute(result, {}, pool)
    assert (done.status, done.error, done.checks) == ("failed", "kernel did not start in 60 s", [])
    pool.interrupted = True
    again = execute(NotebookResult("01_x", "in", "out"), {}, pool)
    assert again.status == "interrupted"


def test_a_failed_cell_is_named_in_one_line() -> None:
    failed = PapermillExecutionError(3, 7, "1 / 0", "ZeroDivisionError", "division by zero", [])
    assert _describe(failed) == "cell 7: ZeroDivisionError: division by zero"
    assert _describe(TimeoutError()) == "TimeoutError"
