"""`runeframe-nb init DIR`: a team's repository gets the notebooks, profiles and a CI
workflow, and runs the suite there."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from runeframe_nb.errors import KitError
from runeframe_tools.scaffold import init


def test_an_empty_folder_gets_the_notebooks_profiles_and_a_workflow(tmp_path: Path) -> None:
    written = init(tmp_path / "theirs")
    names = {p.relative_to(tmp_path / "theirs").as_posix() for p in written}
    assert {"notebooks/02_rest_api.ipynb", "params/staging.yaml", ".gitignore"} <= names
    shipped = {
        f"notebooks/{p.name}" for p in (Path(__file__).parents[2] / "notebooks").glob("*.ipynb")
    }
    assert {n for n in names if n.endswith(".ipynb")} == shipped
    workflow = tmp_path / "theirs" / ".github" / "workflows" / "runeframe-notebooks.yml"
    schema = ["--builtin-schema", "vendor.github-workflows"]
    done = subprocess.run(
        [sys.executable, "-m", "check_jsonschema", *schema, str(workflow)],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "runeframe-nb run --env staging" in workflow.read_text()


def test_a_file_that_is_there_is_kept_unless_forced(tmp_path: Path) -> None:
    init(tmp_path)
    (tmp_path / "params" / "staging.yaml").write_text("theirs")
    with pytest.raises(KitError, match=r"01_component_integration\.ipynb exists already: give"):
        init(tmp_path)
    assert (tmp_path / "params" / "staging.yaml").read_text() == "theirs"
    init(tmp_path, force=True)
    assert "stack: remote" in (tmp_path / "params" / "staging.yaml").read_text()
    assert (tmp_path / ".gitignore").read_text().splitlines().count("outputs/") == 1


def test_the_suite_runs_in_the_folder_it_was_written_to(
    tmp_path: Path, urls: dict[str, str], admin_token: str
) -> None:
    """The notebooks find the folder's own params/, against a deployment its profile
    names (the session's stack)."""
    theirs = tmp_path / "theirs"
    command = [sys.executable, "-m", "runeframe_tools"]
    subprocess.run([*command, "init", str(theirs)], check=True, capture_output=True)
    staging = yaml.safe_load((theirs / "params" / "staging.yaml").read_text())
    staging["urls"] = urls
    (theirs / "params" / "staging.yaml").write_text(yaml.safe_dump(staging))
    environ = {k: v for k, v in os.environ.items() if k != "RUNEFRAME_PARAMS"}
    done = subprocess.run(
        [*command, "run", "--env", "staging", "--only", "07_test_data"],
        cwd=theirs,
        env={**environ, "RUNEFRAME_STAGING_TOKEN": admin_token},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert (theirs / "outputs").is_dir()
