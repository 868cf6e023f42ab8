"""The `runeframe-nb` command."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from .errors import KitError

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="Run the RuneFrame integration notebooks and read their results.",
)
console = Console(soft_wrap=True)


@app.callback()
def _root() -> None:
    """Run the RuneFrame integration notebooks and read their results."""


@app.command()
def run(
    env: Annotated[str, typer.Option("--env", help="Profile: params/NAME.yaml.")] = "local",
    only: Annotated[
        list[str] | None, typer.Option(help="Run only notebooks matching this glob (repeatable).")
    ] = None,
    jobs: Annotated[
        int, typer.Option(min=1, help="Notebooks executed at once (default: cores).")
    ] = os.cpu_count() or 1,
    parameter: Annotated[
        list[str] | None,
        typer.Option("-p", "--parameter", help="Override a notebook parameter: key=value."),
    ] = None,
    output: Annotated[Path, typer.Option(help="Where runs are archived.")] = Path("outputs"),
    notebooks: Annotated[Path, typer.Option(help="Folder of notebooks.")] = Path("notebooks"),
    cell_timeout: Annotated[
        float, typer.Option(help="Seconds a cell may run before it fails.")
    ] = 600.0,
) -> None:
    """Execute the notebooks with papermill, archive them, write results.json and junit.xml."""
    from .runner import RunOptions, parse_parameters
    from .runner import run as run_notebooks

    options = RunOptions(
        profile=env,
        only=only or [],
        jobs=jobs,
        parameters=parse_parameters(parameter or []),
        output=output,
        notebooks=notebooks,
        cell_timeout=cell_timeout,
    )
    result = run_notebooks(options, console)
    summary = result.as_dict()
    for failure in result.failed:
        console.print(
            f"[red]✘[/red] {failure['notebook']}: {failure['name']} — {failure['detail']}",
            highlight=False,
        )
    colour = "green" if result.ok else "red"
    console.print(
        f"[{colour}]{result.status}[/{colour}]: {summary['passed_tests']}/{summary['total_tests']}"
        f" checks passed in {result.duration:.1f}s; archive {result.folder}",
        highlight=False,
    )
    raise typer.Exit(0 if result.ok else (130 if result.interrupted else 1))


@app.command()
def refresh(
    notebooks: Annotated[
        list[Path], typer.Argument(help="Notebooks to re-execute in place.", exists=True)
    ],
) -> None:
    """Re-execute notebooks in place so their stored outputs (what nbval compares) are current."""
    from .runner.refresh import refresh as refresh_one

    for path in notebooks:
        count = refresh_one(path)
        console.print(f"refreshed {path} ({count} checks passed)", highlight=False)


def main() -> None:
    try:
        app()
    except KitError as exc:
        print(f"runeframe-nb: error: {exc}", file=sys.stderr)
        sys.exit(2)
    except KeyboardInterrupt:
        print("runeframe-nb: interrupted", file=sys.stderr)
        sys.exit(130)
