"""The papermill runner behind `runeframe-nb run`.

Names are imported when first used, so a command that only needs a constant from a
submodule (`runner.select`) does not load papermill, nbformat and their schemas.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .execute import NotebookResult, collect_checks
    from .results import RunResult
    from .run import RunOptions, parse_parameters, run

_WHERE = {
    "NotebookResult": ".execute",
    "collect_checks": ".execute",
    "RunResult": ".results",
    "RunOptions": ".run",
    "parse_parameters": ".run",
    "run": ".run",
}


def __getattr__(name: str) -> Any:
    where = _WHERE.get(name)
    if where is None:
        raise AttributeError(f"module 'runeframe_nb.runner' has no attribute {name!r}")
    value = getattr(importlib.import_module(where, __name__), name)
    globals()[name] = value
    return value


__all__ = ["NotebookResult", "RunOptions", "RunResult", "collect_checks", "parse_parameters", "run"]
