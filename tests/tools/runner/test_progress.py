"""Progress: a long cell's steps show in its notebook's line and stay in the notebook, and
the live table shows the running step."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import nbformat

from runeframe_tools.runner import RunOptions, run

if TYPE_CHECKING:
    pass


NOTEBOOKS = Path(__file__).parents[1] / "notebooks"


def test_a_long_cells_steps_show_in_the_notebooks_line_and_stay_in_the_notebook(
    tmp_path: Path, params_dir: Path
) -> None:
    """In a log (CI) each notebook's first step prints as it happens; the executed notebook
    keeps one line, updated in place to the last step."""
    from rich.console import Console

    console = Console(record=True, force_terminal=False, width=200)
    options = RunOptions(
        profile="remote",
        only=["steps"],
        notebooks=NOTEBOOKS,
        output=tmp_path / "outputs",
    )
    result = run(options, console)
    assert result.ok
    log = console.export_text()
    assert "running  steps  counting 1/3: number 1" in log
    assert log.index("counting 1/3") < log.index("passed  steps")
    executed = nbformat.read(result.folder / "steps.ipynb", as_version=4)
    shown = [
        "".join(o.get("data", {}).get("text/plain", ""))
        for c in executed.cells
        for o in c.get("outputs", ())
    ]
    assert "counting 3/3 done" in shown
    assert not any("counting 1/3" in text for text in shown)
    assert "waiting: done in 1 s" in shown  # a long call ticked, then said it was done
    assert not any(text.startswith("waiting: 0 s") for text in shown)
    assert result.notebooks[0].checks[-1].passed


def test_the_live_table_shows_the_running_cells_step() -> None:
    from rich.console import Console

    from runeframe_tools.runner.execute import NotebookResult
    from runeframe_tools.runner.progress import Progress

    nb = NotebookResult("08_performance", "in.ipynb", "out.ipynb", status="running")
    console = Console(record=True, width=200)
    progress = Progress([nb], console)
    progress.cell(nb, 14, 26)
    progress.step(nb, "sweep level 3/5: 100 users")
    console.print(progress)
    assert "14/26  sweep level 3/5: 100 users" in console.export_text()
    progress.cell(nb, 15, 26)  # the cell that reported it is over
    console.print(progress)
    assert "sweep level" not in console.export_text()
