"""What every command shares: one app whose help names each command with its one-line
summary (that each command stays thin is a contract of the tree: tests/ci/test_layers.py)."""

from __future__ import annotations

import inspect

from typer.testing import CliRunner

from runeframe_tools.cli import app


def test_the_help_names_every_command_with_its_summary() -> None:
    shown = CliRunner().invoke(app, ["--help"], terminal_width=200)
    assert shown.exit_code == 0
    for command in app.registered_commands:
        name = command.name or command.callback.__name__.replace("_", "-")
        summary = next(iter((inspect.getdoc(command.callback) or "").splitlines()), "")
        assert summary, f"{name} has no summary"
        assert name in shown.output and summary[:40] in shown.output, name
