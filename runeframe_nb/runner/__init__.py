"""The papermill runner behind `runeframe-nb run`."""

from .execute import NotebookResult, collect_checks
from .results import RunResult
from .run import RunOptions, parse_parameters, run

__all__ = ["NotebookResult", "RunOptions", "RunResult", "collect_checks", "parse_parameters", "run"]
