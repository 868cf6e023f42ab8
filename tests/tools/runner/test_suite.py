"""A run of the suite: notebooks archived with their results, parameters injected and read
as YAML, failures archived, notebooks named run in their order."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import nbformat
import pytest
from junitparser import Error, Failure, JUnitXml

from runeframe_nb.errors import RunError
from runeframe_tools.runner import parse_parameters

if TYPE_CHECKING:
    from conftest import Tiny


NOTEBOOKS = Path(__file__).parents[1] / "notebooks"


def test_a_passing_run_archives_the_notebook_and_its_results(
    tmp_path: Path,
    params_dir: Path,
    tiny: Tiny,
) -> None:
    folder = tiny.run("passes")
    results = json.loads((folder / "results.json").read_text())
    assert results["status"] == "passed"
    assert (results["total_tests"], results["passed_tests"], results["failed_tests"]) == (1, 1, 0)
    detail = results["test_details"][0]
    assert (detail["area"], detail["notebook"], detail["name"]) == (
        "tiny",
        "passes",
        "one plus one is the answer",
    )
    assert detail["duration"] >= 0
    assert (folder / "passes.ipynb").exists()


def test_parameters_are_injected(tmp_path: Path, params_dir: Path, tiny: Tiny) -> None:
    folder = tiny.run("passes", answer=3)
    results = json.loads((folder / "results.json").read_text())
    assert results["status"] == "failed"
    assert results["test_details"][0]["detail"] == "answer 3"
    executed = nbformat.read(folder / "passes.ipynb", as_version=4)
    injected = [c for c in executed.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert "answer = 3" in injected[0].source
    assert 'profile = "remote"' in injected[0].source


def test_failures_are_archived_and_reported(tmp_path: Path, params_dir: Path, tiny: Tiny) -> None:
    folder = tiny.run("fails_check", "raises")
    results = json.loads((folder / "results.json").read_text())
    assert results["status"] == "failed"
    by_name = {nb["name"]: nb for nb in results["notebooks"]}
    assert by_name["raises"]["status"] == "failed"
    assert "ValueError: boom" in by_name["raises"]["error"]
    assert by_name["fails_check"]["status"] == "completed"
    failed = {
        (t["notebook"], t["name"]) for t in results["test_details"] if t["status"] == "failed"
    }
    assert failed == {("fails_check", "this check is broken"), ("raises", "raises runs to the end")}
    raised = nbformat.read(folder / "raises.ipynb", as_version=4)
    assert any(o.output_type == "error" for c in raised.cells for o in c.get("outputs", []))

    suites = {suite.name: suite for suite in JUnitXml.fromfile(str(folder / "junit.xml"))}
    broken = {case.name: case for case in suites["fails_check"]}["this check is broken"]
    assert isinstance(broken.result[0], Failure)
    assert broken.result[0].message == "1 + 1 is 2, not 3"
    runner_case = {case.name: case for case in suites["raises"]}["raises runs to the end"]
    assert isinstance(runner_case.result[0], Error)


def test_parameters_are_read_as_yaml_values() -> None:
    assert parse_parameters(["n=3", "ratio=0.5", "names=[a, b]", "text=hello", "flag=true"]) == {
        "n": 3,
        "ratio": 0.5,
        "names": ["a", "b"],
        "text": "hello",
        "flag": True,
    }
    with pytest.raises(RunError):
        parse_parameters(["1x=3"])


def test_notebooks_named_exactly_run_in_the_order_named() -> None:
    from runeframe_tools.runner.suite import discover

    assert [p.stem for p in discover(NOTEBOOKS, ["raises", "passes"])] == ["raises", "passes"]
    assert [p.stem for p in discover(NOTEBOOKS, ["r*", "pa*"])] == ["passes", "raises"]
