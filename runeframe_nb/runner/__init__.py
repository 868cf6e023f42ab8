"""The papermill runner behind `runeframe-nb run`.

Names are imported when first used, so a command that only needs a constant from a
submodule (`runner.select`) does not load papermill, nbformat and their schemas.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import lazy_names

if TYPE_CHECKING:
    from .artifacts import RunResult
    from .execute import NotebookResult, collect_checks
    from .suite import RunOptions, parse_parameters, run

_WHERE = {
    "NotebookResult": ".execute",
    "collect_checks": ".execute",
    "RunResult": ".artifacts",
    "RunOptions": ".suite",
    "parse_parameters": ".suite",
    "run": ".suite",
}


__getattr__ = lazy_names(__name__, _WHERE)

__all__ = ["NotebookResult", "RunOptions", "RunResult", "collect_checks", "parse_parameters", "run"]
