"""How the commands show what they return: one presenter per kind of result."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console

    from runeframe_nb.fuzz import FuzzResult
    from runeframe_nb.load import LoadResult, LoadVerdict

    from .mutate import Mutant
    from .mutate.run import Mutation

LATENCIES = ("mean_ms", "p50_ms", "p90_ms", "p95_ms", "p99_ms", "p999_ms", "max_ms")


def load_result(
    result: LoadResult, verdict: LoadVerdict, console: Console, as_json: bool = False
) -> None:
    """A load test: its figures (one JSON object, or lines and a table per endpoint), and
    on stderr what the verdict says a reader must know."""
    summary = result.summary()
    if as_json:
        print(json.dumps(summary))
    else:
        console.print(
            f"{summary['engine']} {summary['model']} model, {summary['users']} users, "
            f"{summary['workers']} workers: {summary['requests']:,} requests in "
            f"{summary['duration_s']:.1f}s: {summary['ok']:,} ok = {summary['rps']:,.0f} req/s, "
            f"{summary['errors']:,} failed = {summary['failed_rps']:,.0f} req/s",
            highlight=False,
        )
        latencies = "  ".join(f"{key[:-3]} {summary[key]:.2f}" for key in LATENCIES)
        console.print(f"latency ms (successes): {latencies}", highlight=False)
        console.print(result.endpoints().to_string())
    for note in verdict.notes:
        print(f"runeframe-nb: {note}", file=sys.stderr)


def catalogue(mutants: Iterable[Mutant], console: Console) -> None:
    """`mutate --list`: each mutant, what kind, where, and what it breaks."""
    import pandas as pd

    rows = [
        {
            "mutant": m.name,
            "kind": "tolerated" if m.tolerated else "held out" if m.held_out else "mutant",
            "service": m.service,
            "side": m.side,
            "breaks": m.breaks,
        }
        for m in mutants
    ]
    console.print(pd.DataFrame(rows).to_string(index=False), highlight=False)


def mutation_result(mutation: Mutation, report: Path, console: Console, min_score: float) -> None:
    """A mutation run: a control that failed (the proxy changes behaviour: nothing ran), or
    each mutant's verdict and the score line."""
    from .mutate.run import table

    if mutation.control.verdict != "passed":
        failed = "; ".join(f"{c.notebook}: {c.check}" for c in mutation.control.caught_by[:3])
        console.print(
            f"[red]the control failed through the proxy with no mutant: the proxy itself "
            f"changes behaviour, so no mutant was run[/red] ({failed}); report {report}",
            highlight=False,
        )
        return
    console.print(table(mutation).to_string(index=False), highlight=False)
    alarms = mutation.false_alarms
    quiet = f"[red]{alarms} false alarms[/red]" if alarms else "no false alarm"
    colour = "green" if mutation.passes(min_score) else "red"
    others = ", ".join(f"{n} {v}" for v, n in mutation.verdicts().items() if v != "killed")
    held, of = mutation.held_out
    console.print(
        f"[{colour}]score {mutation.score:.2f}[/{colour}]: {mutation.killed} of "
        f"{len(mutation.mutants)} mutants killed by a check that saw them"
        + (f" ({others})" if others else "")
        + (f", {held} of {of} held out" if of else "")
        + f", {quiet}, in {mutation.duration:.0f}s; report {report}",
        highlight=False,
    )


def fuzz_results(results: list[FuzzResult], output: Path, console: Console) -> bool:
    """A fuzzing run: cases per target, each failure in one line, the count; whether there
    was none."""
    from runeframe_nb import fuzz

    console.print(fuzz.summary(results).to_string(), highlight=False)
    found = fuzz.failures(results)
    for row in found.itertuples():
        what = row.request if isinstance(row.request, str) else row.error
        console.print(f"[red]✘[/red] {row.target} {row.operation}: {row.check} — {what}")
    cases = sum(r.cases for r in results)
    verdict = "no failures" if found.empty else f"{len(found)} failures"
    console.print(f"{cases:,} cases, {verdict}; reports in {output}", highlight=False)
    return bool(found.empty)
