"""`runeframe-nb mutate`: the suite's power, measured by the regressions it catches.

1. The control: the notebooks run through the fault proxy with no mutant, on a fresh
   stack. It must pass, or the proxy itself changes behaviour and nothing after it would
   mean anything. Its archive is the mutation run's archive, and its checks' evidence
   says which notebooks reach which operations.
2. The tolerated faults (catalogue/faults.py) run as controls, one at a time, on every
   notebook: the stack promises to absorb them wherever they strike, so a failed check
   there is a false alarm.
3. Each mutant runs, on a fresh stack of its own, the notebooks that reach what it
   changes (a notebook that never calls an operation cannot notice it broke), and stops
   at the first that fails. It is killed only when a failed check's own evidence (the
   exchanges it judged) reached an operation where the mutant can be seen (what it
   changes, or where a fault between services `reveals` itself). A notebook that
   crashed or timed out, or a check that failed without having looked there, is a
   verdict of its own (`crashed`, `timed out`, `unattributed`), never a kill. If all
   pass, it survived.

The score is the share of mutants killed, times the share of tolerated faults that
raised no alarm. The kill matrix says which checks caught which mutants; the held-out
score, the share of the held-out regressions (catalogue/regressions.py) killed.
Notebooks marked `"mutate": false` in their metadata do not run here: the quality
notebook reads the others' results (its checks are derived, never a kill), and the
fuzzing notebook fuzzes a stack of its own.
"""

from __future__ import annotations

import contextlib
import fnmatch
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat
from rich.console import Console

from runeframe_nb.errors import MutateError
from runeframe_nb.profiles import Profile, load_profile
from runeframe_nb.results import HeldOut, MutationRecord, Sighting, Trial, Verdict

from ..runner.artifacts import RunResult
from ..runner.gate import Gate
from ..runner.suite import RunOptions, discover, new_run_id, run
from .harness import proxied_stack
from .mutants import Mutant, registered

Reach = dict[str, set[tuple[str, str, str]]]


@dataclass
class MutateOptions:
    profile: str = "local"
    only: list[str] = field(default_factory=list)  # mutant names or globs
    within: list[str] = field(default_factory=list)  # notebook names or globs; none: all
    jobs: int = 1
    min_score: float = 0.95
    output: Path = Path("outputs")
    notebooks: Path = Path("notebooks")
    cell_timeout: float = 120.0
    tolerated: bool = True  # run the faults the stack absorbs, as controls
    seed: int = 0


@dataclass
class Mutation:
    run_id: str
    folder: Path
    control: Trial
    controls: list[Trial] = field(default_factory=list)
    mutants: list[Trial] = field(default_factory=list)
    duration: float = 0.0

    @property
    def killed(self) -> int:
        return sum(m.verdict == "killed" for m in self.mutants)

    @property
    def false_alarms(self) -> int:
        return sum(c.alarm for c in self.controls)

    @property
    def held_out(self) -> tuple[int, int]:
        """(killed, of) the held-out regressions."""
        held = [m for m in self.mutants if m.held_out]
        return sum(m.verdict == "killed" for m in held), len(held)

    def passes(self, min_score: float) -> bool:
        """The control passed, the score reached `min_score`, and no tolerated fault
        raised an alarm."""
        passed = self.control.verdict == "passed"
        return passed and self.score >= min_score and not self.false_alarms

    def verdicts(self) -> dict[str, int]:
        found: dict[str, int] = {}
        for m in self.mutants:
            found[m.verdict] = found.get(m.verdict, 0) + 1
        return found

    def kill_matrix(self) -> dict[str, list[str]]:
        """Each check that saw a mutant it failed on ("notebook: check"), and those mutants."""
        matrix: dict[str, list[str]] = {}
        for m in self.mutants:
            for c in m.caught_by:
                if c.saw:
                    matrix.setdefault(f"{c.notebook}: {c.check}", []).append(m.name)
        return dict(sorted(matrix.items(), key=lambda kv: (-len(kv[1]), kv[0])))

    @property
    def score(self) -> float:
        """Mutants killed, as a share, times the share of tolerated faults without alarm."""
        if not self.mutants:
            return 0.0
        caught = self.killed / len(self.mutants)
        quiet = 1 - self.false_alarms / len(self.controls) if self.controls else 1.0
        return round(caught * quiet, 4)

    def record(self) -> MutationRecord:
        """The run as mutation.json holds it."""
        killed, of = self.held_out
        return MutationRecord(
            run_id=self.run_id,
            score=self.score,
            killed=self.killed,
            mutants=len(self.mutants),
            verdicts=self.verdicts(),
            held_out=HeldOut(killed=killed, of=of),
            false_alarms=self.false_alarms,
            duration=round(self.duration, 1),
            control=self.control,
            controls=self.controls,
            results=self.mutants,
            kill_matrix=self.kill_matrix(),
        )

    def write(self) -> Path:
        return self.record().write(self.folder)


def eligible(folder: Path, within: list[str] | None = None) -> list[str]:
    """The notebooks that talk to the stack under test (not marked `"mutate": false`),
    of those named in `within` (names or globs) when it names any."""
    return [
        path.stem for path in discover(folder, within or []) if _metadata(path).get("mutate", True)
    ]


def _metadata(path: Path) -> dict[str, Any]:
    found: dict[str, Any] = nbformat.read(path, as_version=4).metadata.get("runeframe", {})
    return found


def reach(results: RunResult) -> Reach:
    """Which (service, method, template) each notebook's checks reached, from their evidence."""
    found: Reach = {}
    for nb in results.notebooks:
        ops = found.setdefault(nb.name, set())
        for check in nb.checks:
            ops |= {(e["service"], e["method"], e["operation"]) for e in check.evidence}
    return found


def selected(mutant: Mutant, reached: Reach) -> list[str]:
    """The notebooks that reach an operation where `mutant` can be seen, those reaching
    the most such operations first: a trial stops at its first failure, so the notebook
    most likely to fail should not wait behind the others."""
    seen = {nb: sum(mutant.seen_at(*op) for op in ops) for nb, ops in reached.items()}
    return sorted((nb for nb, n in seen.items() if n), key=lambda nb: -seen[nb])


def _caught(result: RunResult, mutant: Mutant | None) -> list[Sighting]:
    """The checks that failed, each saying whether its evidence `saw` the mutant: those
    of the notebooks; the runner's own entry for a notebook only when it stopped with no
    failed check (a crash, a timeout), which saw nothing."""
    failed = [t for t in result.failed if t.area != "runner"]
    stopped = {t.notebook for t in failed}
    failed += [t for t in result.failed if t.area == "runner" and t.notebook not in stopped]
    return [
        Sighting(
            notebook=t.notebook,
            check=t.name,
            detail=t.detail,
            saw=mutant is not None
            and t.area != "runner"
            and any(mutant.seen_at(e["service"], e["method"], e["operation"]) for e in t.evidence),
        )
        for t in failed
    ]


def mutant_verdict(caught: list[Sighting]) -> Verdict:
    """killed when a failed check saw the mutant; else what went wrong, or survived."""
    if any(c.saw for c in caught):
        return "killed"
    if not caught:
        return "survived"
    if any(c.check.endswith("runs to the end") for c in caught):
        timed_out = any("timed out" in c.detail.lower() for c in caught)
        return "timed out" if timed_out else "crashed"
    return "unattributed"


def chosen(only: list[str]) -> list[Mutant]:
    found = registered()
    if not only:
        return list(found.values())
    picked = [m for m in found.values() if any(fnmatch.fnmatch(m.name, g) for g in only)]
    if not picked:
        raise MutateError(f"no mutant matches {', '.join(only)}; `runeframe-nb mutate --list`")
    return picked


class Trials:
    """Runs notebooks on a fresh proxied stack, for the control and each mutant."""

    def __init__(self, options: MutateOptions, profile: Profile, folder: Path) -> None:
        self.options = options
        self.profile = profile
        self.folder = folder
        self.quiet = Console(quiet=True)
        self.gate = Gate()  # a notebook marked alone runs alone across every trial

    def run(
        self,
        mutant: Mutant | None,
        notebooks: list[str],
        where: Path,
        *,
        run_id: str | None = None,
        fail_fast: bool = False,
        console: Console | None = None,
    ) -> RunResult:
        run_id = run_id or new_run_id()
        logs = where / run_id / "proxied"
        with contextlib.ExitStack() as stack:
            with self.gate.shared():  # starting a stack is work an `alone` notebook would feel
                proxied = stack.enter_context(
                    proxied_stack(
                        self.profile, mutant.name if mutant else None, logs, self.options.seed
                    )
                )
            target = self.profile.model_copy(
                update={"stack": "remote", "urls": proxied.front, "token": proxied.token}
            )
            return run(
                RunOptions(
                    profile=target,
                    only=notebooks,
                    jobs=1 if self.options.jobs > 1 and mutant is not None else 2,
                    output=where,
                    notebooks=self.options.notebooks,
                    cell_timeout=self.options.cell_timeout,
                    fail_fast=fail_fast,
                    run_id=run_id,
                    gate=self.gate,
                ),
                console or self.quiet,
            )

    def outcome(
        self,
        mutant: Mutant | None,
        notebooks: list[str],
        where: Path,
        *,
        fail_fast: bool,
        run_id: str | None = None,
        console: Console | None = None,
    ) -> tuple[Trial, RunResult]:
        """A trial's verdict (a control passes or fails, a mutant is killed or survives),
        and its run."""
        started = time.perf_counter()
        result = self.run(
            mutant, notebooks, where, run_id=run_id, fail_fast=fail_fast, console=console
        )
        caught = _caught(result, mutant)
        is_control = mutant is None or mutant.tolerated
        if is_control:
            verdict: Verdict = "passed" if result.ok else "failed"
        else:
            verdict = mutant_verdict(caught) if not result.ok else "survived"
            # an alarm that saw nothing stopped the trial: the notebooks it kept from
            # running still get their chance to see the mutant, on a fresh stack
            ran = {nb.name for nb in result.notebooks if nb.status in ("completed", "failed")}
            rest = [nb for nb in notebooks if nb not in ran]
            if verdict not in ("killed", "survived") and rest and fail_fast:
                more, _ = self.outcome(mutant, rest, where, fail_fast=True)
                caught += more.caught_by
                verdict = "killed" if more.verdict == "killed" else verdict
        found = Trial(
            name=mutant.name if mutant else "control",
            breaks=mutant.breaks if mutant else "nothing: the proxy passes everything on",
            service=mutant.service if mutant else "all",
            side=mutant.side if mutant else "both",
            kind="control" if is_control else "mutant",
            verdict=verdict,
            notebooks=notebooks,
            caught_by=caught,
            duration=round(time.perf_counter() - started, 1),
            run=str(result.folder.relative_to(self.folder)),
            held_out=bool(mutant and mutant.held_out),
        )
        return found, result


def mutate(options: MutateOptions, console: Console | None = None) -> Mutation:
    console = console or Console()
    profile = load_profile(options.profile)
    if profile.stack != "embedded":
        raise MutateError(
            f"profile {profile.name} is not embedded: mutants need a fresh stack each"
        )
    mutants = chosen(options.only)
    notebooks = eligible(options.notebooks, options.within)
    run_id = new_run_id()
    folder = options.output / run_id
    trials = Trials(options, profile, folder)
    started = time.perf_counter()
    console.print(
        f"mutate {run_id}: the control, then {len(mutants)} mutants on {len(notebooks)} "
        f"notebooks, {options.jobs} at once; archive {folder}",
        highlight=False,
    )
    control, result = trials.outcome(
        None, notebooks, options.output, fail_fast=False, run_id=run_id, console=console
    )
    mutation = Mutation(run_id, folder, control)
    if not result.ok:  # the proxy itself changes behaviour: nothing after it would mean anything
        mutation.duration = time.perf_counter() - started
        mutation.write()
        return mutation
    reached = reach(result)
    controls: list[tuple[Mutant, list[str], Path, bool]] = []
    if options.tolerated:
        # every tolerated fault, or those --only names when it names any
        named = [m for m in mutants if m.tolerated]
        tolerated = named or [m for m in registered().values() if m.tolerated]
        controls += [(m, notebooks, folder / "controls" / m.name, False) for m in tolerated]
    jobs = [
        (mutant, selected(mutant, reached), folder / "mutants" / mutant.name, True)
        for mutant in mutants
        if not mutant.tolerated
    ]
    lock = threading.Lock()

    def trial(job: tuple[Mutant, list[str], Path, bool]) -> Trial:
        mutant, chosen_notebooks, where, fail_fast = job
        if not chosen_notebooks:
            found = Trial(
                name=mutant.name,
                breaks=mutant.breaks,
                service=mutant.service,
                side=mutant.side,
                kind="mutant",
                verdict="survived",
                notebooks=[],
                held_out=mutant.held_out,
            )
        else:
            found, _ = trials.outcome(mutant, chosen_notebooks, where, fail_fast=fail_fast)
        with lock:
            _say(console, found)
        return found

    # a control runs alone: its performance checks must measure the stack, not the
    # mutants' trials beside it (two of those on two cores made a false alarm of it)
    mutation.controls = [trial(job) for job in controls]
    with ThreadPoolExecutor(max(1, options.jobs)) as pool:
        mutation.mutants = list(pool.map(trial, jobs))
    mutation.duration = time.perf_counter() - started
    mutation.write()
    return mutation


def table(mutation: Mutation) -> Any:
    """One row per control and mutant (a DataFrame): what it breaks, its verdict, and the
    checks that caught it."""
    import pandas as pd

    rows = [
        {
            "mutant": o.name,
            "breaks": o.breaks,
            "verdict": o.verdict,
            "caught by": _named(o.caught_by),
        }
        for o in [mutation.control, *mutation.controls, *mutation.mutants]
    ]
    return pd.DataFrame(rows, columns=["mutant", "breaks", "verdict", "caught by"])


def _named(caught: list[Sighting]) -> str:
    """The checks that saw the mutant (or, if none did, those that failed), two at most."""
    shown = [c for c in caught if c.saw] or caught
    names = "; ".join(f"{c.notebook}: {c.check}" for c in shown[:2])
    return names + (f" (+{len(shown) - 2})" if len(shown) > 2 else "")


_COLOURS = {"passed": "green", "killed": "green"}  # every other verdict is red


def _say(console: Console, found: Trial) -> None:
    colour = _COLOURS.get(found.verdict, "red")
    why = _named(found.caught_by) or ", ".join(found.notebooks) or "no notebook reaches it"
    console.print(
        f"[{colour}]{found.verdict:>8}[/{colour}]  {found.name}  ({why})  {found.duration:.1f}s",
        highlight=False,
    )
