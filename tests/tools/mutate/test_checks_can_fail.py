"""Checks that once passed whatever the services answered now fail on a wrong answer:
each notebook runs on a stack behind a mutant that gives one, to its end."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from runeframe_nb.profiles import Profile
from runeframe_tools.mutate import find
from runeframe_tools.mutate.run import MutateOptions, Trials
from runeframe_tools.runner.artifacts import RunResult

NOTEBOOKS = Path(__file__).parents[3] / "notebooks"
# notebook, the mutant whose wrong answer it must notice, the check that must turn red
CASES = [
    (
        "01_component_integration",
        "balance-stale",
        "each balance is what its transaction history adds up to",
    ),
    (
        "03_graphql_api",
        "graphql-create-not-stored",
        "every mutation created its user, and Distilera holds it",
    ),
    ("06_data_flow", "alert-lost", "Jonar raises a distilera_error alert for the user"),
    (
        "06_data_flow",
        "service-health-lies",
        "Jonar's system metrics count this user's simulation, completed",
    ),
    (
        "07_test_data",
        "user-delete-ignored",
        "nothing else is left behind: the rest is history, kept",
    ),
]


def test_each_check_turns_red_on_the_wrong_answer_it_was_blind_to(
    profile: Profile, tmp_path: Path
) -> None:
    trials = Trials(MutateOptions(jobs=2, notebooks=NOTEBOOKS), profile, tmp_path)

    def one(case: tuple[str, str, str]) -> RunResult:
        notebook, mutant, _ = case
        return trials.run(find(mutant), [notebook], tmp_path / mutant)

    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(one, CASES))
    for (notebook, mutant, check), result in zip(CASES, results, strict=True):
        statuses = {t.name: t.status for t in result.test_details}
        assert statuses.get(check) == "failed", (notebook, mutant, check, statuses)


def test_the_quality_notebook_alone_does_not_pass_for_want_of_others(
    tmp_path: Path, params_dir: Path
) -> None:
    from runeframe_tools.runner import RunOptions, run

    result = run(
        RunOptions(profile="remote", only=["10_quality"], notebooks=NOTEBOOKS, output=tmp_path)
    )
    statuses = {t.name: t.status for t in result.test_details}
    assert statuses["every other notebook ran to its end"] == "failed"
