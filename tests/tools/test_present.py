"""How the commands show their results: a fuzzing run's verdict, each failure in one line,
errors and a run that could not finish counted as failures; the mutant catalogue."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console

from runeframe_nb.fuzz import FuzzResult
from runeframe_tools.mutate import registered
from runeframe_tools.present import catalogue, fuzz_results


def shown(console: Console) -> str:
    return console.export_text()


def test_a_clean_fuzzing_run_says_so_and_passes(tmp_path: Path) -> None:
    console = Console(record=True, width=200)
    clean = [FuzzResult("distilera", cases=40), FuzzResult("graphql", cases=2)]
    assert fuzz_results(clean, tmp_path, console)
    assert f"42 cases, no failures; reports in {tmp_path}" in shown(console)


def test_every_failure_error_and_fatal_is_a_line_and_fails_the_run(tmp_path: Path) -> None:
    console = Console(record=True, width=200)
    found = FuzzResult(
        "mercatrix",
        cases=9,
        failures=[
            {
                "operation": "POST /transactions/",
                "check": "not_a_server_error",
                "request": "curl -X POST ...",
            }
        ],
        errors=[{"operation": "GET /ledger/", "error": "connection reset"}],
        fatal=["schema not found"],
    )
    assert not fuzz_results([found], tmp_path, console)
    lines = shown(console).splitlines()
    assert "✘ mercatrix POST /transactions/: not_a_server_error — curl -X POST ..." in lines
    assert "✘ mercatrix GET /ledger/: error — connection reset" in lines
    assert any(line.startswith("✘ mercatrix") and "schema not found" in line for line in lines)
    assert "9 cases, 3 failures" in lines[-1]


def test_the_catalogue_lists_every_mutant_with_its_kind() -> None:
    console = Console(record=True, width=400)
    mutants = list(registered().values())
    catalogue(mutants, console)
    text = shown(console)
    assert all(m.name in text for m in mutants)
    kinds = {line.split()[1] for line in text.splitlines()[1:] if line.strip()}
    assert kinds <= {"mutant", "tolerated", "held"} and "mutant" in kinds
