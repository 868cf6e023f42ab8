"""The kit alone, as a team installs it to test its deployment: its wheel in a fresh
virtual environment, without the reference services, writes the notebooks into an empty
folder and runs one there against a stack started apart."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).parents[2]
pytestmark = [pytest.mark.whole_suite, pytest.mark.timeout(900)]


def test_the_kit_without_the_stack_runs_a_notebook_against_a_deployment(
    tmp_path: Path, urls: dict[str, str], admin_token: str
) -> None:
    def run(*command: str | Path, **options: object) -> str:
        done = subprocess.run(
            [str(c) for c in command], capture_output=True, text=True, timeout=600, **options
        )  # type: ignore[call-overload]
        assert done.returncode == 0, f"{command}: {done.stdout[-2000:]}{done.stderr[-2000:]}"
        return str(done.stdout)

    run(sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", tmp_path / "wheel", ROOT)
    [wheel] = (tmp_path / "wheel").glob("*.whl")
    run(sys.executable, "-m", "venv", tmp_path / "venv")
    bin_dir = tmp_path / "venv" / "bin"
    run(bin_dir / "pip", "install", "-q", wheel)
    installed = run(bin_dir / "python", "-m", "pip", "list", "--format=freeze")
    assert "starlette" not in installed and "uvicorn" not in installed  # no server in it
    theirs = tmp_path / "theirs"
    run(bin_dir / "runeframe-nb", "init", theirs)
    staging = yaml.safe_load((theirs / "params" / "staging.yaml").read_text())
    (theirs / "params" / "staging.yaml").write_text(yaml.safe_dump({**staging, "urls": urls}))
    environ = {"PATH": f"{bin_dir}:/usr/bin:/bin", "RUNEFRAME_STAGING_TOKEN": admin_token}
    command = [bin_dir / "runeframe-nb", "run", "--env", "staging", "--only", "02_rest_api"]
    run(*command, cwd=theirs, env=environ)
