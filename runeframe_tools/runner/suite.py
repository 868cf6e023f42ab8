"""`runeframe-nb run`: every notebook, in parallel, against one environment, archived.

The environment is opened once (an embedded profile gets a fresh stack on free ports),
its URLs, profile and seed are injected into each notebook's parameters, and each
executed notebook lands in outputs/<run-id>/ with results.json and junit.xml beside it.
"""

from __future__ import annotations

import fnmatch
import os
import secrets
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import IntEnum
from pathlib import Path
from typing import Any

import nbformat
import yaml
from rich.console import Console

from runeframe_nb import masking, oauth
from runeframe_nb.environment import Environment, open_environment
from runeframe_nb.errors import RunError
from runeframe_nb.fixtures import sweep
from runeframe_nb.profiles import (
    PARAMS_VARIABLE,
    TOKEN_VARIABLE,
    Profile,
    find_params_dir,
    load_profile,
)
from runeframe_nb.recorder import STOP_VARIABLE

from .artifacts import RunResult
from .execute import NotebookResult, execute
from .gate import Gate
from .kernels import KernelPool
from .progress import Progress
from .scale import Scale
from .select import durations, shard_of


@dataclass
class RunOptions:
    profile: str | Profile = "local"
    only: list[str] = field(default_factory=list)
    jobs: int = field(default_factory=lambda: os.cpu_count() or 1)
    parameters: dict[str, Any] = field(default_factory=dict)
    output: Path = Path("outputs")
    notebooks: Path = Path("notebooks")
    cell_timeout: float | None = 600.0
    # stop at the first failed check: its notebook stops there, those not yet started
    # are skipped
    fail_fast: bool = False
    run_id: str | None = None  # given: the archive folder may exist already (it holds logs)
    gate: Gate = field(default_factory=Gate)  # shared by runs that must not skew each other
    shard: tuple[int, int] | None = None  # (K, N): this run takes share K of N (select.py)
    scale: Scale | None = None  # a preset's parameters per notebook and stack settings


def parse_parameters(pairs: list[str]) -> dict[str, Any]:
    """`key=value` pairs; values read as YAML, so 3 is an int and [a, b] a list."""
    parsed: dict[str, Any] = {}
    for pair in pairs:
        key, sep, raw = pair.partition("=")
        if not sep or not key.strip().isidentifier():
            raise RunError(f"parameter {pair!r} is not key=value with a Python name as key")
        try:
            parsed[key.strip()] = yaml.safe_load(raw) if raw.strip() else ""
        except yaml.YAMLError:
            raise RunError(f"parameter {key}: {raw!r} is not a readable value") from None
    return parsed


def discover(folder: Path, only: list[str]) -> list[Path]:
    """The notebooks of `folder` that `only` picks (all when empty), in name order; when
    `only` names notebooks exactly, in the order it names them."""
    if not folder.is_dir():
        raise RunError(f"no notebooks folder at {folder}")
    found = sorted(p for p in folder.glob("*.ipynb") if not p.name.startswith("."))
    if only:
        found = [
            p
            for p in found
            if any(fnmatch.fnmatch(p.name, g) or fnmatch.fnmatch(p.stem, g) for g in only)
        ]
        if not any(glob in "".join(only) for glob in "*?["):
            named = [g.removesuffix(".ipynb") for g in only]
            found.sort(key=lambda p: named.index(p.stem) if p.stem in named else len(named))
    if not found:
        wanted = f" matching {', '.join(only)}" if only else ""
        raise RunError(f"no notebooks{wanted} in {folder}")
    return found


def new_run_id() -> str:
    return f"{time.strftime('%Y%m%d-%H%M%S')}-{secrets.token_hex(2)}"


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def run(options: RunOptions, console: Console | None = None) -> RunResult:
    console = console or Console()
    given = options.profile
    profile = given if isinstance(given, Profile) else load_profile(given)
    sources = discover(options.notebooks, options.only)
    if options.shard is not None:
        sources = _shard(sources, options)
    run_id = options.run_id or new_run_id()
    folder = options.output / run_id
    folder.mkdir(parents=True, exist_ok=options.run_id is not None)
    result = RunResult(run_id, profile.name, folder, _now())
    result.notebooks = [NotebookResult(p.stem, str(p), str(folder / p.name)) for p in sources]
    started = time.perf_counter()
    console.print(
        f"run {run_id}: {len(sources)} notebooks, profile {profile.name}, "
        f"{options.jobs} at once, archive {folder}"
    )
    scale = options.scale
    if scale is not None and scale.stack_settings and profile.stack != "embedded":
        console.print(
            f"scale {scale.name}: profile {profile.name} is remote, so its stack keeps its "
            f"own settings ({', '.join(scale.stack_settings)} not applied)",
            highlight=False,
        )
    try:
        env = open_environment(
            profile,
            stack_log=folder / "stack.log",
            stack_settings=scale.stack_settings if scale is not None else None,
        )
    except BaseException:
        if not any(folder.iterdir()):  # nothing to read later: no archive of a run not begun
            folder.rmdir()
        raise
    with masking.collected() as masks, masking.collected("runeframe-token-") as token_cache:
        try:
            result.stack_version = env.health().get("api", {}).get("version", "")
            parameters = {
                "profile": profile.name,
                "urls": env.urls,
                "seed": env.seed,
                "run_id": run_id,
            }
            parameters.update(options.parameters)
            result.parameters = {**parameters, **({"scale": scale.name} if scale else {})}
            variables = kernel_variables(env, masks, token_cache)
            execute_all(result, parameters, options, console, variables)
            result.residue = sweep(env, run_id)
        except KeyboardInterrupt:
            result.interrupted = True
        finally:
            env.close()
            for nb in result.notebooks:
                if nb.status in ("queued", "running"):
                    nb.status = "interrupted"
            result.finished_at = _now()
            result.duration = round(time.perf_counter() - started, 3)
            result.write()
            masking.redact_folder(folder, masking.known() | masking.read(masks))
    return RunResult.read(folder)  # as archived: what is shown and sent on is redacted


def kernel_variables(env: Environment, masks: Path, token_cache: Path) -> dict[str, str]:
    """What a run's kernels are told in their environment: where to write the secrets
    they meet, and the run's token: the identity provider's through a cache they share
    and renew, else the token (TEST_TOKEN: a stack the run started has one made for it).
    It is no parameter, so no executed notebook shows it."""
    told = {masking.VARIABLE: str(masks)}
    if env.auth is not None:
        env.auth.share(token_cache)
        told[oauth.CACHE_VARIABLE] = str(token_cache)
    elif env.token:
        told[TOKEN_VARIABLE] = env.token
    return told


def _shard(sources: list[Path], options: RunOptions) -> list[Path]:
    """This run's share of `sources`; notebooks marked `after_all` are left to the merge."""
    assert options.shard is not None
    own = [p for p in sources if phase_of(NotebookResult(p.stem, str(p), "")) != Phase.AFTER_ALL]
    names = [p.stem for p in own]
    taken = shard_of(names, options.shard, durations(options.output, names))
    if not taken:
        k, n = options.shard
        raise RunError(f"shard {k}/{n} holds no notebook: {len(names)} to share among {n}")
    return [p for p in own if p.stem in taken]


class Phase(IntEnum):
    """When a notebook runs, in this order: with the others; alone, so nothing skews what
    it measures (metadata `alone`); last, reading the others' results (`after_all`)."""

    WITH_OTHERS = 0
    ALONE = 1
    AFTER_ALL = 2


def phase_of(notebook: NotebookResult) -> Phase:
    metadata = nbformat.read(notebook.source, as_version=4).metadata.get("runeframe", {})
    if metadata.get("after_all"):
        return Phase.AFTER_ALL
    return Phase.ALONE if metadata.get("alone") else Phase.WITH_OTHERS


def execute_all(
    result: RunResult,
    parameters: dict[str, Any],
    options: RunOptions,
    console: Console,
    variables: dict[str, str] | None = None,
) -> None:
    """Every queued notebook, `jobs` at once; then those marked `alone` one by one; then
    those marked `after_all`, given the results so far. `variables` go to the kernels'
    environment."""
    todo = [nb for nb in result.notebooks if nb.status == "queued"]
    phases = [phase_of(nb) for nb in todo]
    by_phase = {k: [nb for nb, p in zip(todo, phases, strict=True) if p == k] for k in Phase}
    batches = [
        by_phase[Phase.WITH_OTHERS],
        *([nb] for nb in by_phase[Phase.ALONE]),
        by_phase[Phase.AFTER_ALL],
    ]
    jobs = max(1, min(options.jobs, len(todo)))
    kernel_env = {PARAMS_VARIABLE: str(find_params_dir().resolve()), **(variables or {})}
    masks = kernel_env.get(masking.VARIABLE)

    def told(text: str) -> str:
        """`text` as the console may show it: what the kernels learnt so far masked."""
        return masking.redact(text, masking.known() | masking.read(Path(masks or "")))

    if options.fail_fast:
        kernel_env[STOP_VARIABLE] = "1"
    with (result.folder / "kernels.log").open("ab") as kernel_log:
        pool = KernelPool(
            jobs,
            len(todo),
            cwd=options.notebooks.resolve(),
            env=kernel_env,
            log=kernel_log,
        )
        ex = ThreadPoolExecutor(jobs)
        interrupted = False
        stop = threading.Event()  # set by the first failure when failing fast
        try:
            with Progress(result.notebooks, console) as progress:

                def one(nb: NotebookResult, given: dict[str, Any]) -> None:
                    if options.scale is not None:  # the preset's, then the command line's
                        preset = options.scale.notebooks.get(nb.name, {})
                        given = {**given, **preset, **options.parameters}
                    alone = phases[todo.index(nb)] == Phase.ALONE
                    with options.gate.exclusive() if alone else options.gate.shared():
                        if stop.is_set():
                            nb.status = "skipped"
                            return
                        progress.started(nb)
                        execute(
                            nb,
                            given,
                            pool,
                            cell_timeout=options.cell_timeout,
                            on_cell=lambda done, total: progress.cell(nb, done, total),
                            on_step=lambda text: progress.step(nb, told(text)),
                        )
                        nb.error = told(nb.error) if nb.error else nb.error
                    progress.finished(nb)
                    if options.fail_fast and (nb.status != "completed" or nb.failed_checks):
                        stop.set()

                interim = {
                    **parameters,
                    "run_results": str(result.folder.resolve() / "results.json"),
                }
                for batch in batches:
                    given = parameters
                    if batch and batch is by_phase[Phase.AFTER_ALL]:
                        # what the summary notebooks read: the results, junit.xml and the
                        # report so far (the notebooks' own pages come at the end)
                        result.write()
                        from ..report import open_run, render

                        render(open_run(result.folder), pages=False)
                        given = interim
                    futures: list[Future[None]] = [ex.submit(one, nb, given) for nb in batch]
                    try:
                        wait(futures)
                    except KeyboardInterrupt:
                        interrupted = True
                        pool.interrupt()
                        raise
                    for future in futures:
                        future.result()
        finally:
            # after Ctrl-C, a worker still inside papermill is not waited for: its kernel
            # is dead, and the run's archive must not depend on it letting go
            ex.shutdown(wait=not interrupted, cancel_futures=True)
            pool.close()
