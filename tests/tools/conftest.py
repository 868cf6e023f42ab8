"""Tools fixtures: a params folder whose `remote` profile points at the session's stack, and
the tiny notebooks the runner's tests run on it."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from runeframe_nb.results import Fact, RunRecord
from runeframe_tools.report import open_run
from runeframe_tools.report.archive import Run
from runeframe_tools.runner import RunOptions, run

TINY_NOTEBOOKS = Path(__file__).parent / "notebooks"


@pytest.fixture
def params_dir(
    tmp_path: Path, urls: dict[str, str], admin_token: str, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Path]:
    folder = tmp_path / "params"
    folder.mkdir()
    monkeypatch.setenv("RUNEFRAME_TEST_TOKEN", admin_token)
    remote = {"stack": "remote", "urls": urls, "token_env": "RUNEFRAME_TEST_TOKEN", "seed": 7}
    (folder / "remote.yaml").write_text(yaml.safe_dump(remote))
    monkeypatch.setenv("RUNEFRAME_PARAMS", str(folder))
    yield folder


@dataclass
class Tiny:
    """The tiny notebooks (tests/tools/notebooks) on the `remote` profile: run by the runner
    into `output`, or by the command line."""

    output: Path
    folder: Path = TINY_NOTEBOOKS

    def run(self, *only: str, **parameters: object) -> Path:
        """Run the notebooks named in `only`; the run's archive folder."""
        options = RunOptions(
            profile="remote",
            only=list(only),
            jobs=2,
            notebooks=self.folder,
            output=self.output,
            parameters=dict(parameters),
        )
        return run(options).folder

    def command(self, output: Path, *arguments: str) -> list[str]:
        """The runeframe-nb command on the tiny notebooks, archiving into `output`."""
        return [
            sys.executable,
            "-m",
            "runeframe_tools",
            *arguments,
            "--notebooks",
            str(self.folder),
            "--output",
            str(output),
        ]


@pytest.fixture
def tiny(tmp_path: Path) -> Tiny:
    return Tiny(tmp_path / "outputs")


def archived(
    folder: Path, facts: dict[str, dict[Fact, Any]], profile: str = "local", **record: Any
) -> Run:
    """A run archived in `folder` (its name the run's id) holding only `facts`, and the
    record's other fields as given (no checks, unless told)."""
    folder.mkdir(parents=True)
    fields = {"status": "passed", "started_at": "2026-11-29T12:00:00Z", "total_tests": 0}
    fields |= {"passed_tests": 0, "failed_tests": 0} | record
    RunRecord(run_id=folder.name, profile=profile, facts=facts, **fields).write(folder)
    return open_run(folder)
