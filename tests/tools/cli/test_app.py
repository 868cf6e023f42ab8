"""What every command shares: one app whose help names each command with its one-line
summary, and commands kept thin: after its options and docstring, a command's body is at
most 30 lines (parse, call, present)."""

from __future__ import annotations

import ast
import inspect
import textwrap

from typer.testing import CliRunner

from runeframe_tools.cli import app

LONGEST = 30


def body_lines(command: object) -> int:
    """Lines from a function's first statement after its docstring to its last."""
    (function,) = ast.parse(textwrap.dedent(inspect.getsource(command))).body
    assert isinstance(function, ast.FunctionDef)
    body = function.body[1:] if ast.get_docstring(function) else function.body
    return (body[-1].end_lineno or 0) - body[0].lineno + 1


def test_the_help_names_every_command_with_its_summary() -> None:
    shown = CliRunner().invoke(app, ["--help"], terminal_width=200)
    assert shown.exit_code == 0
    for command in app.registered_commands:
        name = command.name or command.callback.__name__.replace("_", "-")
        summary = (inspect.getdoc(command.callback) or "").splitlines()[0]
        assert summary, f"{name} has no summary"
        assert name in shown.output and summary[:40] in shown.output, name


def test_every_command_is_thin() -> None:
    long = {
        command.callback.__name__: body_lines(command.callback)
        for command in app.registered_commands
    }
    assert {name: n for name, n in long.items() if n > LONGEST} == {}
    assert len(long) >= 8
