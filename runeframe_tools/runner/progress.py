"""Live progress of a run: each notebook's state, cells done, the step its running cell
reports (`rf.steps`), elapsed time and checks.

On a terminal the table redraws in place (rich); in CI, where output is a log, each
notebook prints one line when it finishes, and a line for a step at most every
`STEP_EVERY` seconds, so a long cell shows it is moving without flooding the log.
"""

from __future__ import annotations

import threading
import time
from types import TracebackType

from rich.console import Console
from rich.live import Live
from rich.table import Table

from .execute import NotebookResult

STEP_EVERY = 5.0

_STYLE = {
    "queued": "dim",
    "running": "cyan",
    "completed": "green",
    "failed": "red",
    "interrupted": "yellow",
    "skipped": "dim",
}


def verdict(nb: NotebookResult) -> str:
    if nb.status == "completed" and nb.failed_checks:
        return "failed checks"
    return {"completed": "passed"}.get(nb.status, nb.status)


class Progress:
    def __init__(self, notebooks: list[NotebookResult], console: Console | None = None) -> None:
        self.notebooks = notebooks
        self.console = console or Console()
        self._started: dict[str, float] = {}
        self._steps: dict[str, str] = {}  # notebook: the step its running cell reports
        self._told: dict[str, float] = {}  # notebook: when a step was last printed
        self._lock = threading.Lock()
        self._live: Live | None = None

    def __enter__(self) -> Progress:
        if self.console.is_terminal:
            self._live = Live(self, console=self.console, refresh_per_second=8, transient=False)
            self._live.__enter__()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._live is not None:
            self._live.__exit__(kind, exc, tb)

    def started(self, nb: NotebookResult) -> None:
        with self._lock:
            self._started[nb.name] = time.perf_counter()

    def cell(self, nb: NotebookResult, done: int, total: int) -> None:
        with self._lock:
            nb.cells_done, nb.cells_total = done, total
            self._steps.pop(nb.name, None)

    def step(self, nb: NotebookResult, text: str) -> None:
        now = time.perf_counter()
        with self._lock:
            self._steps[nb.name] = text
            if self._live is not None or now - self._told.get(nb.name, -STEP_EVERY) < STEP_EVERY:
                return
            self._told[nb.name] = now
        self.console.print(f"{'running':>13}  {nb.name}  {text}", style="cyan", highlight=False)

    def finished(self, nb: NotebookResult) -> None:
        if self._live is None:
            checks = len(nb.checks) - len(nb.failed_checks)
            line = (
                f"{verdict(nb):>13}  {nb.name}  {nb.duration:.1f}s"
                f"  {checks}/{len(nb.checks)} checks"
            )
            if nb.error:
                line += f"  ({nb.error})"
            self.console.print(line, style=_STYLE.get(nb.status), highlight=False)

    def __rich__(self) -> Table:
        table = Table(box=None, pad_edge=False)
        for column in ("notebook", "status", "cells", "elapsed", "checks"):
            table.add_column(column)
        now = time.perf_counter()
        with self._lock:
            for nb in self.notebooks:
                began = self._started.get(nb.name)
                elapsed = nb.duration or (now - began if began else 0.0)
                failed = len(nb.failed_checks)
                checks = f"{len(nb.checks) - failed}✔ {failed}✘" if nb.checks else ""
                cells = f"{nb.cells_done}/{nb.cells_total}" if nb.cells_total else ""
                if step := self._steps.get(nb.name) if nb.status == "running" else None:
                    cells += f"  {step}"
                table.add_row(
                    nb.name,
                    f"[{_STYLE.get(nb.status, '')}]{verdict(nb)}",
                    cells,
                    f"{elapsed:.1f}s" if elapsed else "",
                    checks,
                )
        return table
