"""One notebook through papermill, on a kernel from the pool, archived whatever happens.

The `runeframe` papermill engine is papermill's own nbclient engine plus three things: it
runs on a kernel the pool already started, it reports each finished cell to the progress
display, and the steps a long cell reports (`rf.steps`) with it.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat
import papermill
from papermill.clientwrap import PapermillNotebookClient
from papermill.engines import Engine, papermill_engines
from papermill.exceptions import PapermillExecutionError

from runeframe_nb.errors import RunError
from runeframe_nb.recorder import METADATA_KEY
from runeframe_nb.results import Check, Fact, NotebookStatus, NotebookSummary

from .kernels import KernelPool

CellCallback = Callable[[int, int], None]
StepCallback = Callable[[str], None]


class ReportingClient(PapermillNotebookClient):
    """Papermill's client, passing on the steps a cell reports as they arrive."""

    def __init__(self, nb_man: Any, on_step: StepCallback | None = None, **kwargs: Any) -> None:
        super().__init__(nb_man, **kwargs)
        self.on_step = on_step

    def process_message(self, msg: dict[str, Any], cell: Any, cell_index: int) -> Any:
        output = super().process_message(msg, cell, cell_index)
        if self.on_step is not None and msg["msg_type"] in ("display_data", "update_display_data"):
            step = msg["content"].get("metadata", {}).get(METADATA_KEY, {}).get("progress")
            if step:
                self.on_step(step["text"])
        return output


class PooledEngine(Engine):
    @classmethod
    def execute_managed_notebook(
        cls,
        nb_man: Any,
        kernel_name: str,
        *,
        kernel_manager: Any = None,
        on_cell: CellCallback | None = None,
        on_step: StepCallback | None = None,
        execution_timeout: float | None = None,
        start_timeout: float = 60,
        **kwargs: Any,
    ) -> Any:
        if on_cell is not None:
            total = len(nb_man.nb.cells)
            complete = nb_man.cell_complete

            def cell_complete(cell: Any, cell_index: int | None = None, **kw: Any) -> None:
                complete(cell, cell_index=cell_index, **kw)
                on_cell((cell_index or 0) + 1, total)

            nb_man.cell_complete = cell_complete
        kwargs.pop("input_path", None)
        client = ReportingClient(
            nb_man,
            on_step=on_step,
            km=kernel_manager,
            kernel_name=kernel_name,
            timeout=execution_timeout,
            startup_timeout=start_timeout,
            **kwargs,
        )
        try:
            return client.execute()
        finally:
            # nbclient leaves a borrowed kernel's client open; the pool owns the kernel
            if client.kc is not None:
                client.kc.stop_channels()


papermill_engines.register("runeframe", PooledEngine)
# papermill reports each notebook's path and parameters at INFO/WARNING: the progress
# display says what matters, and the archive keeps the rest.
logging.getLogger("papermill").setLevel(logging.ERROR)


@dataclass
class NotebookResult:
    """A notebook of a run as it goes: its summary in the making, its checks and facts."""

    name: str
    source: str
    output: str
    status: NotebookStatus = "queued"
    duration: float = 0.0
    cells_done: int = 0
    cells_total: int = 0
    error: str | None = None
    checks: list[Check] = field(default_factory=list)
    facts: dict[Fact, Any] = field(default_factory=dict)

    @property
    def failed_checks(self) -> list[Check]:
        return [c for c in self.checks if not c.passed]

    def summary(self) -> NotebookSummary:
        return NotebookSummary.model_validate(self, from_attributes=True)


def _kept(nb: Any, kind: str) -> list[dict[str, Any]]:
    """What the recorder kept in the outputs' metadata under `kind` (check or fact)."""
    return [
        record
        for cell in nb.cells
        for output in cell.get("outputs", ())
        if (record := output.get("metadata", {}).get(METADATA_KEY, {}).get(kind)) is not None
    ]


def collect_checks(nb: Any, notebook: str) -> list[Check]:
    """Every check a notebook recorded, read from its outputs' metadata."""
    return [Check.model_validate({**record, "notebook": notebook}) for record in _kept(nb, "check")]


def collect_facts(nb: Any) -> dict[Fact, Any]:
    """What a notebook published for the report (`rf.publish`), by name."""
    return {Fact(fact["name"]): fact["value"] for fact in _kept(nb, "fact")}


def _describe(exc: BaseException) -> str:
    if isinstance(exc, PapermillExecutionError):
        return f"cell {exc.exec_count or exc.cell_index}: {exc.ename}: {exc.evalue}".strip()
    return f"{type(exc).__name__}: {exc}".strip().rstrip(":")


def _close_thread_loop() -> None:
    """nbclient runs each notebook on an event loop it creates for the calling thread."""
    loop = asyncio.get_event_loop_policy().get_event_loop()
    if not loop.is_running():
        loop.close()
        asyncio.set_event_loop(None)


def execute(
    result: NotebookResult,
    parameters: dict[str, Any],
    pool: KernelPool,
    *,
    cell_timeout: float | None = None,
    on_cell: CellCallback | None = None,
    on_step: StepCallback | None = None,
) -> NotebookResult:
    started = time.perf_counter()
    try:
        kernel = pool.take()
    except RunError as exc:
        result.status = "interrupted" if pool.interrupted else "failed"
        result.error = str(exc)
        return result
    result.status = "running"
    try:
        papermill.execute_notebook(
            result.source,
            result.output,
            parameters=parameters,
            engine_name="runeframe",
            kernel_manager=kernel,
            on_cell=on_cell,
            on_step=on_step,
            progress_bar=False,
            execution_timeout=cell_timeout,
        )
        result.status = "completed"
    except Exception as exc:
        result.status = "interrupted" if pool.interrupted else "failed"
        result.error = _describe(exc)
    finally:
        result.duration = round(time.perf_counter() - started, 3)
        pool.release(kernel)
        _close_thread_loop()
    if Path(result.output).exists():
        executed = nbformat.read(result.output, as_version=4)
        result.checks = collect_checks(executed, result.name)
        result.facts = collect_facts(executed)
    return result
