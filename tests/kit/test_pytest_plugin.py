"""The kit's pytest plugin in a repository of a team's own: the seed's tests, copied as
they are, run against a profile named on the command line."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

import runeframe_nb as rf

SEED = Path(__file__).parents[1] / "seed"


def test_the_seeds_tests_run_unchanged_through_the_plugin(
    tmp_path: Path, own_environment: rf.Environment, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No conftest of ours: every fixture is the plugin's, on a profile of a stack of the
    test's own (the seed's tests register fixed e-mail addresses, as tests/seed does on the
    session's stack), whose fixture users the plugin makes."""
    monkeypatch.setenv("OWN_TOKEN", own_environment.token)
    profile = {"stack": "remote", "urls": own_environment.urls, "token_env": "OWN_TOKEN"}
    (tmp_path / "own.yaml").write_text(yaml.safe_dump(profile))
    shutil.copy(SEED / "test_workflows.py", tmp_path / "test_workflows.py")
    (tmp_path / "pytest.ini").write_text(
        "[pytest]\nasyncio_mode = auto\npython_classes = Test*\n"
        "asyncio_default_fixture_loop_scope = session\n"
        "asyncio_default_test_loop_scope = session\n"
    )
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
    done = subprocess.run(
        [*command, "--runeframe-env", str(tmp_path / "own.yaml"), "test_workflows.py"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert done.returncode == 0, done.stdout[-3000:]
    assert "4 passed" in done.stdout
