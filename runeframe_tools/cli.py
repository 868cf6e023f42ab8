"""The `runeframe-nb` command."""

from __future__ import annotations

import faulthandler
import os
import signal
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from runeframe_nb.errors import FuzzError, KitError

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

    from .report import open_run
    from .runner import RunOptions, parse_parameters
    from .runner import run as run_notebooks
    from .runner.scale import load_scale
    from .runner.select import failed_notebooks, parse_shard

    preset = load_scale(scale) if scale else None
    chosen = only or (list(preset.notebooks) if preset else [])
    if last_failed is not None:
        previous, failed = failed_notebooks(output, last_failed)
        if not failed:
            console.print(f"no notebook failed in {previous}: nothing to re-run", highlight=False)
            return
        console.print(f"re-running what failed in {previous}: {', '.join(failed)}", highlight=False)
        chosen = failed
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


@app.command()
def init(
    folder: Annotated[Path, typer.Argument(help="A repository of your own (made if missing).")],
    force: Annotated[bool, typer.Option(help="Overwrite files that are there already.")] = False,
) -> None:
    """Write the notebooks, profiles and a CI workflow into FOLDER, to run the suite there
    against your deployment: fill in params/staging.yaml, then runeframe-nb run --env staging."""
    from .scaffold import init as write

    written = write(folder, force)
    console.print(f"wrote {len(written)} files into {folder}", highlight=False)
    console.print(
        f"next: set the URLs in {folder / 'params' / 'staging.yaml'}, export its token's "
        f"variable, and run: cd {folder} && runeframe-nb run --env staging",
        highlight=False,
    )


def _finish(result: Any, allure: Path | str | None, baseline: Any = None) -> None:
    """What every run ends with: its report, Allure results if asked, what CI shows, the
    failed checks, the latencies against a baseline run if one is named, the verdict, and
    the exit code."""
    from .report import open_run, render
    from .runner.ci import report_to_ci

    report = render(open_run(result.folder))
    if allure:
        from .runner.allure import write_allure

        written = write_allure(result, Path(allure))
        console.print(f"allure: {written} results in {allure}", highlight=False)
    report_to_ci(result, say=lambda line: console.print(line, highlight=False, markup=False))
    summary = result.record()
    for failure in result.failed:
        console.print(
            f"[red]✘[/red] {failure.notebook}: {failure.name} — {failure.detail}",
            highlight=False,
        )
    slower = _slower_than(baseline, result) if baseline is not None else 0
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


def _slower_than(baseline: Any, result: Any) -> int:
    """How many operations got significantly slower since the `baseline` run (diff.py's
    test), each printed; the comparison is written to the run's diff.html."""
    from .report import diff_runs, open_run

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

    from .runner import RunOptions
    from .runner.merge import merge as merge_runs

    options = RunOptions(profile=env, output=output, notebooks=notebooks)
    _finish(merge_runs(runs, options, console), allure or load_profile(env).allure)


@app.command()
def report(
    run_ref: Annotated[str, typer.Argument(metavar="RUN", help="Run id or folder.")],
    output: OutputOption = Path("outputs"),
) -> None:
    """Regenerate an archived run's report.html (and its notebooks as HTML)."""
    from .report import open_run, render

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
    from .report import diff_runs, open_run

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

    from .report import history as archived
    from .report import prune

    if keep is not None or older_than is not None:
        removed = prune(output, keep=keep, older_than_days=older_than)
        console.print(f"pruned {len(removed)} runs", highlight=False)
    runs = archived(output)
    if not runs:
        console.print(f"no archived runs in {output}", highlight=False)
        return
    table = pd.DataFrame([r.summary() for r in runs]).set_index("run")
    console.print(table.to_string(), highlight=False)


@app.command(context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
def lab(
    context: typer.Context,
    env: EnvOption = "local",
    notebooks: NotebooksOption = Path("notebooks"),
    port: Annotated[int, typer.Option(help="JupyterLab's port.")] = 8888,
) -> None:
    """JupyterLab on the notebooks with a profile active; an embedded stack runs with it.

    Options after `--` go to JupyterLab: runeframe-nb lab -- --ip=0.0.0.0"""
    from .lab import run_lab

    raise typer.Exit(run_lab(env, notebooks, port, console, extra=context.args))


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


@app.command()
def fuzz(
    env: EnvOption = "local",
    only: Annotated[
        list[str] | None,
        typer.Option(help="Fuzz only this target: a service, or graphql (repeatable)."),
    ] = None,
    max_examples: Annotated[
        int, typer.Option(min=1, help="Generated cases per operation and phase.")
    ] = 25,
    seed: Annotated[int, typer.Option(help="Seed of the generated cases.")] = 42,
    output: Annotated[Path, typer.Option(help="Where the NDJSON reports go.")] = Path(
        "outputs/fuzz"
    ),
    remote: Annotated[
        bool,
        typer.Option(help="Fuzz a remote profile's services, whose data it changes and deletes."),
    ] = False,
) -> None:
    """Fuzz every service's OpenAPI operations and the GraphQL schema with schemathesis."""
    from runeframe_nb import fuzz as fuzzing
    from runeframe_nb.environment import open_environment
    from runeframe_nb.profiles import load_profile

    profile = load_profile(env)
    if profile.stack != "embedded" and not remote:
        raise FuzzError(
            f"profile {profile.name} is a remote deployment: fuzzing creates, changes and "
            "deletes data there with the profile's token; pass --remote to go ahead"
        )
    environment = (
        fuzzing.own_stack(env) if profile.stack == "embedded" else open_environment(profile)
    )
    try:
        results = fuzzing.fuzz(environment, output, only=only, max_examples=max_examples, seed=seed)
    finally:
        environment.close()
    from .present import fuzz_results

    raise typer.Exit(0 if fuzz_results(results, output, console) else 1)


@app.command()
def mutate(
    env: EnvOption = "local",
    only: Annotated[
        list[str] | None, typer.Option(help="Run only mutants matching this glob (repeatable).")
    ] = None,
    jobs: Annotated[int, typer.Option(min=1, help="Mutants on separate stacks at once.")] = 1,
    min_score: Annotated[
        float, typer.Option(min=0, max=1, help="Fail below this share of mutants killed.")
    ] = 0.95,
    tolerated: Annotated[
        bool, typer.Option(help="Also run the faults the stack absorbs, as controls.")
    ] = True,
    within: Annotated[
        list[str] | None,
        typer.Option("--notebook", help="Run only the notebooks matching this glob (repeatable)."),
    ] = None,
    list_mutants: Annotated[
        bool, typer.Option("--list", help="List the catalogue and stop.")
    ] = False,
    output: OutputOption = Path("outputs"),
    notebooks: NotebooksOption = Path("notebooks"),
    cell_timeout: Annotated[
        float, typer.Option(help="Seconds a cell may run before it fails (a kill).")
    ] = 120.0,
) -> None:
    """Inject realistic regressions through a fault proxy; the suite must catch each."""
    from runeframe_nb.errors import MutateError
    from runeframe_nb.extras import require

    require("stack", "aiohttp", "runeframe-nb mutate (a fault proxy before a stack)", MutateError)
    from .mutate import registered
    from .mutate.run import MutateOptions
    from .mutate.run import mutate as run_mutants
    from .present import catalogue, mutation_result
    from .report import open_run, render

    if list_mutants:
        catalogue(registered().values(), console)
        return
    options = MutateOptions(
        profile=env,
        only=only or [],
        within=within or [],
        jobs=jobs,
        min_score=min_score,
        output=output,
        notebooks=notebooks,
        cell_timeout=cell_timeout,
        tolerated=tolerated,
    )
    mutation = run_mutants(options, console)
    mutation_result(mutation, render(open_run(mutation.folder)), console, min_score)
    raise typer.Exit(0 if mutation.passes(min_score) else 1)


@app.command()
def load(
    url: Annotated[
        str, typer.Argument(help="The http:// or https:// URL each virtual user requests.")
    ],
    users: Annotated[int, typer.Option(min=1, help="Virtual users (connections).")] = 50,
    rate: Annotated[
        float | None, typer.Option(min=0.001, help="Open model: requests started per second.")
    ] = None,
    duration: Annotated[float | None, typer.Option(min=0.001, help="Seconds to run.")] = None,
    requests: Annotated[int | None, typer.Option(min=1, help="Requests to make in all.")] = None,
    workers: Annotated[
        int, typer.Option(min=1, help="Load processes (default: cores).")
    ] = os.cpu_count() or 1,
    header: Annotated[
        list[str] | None,
        typer.Option("--header", "-H", help="A header 'Name: value' (repeatable)."),
    ] = None,
    tokens_file: Annotated[
        Path | None, typer.Option(help="Bearer tokens, one per line, one per virtual user.")
    ] = None,
    think_time: Annotated[float, typer.Option(min=0, help="Seconds between iterations.")] = 0.0,
    engine_name: Annotated[
        str, typer.Option("--engine", help="runeframe, or locust (distributed).")
    ] = "runeframe",
    remote_workers: Annotated[
        int, typer.Option(min=0, help="Locust: also wait for this many workers from elsewhere.")
    ] = 0,
    master_port: Annotated[
        int, typer.Option(help="Locust: the port remote workers join (with --remote-workers).")
    ] = 5557,
    max_error_rate: Annotated[
        float,
        typer.Option(min=0, max=1, help="Exit 1 when more of the requests than this fail."),
    ] = 0.0,
    json_output: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    cacert: Annotated[
        Path | None,
        typer.Option(help="Trust these CAs (PEM) over https; default SSL_CERT_FILE, certifi."),
    ] = None,
    cert: Annotated[
        Path | None, typer.Option(help="A client certificate (PEM, with its key unless --key).")
    ] = None,
    key: Annotated[Path | None, typer.Option(help="The client certificate's key.")] = None,
    insecure: Annotated[
        bool, typer.Option("--insecure", "-k", help="Verify no certificate (as curl -k).")
    ] = False,
) -> None:
    """Load a URL: a closed model (--users) or an open one (--rate), percentiles from HDR.

    Throughput and percentiles are the successful answers'; failures (no answer, or a
    status of 400 and up) are counted apart, and past --max-error-rate the exit code is 1.
    A generator that ran out of CPU or event loop says so: then it measured itself."""
    from runeframe_nb import load as engine
    from runeframe_nb.network import Tls

    from .present import load_result

    plan = engine.LoadPlan(
        url,
        users=users,
        rate=rate,
        duration=duration,
        requests=requests,
        workers=workers,
        headers=engine.headers_from(header or []),
        tokens=engine.tokens_from(tokens_file),
        think_time=think_time,
        remote_workers=remote_workers,
        master_port=master_port,
        tls=Tls(ca_bundle=cacert, client_cert=cert, client_key=key, verify=not insecure).resolved(),
    )
    result = engine.run_sync(plan, engine=engine_name)
    verdict = result.verdict(max_error_rate)
    load_result(result, verdict, console, as_json=json_output)
    raise typer.Exit(0 if verdict.ok else 1)


def with_flag_values(argv: list[str]) -> list[str]:
    """`--last-failed` with no RUN after it means the newest run."""
    from .runner.names import NEWEST

    given = list(argv)
    for i, arg in enumerate(given):
        if arg == "--last-failed" and (i + 1 == len(given) or given[i + 1].startswith("-")):
            given.insert(i + 1, NEWEST)
            break
    return given


def main() -> None:
    # `kill -USR1 <pid>` prints every thread's stack: what a stuck run is waiting for
    faulthandler.register(signal.SIGUSR1, all_threads=True)
    try:
        app(args=with_flag_values(sys.argv[1:]))
    except KitError as exc:
        print(f"runeframe-nb: error: {exc}", file=sys.stderr)
        sys.exit(2)
    except KeyboardInterrupt:
        print("runeframe-nb: interrupted", file=sys.stderr)
        sys.exit(130)
