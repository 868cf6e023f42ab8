"""JupyterLab on the notebooks, with a profile active."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ._app import EnvOption, NotebooksOption, app, console


@app.command(context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
def lab(
    context: typer.Context,
    env: EnvOption = "local",
    notebooks: NotebooksOption = Path("notebooks"),
    port: Annotated[int, typer.Option(help="JupyterLab's port.")] = 8888,
) -> None:
    """JupyterLab on the notebooks with a profile active; an embedded stack runs with it.

    Options after `--` go to JupyterLab: runeframe-nb lab -- --ip=0.0.0.0"""
    from ..lab import run_lab

    raise typer.Exit(run_lab(env, notebooks, port, console, extra=context.args))
