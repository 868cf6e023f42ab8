"""Archived runs: outputs/<run-id>/ folders with results.json, listed, read and pruned."""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import ArchiveError


@dataclass(frozen=True)
class Run:
    folder: Path
    results: dict[str, Any]

    @property
    def run_id(self) -> str:
        return str(self.results.get("run_id", self.folder.name))

    @property
    def status(self) -> str:
        return str(self.results.get("status", "unknown"))

    @property
    def facts(self) -> dict[str, dict[str, Any]]:
        facts: dict[str, dict[str, Any]] = self.results.get("facts", {})
        return facts

    def fact(self, name: str) -> Any:
        """The first value any notebook of the run published under `name`, or None."""
        return next((kept[name] for kept in self.facts.values() if name in kept), None)

    def latencies(self) -> Iterator[tuple[str, str, list[float]]]:
        """(notebook, endpoint, latencies in ms) for every endpoint a notebook kept samples of
        (`rf.checks()` publishes them as `latency_ms`)."""
        for notebook, kept in self.facts.items():
            for endpoint, samples in (kept.get("latency_ms") or {}).items():
                yield notebook, endpoint, samples

    def checks(self) -> dict[tuple[str, str], dict[str, Any]]:
        """Each check by (notebook, name)."""
        return {(t.get("notebook", ""), t["name"]): t for t in self.results["test_details"]}

    def summary(self) -> dict[str, Any]:
        r = self.results
        return {
            "run": self.run_id,
            "profile": r.get("profile", ""),
            "status": self.status,
            "started": r.get("started_at", ""),
            "duration_s": r.get("duration", 0.0),
            "notebooks": len(r.get("notebooks", [])),
            "checks": r.get("total_tests", 0),
            "passed": r.get("passed_tests", 0),
            "failed": r.get("failed_tests", 0),
        }


def open_run(reference: str | Path, output: Path = Path("outputs")) -> Run:
    """A run by its folder (a path, as given) or by its id (a folder of `output`)."""
    given = Path(reference)
    folder = given if given.is_dir() or len(given.parts) > 1 else output / given
    path = folder / "results.json"
    try:
        return Run(folder, json.loads(path.read_text()))
    except FileNotFoundError:
        raise ArchiveError(f"no archived run at {folder} (no results.json)") from None
    except (OSError, ValueError) as exc:
        raise ArchiveError(f"{path} is not readable: {exc}") from None


def history(output: Path = Path("outputs")) -> list[Run]:
    """Every readable run under `output`, oldest first."""
    runs = []
    for results in sorted(output.glob("*/results.json")):
        try:
            runs.append(Run(results.parent, json.loads(results.read_text())))
        except (OSError, ValueError):
            continue  # a run still being written, or a damaged one: not history
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
