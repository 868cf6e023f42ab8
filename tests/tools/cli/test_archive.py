"""The commands that read archived runs, on a run of a tiny notebook: the history lists
it and prunes it, its report is written again, a run diffed with itself has no change,
and an unknown run is one line."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from typer.testing import CliRunner

from runeframe_tools.cli import app

if TYPE_CHECKING:
    from conftest import Command, Tiny


def test_history_report_and_diff_read_what_the_run_archived(
    tmp_path: Path, params_dir: Path, tiny: Tiny
) -> None:
    folder = tiny.run("passes")
    output = ["--output", str(tiny.output)]
    cli = CliRunner()

    listed = cli.invoke(app, ["history", *output])
    assert listed.exit_code == 0 and folder.name in listed.output and "passed" in listed.output

    written = cli.invoke(app, ["report", folder.name, *output])
    assert written.exit_code == 0 and written.output.strip() == f"report {folder / 'report.html'}"
    assert (folder / "report.html").stat().st_size and (folder / "html" / "passes.html").exists()

    target = tmp_path / "same.html"
    same = cli.invoke(app, ["diff", folder.name, folder.name, "--html", str(target), *output])
    assert same.exit_code == 0 and target.exists()
    sections = same.output.count("  none")
    assert sections >= 4 and "changed" in same.output  # every section says none changed

    pruned = cli.invoke(app, ["history", "--keep", "0", *output])
    assert "pruned 1 runs" in pruned.output and "no archived runs" in pruned.output
    assert not folder.exists()


def test_an_unknown_run_is_one_line(tmp_path: Path, command: Command) -> None:
    done = command("report", "nope", "--output", str(tmp_path))
    assert done.returncode == 2
    assert done.stderr.strip() == (
        f"runeframe-nb: error: no archived run at {tmp_path}/nope (no results.json)"
    )
