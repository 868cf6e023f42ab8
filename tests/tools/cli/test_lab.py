"""`runeframe-nb lab`: the profile, folder and port reach JupyterLab's launcher, options
after `--` go to JupyterLab untouched, and JupyterLab's exit code is the command's."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from runeframe_tools import lab as launcher
from runeframe_tools.cli import app


def test_the_options_reach_jupyterlab_and_its_exit_code_comes_back(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    called: list[tuple[Any, ...]] = []

    def run_lab(env: str, notebooks: Path, port: int, console: Any, extra: list[str]) -> int:
        called.append((env, notebooks, port, extra))
        return 3

    monkeypatch.setattr(launcher, "run_lab", run_lab)
    ran = CliRunner().invoke(
        app, ["lab", "--env", "ci", "--notebooks", "nb", "--port", "9999", "--", "--ip=0.0.0.0"]
    )
    assert ran.exit_code == 3
    assert called == [("ci", Path("nb"), 9999, ["--ip=0.0.0.0"])]
