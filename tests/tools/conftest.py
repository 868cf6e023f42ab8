"""Tools fixtures: a params folder whose `remote` profile points at the session's stack,
the tiny notebooks the runner's tests run on it, and the command line run in this
process."""

from __future__ import annotations

import faulthandler
import signal
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from runeframe_nb.results import Fact, RunRecord
from runeframe_tools.cli import main
from runeframe_tools.report import open_run
from runeframe_tools.report.archive import Run
from runeframe_tools.runner import RunOptions, run

TINY_NOTEBOOKS = Path(__file__).parent / "notebooks"


def remote_params(
    folder: Path, urls: dict[str, str], admin_token: str, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """`folder`/params, holding a `remote` profile of the session's stack, made the params
    folder the runner reads (undone with `monkeypatch`)."""
    params = folder / "params"
    params.mkdir()
    monkeypatch.setenv("RUNEFRAME_TEST_TOKEN", admin_token)
    remote = {"stack": "remote", "urls": urls, "token_env": "RUNEFRAME_TEST_TOKEN", "seed": 7}
    (params / "remote.yaml").write_text(yaml.safe_dump(remote))
    monkeypatch.setenv("RUNEFRAME_PARAMS", str(params))
    return params


@pytest.fixture
def params_dir(
    tmp_path: Path, urls: dict[str, str], admin_token: str, monkeypatch: pytest.MonkeyPatch
) -> Path:
    return remote_params(tmp_path, urls, admin_token, monkeypatch)


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

    def arguments(self, output: Path, *arguments: str) -> list[str]:
        """The runeframe-nb command's arguments on the tiny notebooks, archiving into
        `output`."""
        return [*arguments, "--notebooks", str(self.folder), "--output", str(output)]

    def command(self, output: Path, *arguments: str) -> list[str]:
        """The runeframe-nb command as a process of its own (see `arguments`)."""
        return [sys.executable, "-m", "runeframe_tools", *self.arguments(output, *arguments)]


@pytest.fixture
def tiny(tmp_path: Path) -> Tiny:
    return Tiny(tmp_path / "outputs")


@dataclass
class Done:
    """What a command said and how it ended, as `subprocess.run` tells it."""

    returncode: int
    stdout: str
    stderr: str


Command = Callable[..., Done]


@pytest.fixture
def command(capfd: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Command:
    """`runeframe-nb ARGUMENTS` run by its console script's `main` in this process, which
    has imported the tools already. tests/tools/cli/test_cli.py runs it as a process of
    its own, once per kind of bad input."""

    def run(*arguments: str) -> Done:
        capfd.readouterr()
        monkeypatch.setattr(sys, "argv", ["runeframe-nb", *arguments])
        try:
            main()
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else int(exc.code is not None)
        else:
            code = 0
        finally:
            faulthandler.unregister(signal.SIGUSR1)  # main's, onto a capture about to close
        said = capfd.readouterr()
        return Done(code, said.out, said.err)

    return run


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
