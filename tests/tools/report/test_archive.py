"""The archive: runs found by folder or id, history and pruning."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from runeframe_tools.report import history, open_run, prune

if TYPE_CHECKING:
    from conftest import Command, Tiny


def test_history_lists_runs_and_prunes_by_count(
    tmp_path: Path, params_dir: Path, tiny: Tiny
) -> None:
    for _ in range(3):
        tiny.run("passes")
    output = tmp_path / "outputs"
    runs = history(output)
    assert len(runs) == 3 and all(r.status == "passed" for r in runs)
    removed = prune(output, keep=1)
    assert removed == [r.run_id for r in runs[:2]]
    assert [r.run_id for r in history(output)] == [runs[2].run_id]


def test_a_run_is_found_by_its_folder_or_by_its_id(
    tmp_path: Path,
    params_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    tiny: Tiny,
    command: Command,
) -> None:
    folder = tiny.run("passes")
    monkeypatch.chdir(tmp_path)
    relative = Path("outputs") / folder.name
    assert open_run(relative).folder == relative  # a path means that path
    assert open_run(folder.name, tmp_path / "outputs").folder == folder  # an id, under output
    missing = command("report", "outputs/nope")
    assert missing.stderr.strip() == (
        "runeframe-nb: error: no archived run at outputs/nope (no results.json)"
    )
