"""What a run leaves for people: report.html, the diff between two runs, the history."""

from __future__ import annotations

from runeframe_nb.errors import ArchiveError

from .archive import Run, history, open_run, prune
from .diff import diff_runs
from .html import render

__all__ = ["ArchiveError", "Run", "diff_runs", "history", "open_run", "prune", "render"]
