"""Which notebooks a run takes: a shard of them, or those that failed last time.

`--shard K/N` splits the notebooks into N stable shares balanced by how long each took in
the newest archived run that has them (by count when there is none): the longest first,
each to the share that has least so far. Every shard must see the same archive, or none,
to split alike. Notebooks marked `after_all` are left to `runeframe-nb merge`, which
runs them over the shards' results.

`--last-failed [RUN]` takes the notebooks that did not pass in the newest (or the given)
archived run: those that stopped, and those with a failed check.
"""

from __future__ import annotations

import re
from pathlib import Path

from runeframe_nb.errors import RunError

from .. import NEWEST
from .artifacts import RunResult


def parse_shard(text: str) -> tuple[int, int]:
    found = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+)\s*", text)
    if not found or not 1 <= int(found.group(1)) <= int(found.group(2)):
        raise RunError(f"--shard {text!r} is not K/N with 1 <= K <= N (say 2/3)")
    return int(found.group(1)), int(found.group(2))


def _archived(output: Path) -> list[Path]:
    """Archived runs under `output`, newest first (run ids sort by time)."""
    return sorted((p.parent for p in output.glob("*/results.json")), reverse=True)


def durations(output: Path, names: list[str]) -> dict[str, float]:
    """How long each of `names` ran in the newest archived run that has them all."""
    for folder in _archived(output):
        try:
            notebooks = RunResult.read(folder).notebooks
        except (OSError, ValueError, KeyError):
            continue
        took = {nb.name: nb.duration for nb in notebooks if nb.status == "completed"}
        if set(names) <= set(took):
            return {name: took[name] for name in names}
    return {}


def shard_of(names: list[str], shard: tuple[int, int], took: dict[str, float]) -> list[str]:
    """The names of shard K of N, in their given order."""
    k, n = shard
    weight = {name: took.get(name, 1.0) for name in names}
    loads = [0.0] * n
    owner: dict[str, int] = {}
    for name in sorted(names, key=lambda name: (-weight[name], name)):
        lightest = min(range(n), key=lambda i: (loads[i], i))
        owner[name] = lightest
        loads[lightest] += weight[name]
    return [name for name in names if owner[name] == k - 1]


def failed_notebooks(output: Path, reference: str = NEWEST) -> tuple[str, list[str]]:
    """The run meant (its id) and the notebooks that did not pass in it."""
    from ..report.archive import open_run

    if reference == NEWEST:
        runs = _archived(output)
        if not runs:
            raise RunError(f"no archived run in {output} to take the failed notebooks from")
        folder = runs[0]
    else:
        folder = open_run(reference, output).folder
    result = RunResult.read(folder)
    failed = [nb.name for nb in result.notebooks if nb.status != "completed" or nb.failed_checks]
    return result.run_id, failed
