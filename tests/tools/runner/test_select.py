"""Which notebooks a run takes: shards that are stable, balanced and cover every notebook
once, and `--last-failed`, which re-runs exactly the ones that failed."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from runeframe_tools.runner.artifacts import RunResult
from runeframe_tools.runner.select import shard_of

if TYPE_CHECKING:
    from conftest import Command, Tiny


def test_shards_are_stable_balanced_and_cover_every_notebook_once() -> None:
    names = ["a", "b", "c", "d", "e"]
    took = {"a": 30.0, "b": 10.0, "c": 10.0, "d": 5.0, "e": 5.0}
    shares = [shard_of(names, (k, 3), took) for k in (1, 2, 3)]
    assert sorted(n for share in shares for n in share) == names
    assert shares == [["a"], ["b", "d"], ["c", "e"]]  # the longest alone, the rest even
    by_count = [shard_of(names, (k, 2), {}) for k in (1, 2)]
    assert sorted(map(len, by_count)) == [2, 3]


def test_last_failed_reruns_exactly_the_notebooks_that_failed(
    tmp_path: Path,
    params_dir: Path,
    tiny: Tiny,
    command: Command,
) -> None:
    first = command(
        *tiny.arguments(
            tmp_path, "run", "--env", "remote", "--only", "passes", "--only", "fails_check"
        )
    )
    assert first.returncode == 1
    again = command(*tiny.arguments(tmp_path, "run", "--env", "remote", "--last-failed"))
    assert "re-running what failed in" in again.stdout and again.returncode == 1
    newest = sorted(p.parent for p in tmp_path.glob("*/results.json"))[-1]
    assert [nb.name for nb in RunResult.read(newest).notebooks] == ["fails_check"]
    passed = sorted(p.parent for p in tmp_path.glob("*/results.json"))[0]
    done = command(
        *tiny.arguments(
            tmp_path, "run", "--env", "remote", "--last-failed", passed.name, "--jobs", "1"
        )
    )
    assert done.returncode == 1  # the first run's failure, named by its id
