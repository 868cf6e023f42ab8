"""Probing a deployment apart from the notebooks: fuzz its schemas, mutate it, load it."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from ._app import EnvOption, NotebooksOption, OutputOption, app, console


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
    from runeframe_nb.errors import FuzzError
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
    from ..present import fuzz_results

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
    from ..mutate import registered
    from ..mutate.run import MutateOptions
    from ..mutate.run import mutate as run_mutants
    from ..present import catalogue, mutation_result
    from ..report import open_run, render

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

    from ..present import load_result

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
