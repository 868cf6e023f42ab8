"""What every command shares: the Typer app, its console and the common options."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="Run the RuneFrame integration notebooks and read their results.",
)
console = Console(soft_wrap=True)

EnvOption = Annotated[str, typer.Option("--env", help="Profile: params/NAME.yaml.")]
NotebooksOption = Annotated[Path, typer.Option(help="Folder of notebooks.")]
OutputOption = Annotated[Path, typer.Option(help="Where runs are archived.")]
AllureOption = Annotated[
    Path | None,
    typer.Option(help="Also write Allure results here (default: the profile's `allure`)."),
]


@app.callback()
def _root() -> None:
    """Run the RuneFrame integration notebooks and read their results."""
