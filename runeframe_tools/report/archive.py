"""Archived runs: outputs/<run-id>/ folders with results.json, listed, read and pruned."""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from runeframe_nb.errors import ArchiveError
from runeframe_nb.results import RESULTS_FILE, Check, Fact, RunRecord


@dataclass(frozen=True)
class Run:
    folder: Path
    record: RunRecord

    @property
    def run_id(self) -> str:
        return self.record.run_id

    @property
    def status(self) -> str:
        return self.record.status

    @property
    def facts(self) -> dict[str, dict[Fact, Any]]:
        return self.record.facts

    def fact(self, name: Fact) -> Any:
        """The first value any notebook of the run published under `name`, or None."""
        return self.record.fact(name)

    def latencies(self) -> Iterator[tuple[str, str, list[float]]]:
        """(notebook, endpoint, latencies in ms) for every endpoint a notebook kept samples of
        (`rf.checks()` publishes them as `latency_ms`)."""
        for notebook, kept in self.facts.items():
            for endpoint, samples in (kept.get(Fact.LATENCY_MS) or {}).items():
                yield notebook, endpoint, samples

    def checks(self) -> dict[tuple[str, str], Check]:
        """Each check by (notebook, name)."""
        return {(t.notebook, t.name): t for t in self.record.test_details}

    def summary(self) -> dict[str, Any]:
        r = self.record
        return {
            "run": self.run_id,
            "profile": r.profile,
            "status": self.status,
            "started": r.started_at,
            "duration_s": r.duration,
            "notebooks": len(r.notebooks),
            "checks": r.total_tests,
            "passed": r.passed_tests,
            "failed": r.failed_tests,
        }


def open_run(reference: str | Path, output: Path = Path("outputs")) -> Run:
    """A run by its folder (a path, as given) or by its id (a folder of `output`)."""
    given = Path(reference)
    folder = given if given.is_dir() or len(given.parts) > 1 else output / given
    return Run(folder, RunRecord.read(folder))


def history(output: Path = Path("outputs")) -> list[Run]:
    """Every readable run under `output`, oldest first."""
    runs = []
    for results in sorted(output.glob(f"*/{RESULTS_FILE}")):
        try:
            runs.append(Run(results.parent, RunRecord.read(results.parent)))
        except ArchiveError:
            continue  # a run still being written, a damaged or a newer one: not history
    return runs


def prune(
    output: Path = Path("outputs"), keep: int | None = None, older_than_days: float | None = None
) -> list[str]:
    """Delete runs beyond the newest `keep`, or older than `older_than_days`; their ids."""
    runs = history(output)
    doomed = runs[: max(len(runs) - keep, 0)] if keep is not None else []
    if older_than_days is not None:
        cutoff = time.time() - older_than_days * 86400
        doomed += [r for r in runs if r not in doomed and r.folder.stat().st_mtime < cutoff]
    for run in doomed:
        shutil.rmtree(run.folder)
    return [r.run_id for r in doomed]
