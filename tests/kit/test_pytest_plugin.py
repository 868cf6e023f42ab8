"""The kit's pytest plugin in a repository of a team's own: the seed's tests, copied as
they are, run against a profile named on the command line."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import runeframe_nb as rf

SEED = Path(__file__).parents[1] / "seed"


def test_the_seeds_tests_run_unchanged_through_the_plugin(
    tmp_path: Path, params_dir: Path, environment: rf.Environment
) -> None:
    """No conftest of ours: every fixture is the plugin's, on the `remote` profile (the
    session's stack, whose fixture users `environment` made)."""
    shutil.copy(SEED / "test_workflows.py", tmp_path / "test_workflows.py")
    (tmp_path / "pytest.ini").write_text(
        "[pytest]\nasyncio_mode = auto\npython_classes = Test*\n"
        "asyncio_default_fixture_loop_scope = session\n"
        "asyncio_default_test_loop_scope = session\n"
    )
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
    done = subprocess.run(
        [*command, "--runeframe-env", "remote", "test_workflows.py"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert done.returncode == 0, done.stdout[-3000:]
    assert "4 passed" in done.stdout
