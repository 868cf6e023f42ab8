"""Running the suite: run, its shards' merge, init in a team's repository, refresh."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from ._app import AllureOption, EnvOption, NotebooksOption, OutputOption, app, console


@app.command()
def run(
    env: EnvOption = "local",
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
    output: OutputOption = Path("outputs"),
    notebooks: NotebooksOption = Path("notebooks"),
    cell_timeout: Annotated[
        float, typer.Option(help="Seconds a cell may run before it fails.")
    ] = 600.0,
    fail_fast: Annotated[
        bool, typer.Option("--fail-fast", "-x", help="Stop at the first failed check.")
    ] = False,
    shard: Annotated[
        str | None,
        typer.Option(metavar="K/N", help="Run share K of N (balanced by earlier durations)."),
    ] = None,
    last_failed: Annotated[
        str | None,
        typer.Option(
            "--last-failed",
            metavar="[RUN]",
            help="Re-run only the notebooks that failed in the newest (or the given) run.",
        ),
    ] = None,
    scale: Annotated[
        str | None,
        typer.Option(
            help="A scale preset (params/scales/NAME.yaml): seed runs the seed's durations."
        ),
    ] = None,
    allure: AllureOption = None,
    baseline: Annotated[
        str | None,
        typer.Option(
            metavar="RUN",
            help="Fail on an operation significantly slower than in this archived run.",
        ),
    ] = None,
) -> None:
    """Execute the notebooks with papermill, archive them, write results.json and junit.xml."""
    from runeframe_nb.profiles import load_profile

    from ..report import open_run
    from ..runner import RunOptions, parse_parameters
    from ..runner import run as run_notebooks
    from ..runner.scale import load_scale
    from ..runner.select import parse_shard

    preset = load_scale(scale) if scale else None
    chosen = _chosen(only or (list(preset.notebooks) if preset else []), last_failed, output)
    if chosen is None:
        return
    options = RunOptions(
        profile=env,
        only=chosen,
        jobs=jobs,
        parameters=parse_parameters(parameter or []),
        output=output,
        notebooks=notebooks,
        cell_timeout=cell_timeout,
        fail_fast=fail_fast,
        shard=parse_shard(shard) if shard else None,
        scale=preset,
    )
    profile = load_profile(env)
    reference = baseline or profile.baseline
    before = open_run(reference, output) if reference else None  # a wrong name fails now
    result = run_notebooks(options, console)
    _finish(result, allure or profile.allure, before)


def _chosen(named: list[str], last_failed: str | None, output: Path) -> list[str] | None:
    """The notebooks to run: those named, or with --last-failed those that failed in that
    run (None when none did: nothing to run)."""
    if last_failed is None:
        return named
    from ..runner.select import failed_notebooks

    previous, failed = failed_notebooks(output, last_failed)
    if not failed:
        console.print(f"no notebook failed in {previous}: nothing to re-run", highlight=False)
        return None
    console.print(f"re-running what failed in {previous}: {', '.join(failed)}", highlight=False)
    return failed


@app.command()
def init(
    folder: Annotated[Path, typer.Argument(help="A repository of your own (made if missing).")],
    force: Annotated[bool, typer.Option(help="Overwrite files that are there already.")] = False,
) -> None:
    """Write the notebooks, profiles and a CI workflow into FOLDER, to run the suite there
    against your deployment: fill in params/staging.yaml, then runeframe-nb run --env staging."""
    from ..scaffold import init as write

    written = write(folder, force)
    console.print(f"wrote {len(written)} files into {folder}", highlight=False)
    console.print(
        f"next: set the URLs in {folder / 'params' / 'staging.yaml'}, export its token's "
        f"variable, and run: cd {folder} && runeframe-nb run --env staging",
        highlight=False,
    )


@app.command()
def merge(
    runs: Annotated[
        list[str], typer.Argument(metavar="RUN...", help="Shard runs: ids or folders.")
    ],
    env: EnvOption = "local",
    output: OutputOption = Path("outputs"),
    notebooks: NotebooksOption = Path("notebooks"),
    allure: AllureOption = None,
) -> None:
    """Join shard runs into one: results, junit.xml, report; after_all notebooks run here."""
    from runeframe_nb.profiles import load_profile

    from ..runner import RunOptions
    from ..runner.merge import merge as merge_runs

    options = RunOptions(profile=env, output=output, notebooks=notebooks)
    _finish(merge_runs(runs, options, console), allure or load_profile(env).allure)


@app.command()
def refresh(
    notebooks: Annotated[
        list[Path], typer.Argument(help="Notebooks to re-execute in place.", exists=True)
    ],
) -> None:
    """Re-execute notebooks in place so their stored outputs (what nbval compares) are current."""
    from ..runner.refresh import refresh as refresh_one

    for path in notebooks:
        count = refresh_one(path)
        console.print(f"refreshed {path} ({count} checks passed)", highlight=False)


def _finish(result: Any, allure: Path | str | None, baseline: Any = None) -> None:
    """What every run ends with: its report, Allure results if asked, what CI shows, the
    failed checks, the latencies against a baseline run if one is named, the verdict, and
    the exit code."""
    from ..report import open_run, render
    from ..runner.ci import report_to_ci

    report = render(open_run(result.folder))
    if allure:
        from ..runner.allure import write_allure

        written = write_allure(result, Path(allure))
        console.print(f"allure: {written} results in {allure}", highlight=False)
    report_to_ci(result, say=lambda line: console.print(line, highlight=False, markup=False))
    summary = result.record()
    for failure in result.failed:
        console.print(
            f"[red]✘[/red] {failure.notebook}: {failure.name} — {failure.detail}",
            highlight=False,
        )
    slower = slower_than(baseline, result) if baseline is not None else 0
    colour = "green" if result.ok and not slower else "red"
    console.print(
        f"[{colour}]{result.status}[/{colour}]: {summary.passed_tests}/{summary.total_tests}"
        f" checks passed in {result.duration:.1f}s; report {report}",
        highlight=False,
    )
    if result.interrupted:  # the archive is written: leave now, whatever a worker still holds
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(130)
    raise typer.Exit(0 if result.ok and not slower else 1)


def slower_than(baseline: Any, result: Any) -> int:
    """How many operations got significantly slower since the `baseline` run (diff.py's
    test), each printed; the comparison is written to the run's diff.html."""
    from ..report import diff_runs, open_run

    changes = diff_runs(baseline, open_run(result.folder))
    (result.folder / "diff.html").write_text(changes.to_html())
    slower = changes.latency[changes.latency["verdict"].str.startswith("slower")]
    for row in slower.itertuples():
        console.print(
            f"[red]✘[/red] slower than {changes.before}: {row.endpoint} {row.before_ms} →"
            f" {row.after_ms} ms ({row.change}), {row.verdict}",
            highlight=False,
        )
    return len(slower)
