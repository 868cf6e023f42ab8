"""JupyterLab with a profile: its environment handed over, JupyterLab found beside the
kit's interpreter."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from rich.console import Console

from runeframe_tools.lab import run_lab

if TYPE_CHECKING:
    pass


def test_lab_hands_the_profile_environment_to_jupyter(
    tmp_path: Path,
    params_dir: Path,
    urls: dict[str, str],
    admin_token: str,
    capfd: pytest.CaptureFixture[str],
) -> None:
    show = "import os; print(os.environ['TEST_API_URL'], os.environ['TEST_TOKEN'])"
    code = run_lab("remote", Path("notebooks"), 0, Console(), command=[sys.executable, "-c", show])
    assert code == 0
    assert capfd.readouterr().out.splitlines()[-1] == f"{urls['api']} {admin_token}"


def test_lab_finds_jupyterlab_beside_the_kits_interpreter(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Run as .venv/bin/runeframe-nb without the venv activated, JupyterLab is still found;
    as root (a container) it is allowed to run; options after -- reach it."""
    from runeframe_tools import lab

    bin_dir = tmp_path / "venv" / "bin"
    bin_dir.mkdir(parents=True)
    (bin_dir / "jupyter-lab").write_text("#!/bin/sh\n")
    monkeypatch.setattr(lab.sys, "executable", str(bin_dir / "python"))
    monkeypatch.setenv("PATH", "/nonexistent")
    command = lab.lab_command(Path("notebooks"), 8888, ["--ip=0.0.0.0"], root=True)
    assert command[0] == str(bin_dir / "jupyter-lab")
    assert command[-2:] == ["--allow-root", "--ip=0.0.0.0"]
    assert "--allow-root" not in lab.lab_command(Path("notebooks"), 8888, root=False)
    theirs = lab.lab_command(Path("notebooks"), 8888, ["--port", "9999"], root=False)
    assert theirs[1:] == ["--no-browser", "--notebook-dir=notebooks", "--port", "9999"]
    theirs = lab.lab_command(Path("notebooks"), 8888, ["--port=9999", "--notebook-dir=x"])
    assert [o for o in theirs if o.startswith(("--port", "--notebook-dir"))] == [
        "--port=9999",
        "--notebook-dir=x",
    ]
