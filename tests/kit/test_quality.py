"""The seed's quality checklist, ticked from a run's evidence alone: checks that name an
item, the services their exchanges reached, the coverage map; never from names."""

from __future__ import annotations

import pandas as pd

from runeframe_nb import quality
from runeframe_nb.quality import checklist
from runeframe_nb.requirements import REQUIREMENTS
from runeframe_nb.results import Check, RunRecord

FIVE = ["api", "distilera", "hoardwell", "mercatrix", "jonar"]


def _check(covers: str, status: str = "passed", reached: tuple[str, ...] = ()) -> Check:
    evidence = [{"service": s, "method": "GET", "operation": "/x/"} for s in reached]
    return Check(
        area="a",
        name=f"{covers} holds",
        status="passed" if status == "passed" else "failed",
        covers=(covers,),
        evidence=evidence,
        notebook="nb",
    )


def _record(*checks: Check) -> RunRecord:
    passed = sum(c.passed for c in checks)
    return RunRecord(
        run_id="r1",
        profile="local",
        status="passed",
        started_at="2026-01-01T00:00:00Z",
        total_tests=len(checks),
        passed_tests=passed,
        failed_tests=len(checks) - passed,
        test_details=list(checks),
    )


def _ticked(table: pd.DataFrame) -> dict[str, bool]:
    return dict(zip(table["item"], table["ticked"], strict=True))


def test_no_run_ticks_nothing_and_says_how_to_get_one() -> None:
    table = checklist(None, None, None)
    assert not table["ticked"].any() and len(table) == len(REQUIREMENTS)
    assert table["evidence"].str.contains("runeframe-nb run").all()


def test_an_item_is_ticked_only_by_passed_checks_that_name_it() -> None:
    record = _record(
        _check("security"),
        _check("error-scenarios"),
        _check("error-scenarios", status="failed"),
        _check("data-consistency"),
    )
    ticked = _ticked(checklist(record, None, None))
    assert ticked[REQUIREMENTS["security"]] and ticked[REQUIREMENTS["data-consistency"]]
    assert not ticked[REQUIREMENTS["error-scenarios"]]  # one of its checks failed
    assert not ticked[REQUIREMENTS["performance"]]  # no check names it


def test_all_components_means_all_five_services_reached_by_their_checks() -> None:
    four = _record(_check("component-interactions", reached=tuple(FIVE[:4])))
    table = checklist(four, None, None)
    row = table[table["item"] == REQUIREMENTS["component-interactions"]].iloc[0]
    assert not row["ticked"] and "jonar" in row["evidence"]
    five = _record(_check("component-interactions", reached=tuple(FIVE)))
    assert _ticked(checklist(five, None, None))[REQUIREMENTS["component-interactions"]]


def test_all_endpoints_means_every_documented_operation_covered() -> None:
    record = _record(_check("api-endpoints"))
    coverage = pd.DataFrame(
        [
            {"service": "api", "operation": "GET /users/", "covered": True},
            {"service": "api", "operation": "DELETE /users/{id}/", "covered": False},
        ]
    )
    item = REQUIREMENTS["api-endpoints"]
    table = checklist(record, coverage, None)
    assert not _ticked(table)[item]
    assert "1 of 2 documented operations" in table.set_index("item").loc[item, "evidence"]
    coverage["covered"] = True
    assert _ticked(checklist(record, coverage, None))[item]
    assert not _ticked(checklist(record, None, None))[item]  # no coverage measured


async def test_the_seeds_coverage_metrics_are_named_for_what_they_are_pass_rates() -> None:
    """The seed's `coverage` is the share of checks passed: shown so, it does not pass for
    the API coverage measured from the evidence."""
    details = [
        {"name": "api lists users", "status": "passed"},
        {"name": "api refuses", "status": "failed"},
        {"name": "component talks", "status": "passed"},
    ]
    seed = {"total_tests": 3, "passed_tests": 2, "test_details": details}
    metrics = await quality.TestQualityMetrics().calculate_test_coverage(seed)
    assert quality.pass_rates(metrics) == {
        "checks passed": 2 / 3,
        "component checks passed": 1.0,
        "API checks passed": 0.5,
        "end-to-end checks passed": 0.0,
    }
