"""`runeframe-nb merge RUN...`: shards of one suite joined into one run.

The shards' notebooks, checks, facts and residue become one results.json, junit.xml and
report.html; each executed notebook and HAR is copied in. Notebooks marked `after_all`
(the quality notebook) then run here, over the whole, on the profile given (an embedded
one starts a stack of its own: they read the run's results, and the services only for
their documents). A notebook found in two shards is an error: the shards did not split
one suite.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path
from typing import Any

from rich.console import Console

from runeframe_nb import masking
from runeframe_nb.environment import open_environment
from runeframe_nb.errors import RunError
from runeframe_nb.profiles import load_profile

from .artifacts import RunResult
from .execute import NotebookResult


def merge(references: list[str], options: Any, console: Console) -> RunResult:
    """Join the shard runs `references` (ids or folders) under `options.output`."""
    from ..report.archive import open_run
    from .suite import Phase, _now, discover, execute_all, kernel_variables, new_run_id, phase_of

    shards = [RunResult.read(open_run(ref, options.output).folder) for ref in references]
    profiles = sorted({s.profile for s in shards})
    if len(profiles) > 1:
        raise RunError(f"the runs are of different profiles ({', '.join(profiles)}): not shards")
    started = time.perf_counter()
    run_id = new_run_id()
    folder = options.output / run_id
    folder.mkdir(parents=True)
    first = shards[0]
    result = RunResult(
        run_id,
        first.profile,
        folder,
        min(s.started_at for s in shards),
        stack_version=first.stack_version,
        parameters={**first.parameters, "shards": [s.run_id for s in shards]},
    )
    for shard in shards:
        for nb in shard.notebooks:
            if any(nb.name == taken.name for taken in result.notebooks):
                raise RunError(f"{nb.name} ran in two of the runs: they are not shards of one")
            for kept in (Path(nb.output), shard.folder / f"{nb.name}.har"):
                if kept.exists():
                    shutil.copy2(kept, folder / kept.name)
            nb.output = str(folder / Path(nb.output).name)
            result.notebooks.append(nb)
        result.residue += shard.residue
    merged = {nb.name for nb in result.notebooks}
    after = [p for p in discover(options.notebooks, []) if p.stem not in merged]
    after = [p for p in after if phase_of(NotebookResult(p.stem, str(p), "")) == Phase.AFTER_ALL]
    console.print(
        f"merge {run_id}: {len(shards)} runs, {len(merged)} notebooks"
        + (f"; then {', '.join(p.stem for p in after)} over the whole" if after else ""),
        highlight=False,
    )
    masks: set[str] = set()
    if after:
        result.notebooks += [NotebookResult(p.stem, str(p), str(folder / p.name)) for p in after]
        env = open_environment(load_profile(options.profile), stack_log=folder / "stack.log")
        try:
            parameters = {
                "profile": env.name,
                "urls": env.urls,
                "seed": env.seed,
                "run_id": run_id,
            }
            with masking.collected() as written, masking.collected("runeframe-token-") as cache:
                variables = kernel_variables(env, written, cache)
                execute_all(result, parameters, options, console, variables)
                masks = masking.read(written)
        finally:
            env.close()
    result.finished_at = _now()
    result.duration = round(max(s.duration for s in shards) + time.perf_counter() - started, 3)
    result.write()
    masking.redact_folder(folder, masking.known() | masks)
    return RunResult.read(folder)  # as archived: what is shown and sent on is redacted
