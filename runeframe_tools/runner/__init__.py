"""The papermill runner behind `runeframe-nb run`."""

from __future__ import annotations

from .artifacts import RunResult
from .execute import NotebookResult, collect_checks
from .suite import RunOptions, parse_parameters, run

__all__ = ["NotebookResult", "RunOptions", "RunResult", "collect_checks", "parse_parameters", "run"]
