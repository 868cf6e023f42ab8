"""Reading archived runs: a report again, the diff of two, the history and its pruning."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ._app import OutputOption, app, console


@app.command()
def report(
    run_ref: Annotated[str, typer.Argument(metavar="RUN", help="Run id or folder.")],
    output: OutputOption = Path("outputs"),
) -> None:
    """Regenerate an archived run's report.html (and its notebooks as HTML)."""
    from ..report import open_run, render

    console.print(f"report {render(open_run(run_ref, output))}", highlight=False)


@app.command()
def diff(
    before: Annotated[str, typer.Argument(metavar="RUN_A", help="The earlier run.")],
    after: Annotated[str, typer.Argument(metavar="RUN_B", help="The later run.")],
    threshold: Annotated[
        float, typer.Option(min=0, help="Relative change in latency or load that counts.")
    ] = 0.2,
    html: Annotated[
        Path | None, typer.Option(help="Also write the diff here (default: RUN_B/diff.html).")
    ] = None,
    output: OutputOption = Path("outputs"),
) -> None:
    """What changed from RUN_A to RUN_B: checks, latency, load test, coverage."""
    from ..report import diff_runs, open_run

    a, b = open_run(before, output), open_run(after, output)
    changes = diff_runs(a, b, threshold=threshold)
    console.print(f"[bold]{changes.title}[/bold]", highlight=False)
    for title, frame in changes.sections().items():
        console.print(f"[bold]{title}[/bold]", highlight=False)
        console.print(
            frame.to_string(index=False) if not frame.empty else "  none", highlight=False
        )
    target = html or b.folder / "diff.html"
    target.write_text(changes.to_html())
    console.print(f"diff {target}", highlight=False)


@app.command()
def history(
    output: OutputOption = Path("outputs"),
    keep: Annotated[
        int | None, typer.Option(min=0, help="Prune: keep only the newest N runs.")
    ] = None,
    older_than: Annotated[
        float | None, typer.Option(min=0, help="Prune: delete runs older than N days.")
    ] = None,
) -> None:
    """List the archived runs with their summary; prune old ones with --keep/--older-than."""
    import pandas as pd

    from ..report import history as archived
    from ..report import prune

    if keep is not None or older_than is not None:
        removed = prune(output, keep=keep, older_than_days=older_than)
        console.print(f"pruned {len(removed)} runs", highlight=False)
    runs = archived(output)
    if not runs:
        console.print(f"no archived runs in {output}", highlight=False)
        return
    table = pd.DataFrame([r.summary() for r in runs]).set_index("run")
    console.print(table.to_string(), highlight=False)
