"""Shards joined by `merge`: three shards of a run, merged, are the run unsplit."""

from __future__ import annotations

import json
from pathlib import Path

from runeframe_tools.runner import RunOptions, run
from runeframe_tools.runner.merge import merge

NOTEBOOKS = Path(__file__).parents[1] / "notebooks"
# a notebook for each of three shards, and the summary, which runs after them all
SUITE = ["fails_check", "charts", "fails_with_exchanges", "summary"]


def test_a_run_split_over_three_shards_and_merged_equals_the_run_unsplit(
    tmp_path: Path, params_dir: Path
) -> None:
    def options(**given: object) -> RunOptions:
        return RunOptions(
            profile="remote", only=SUITE, jobs=2, notebooks=NOTEBOOKS, output=tmp_path, **given
        )

    whole = json.loads((run(options()).folder / "results.json").read_text())
    shards = [run(options(shard=(k, 3))) for k in (1, 2, 3)]
    assert all("summary" not in [nb.name for nb in s.notebooks] for s in shards)
    merged = merge([str(s.folder) for s in shards], options(), _quiet())
    joined = json.loads((merged.folder / "results.json").read_text())
    for key in ("total_tests", "passed_tests", "failed_tests", "groups"):
        assert joined[key] == whole[key], key
    assert sorted(nb["name"] for nb in joined["notebooks"]) == sorted(SUITE)
    for fact in ("quality_metrics", "api_coverage"):
        assert joined["facts"]["summary"][fact] == whole["facts"]["summary"][fact], fact
    assert (merged.folder / "report.html").exists() and (merged.folder / "junit.xml").exists()
    assert (merged.folder / "fails_with_exchanges.har").exists()


def _quiet():  # type: ignore[no-untyped-def]
    from rich.console import Console

    return Console(quiet=True)
