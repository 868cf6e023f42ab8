"""Quality metrics as the seed defines them, and its checklist ticked from a run's evidence.

`TestQualityMetrics` is the seed's own arithmetic, kept as the seed defines it: what it
calls coverage is the passed share of the tests (of those whose names mention component,
api, e2e or workflow), a pass rate, and `pass_rates` names it so for the report (API
coverage proper comes from the checks' evidence, in coverage.py);
`checklist` ticks each item of the seed's checklist from structured evidence: the checks
that name the item (`covers=`), the coverage map, and the run's archive.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ._tables import pandas
from .profiles import SERVICES
from .requirements import REQUIREMENTS
from .results import RunRecord

if TYPE_CHECKING:
    import pandas as pd

GROUPS = {
    "component": ("component",),
    "api": ("api",),
    "e2e": ("e2e", "workflow"),
}


class TestQualityMetrics:
    """The seed's quality metrics, over results in the seed's suite shape."""

    __test__ = False  # a helper, not a test class for pytest

    def __init__(self) -> None:
        self.metrics = {
            "test_coverage": 0.0,
            "integration_coverage": 0.0,
            "api_coverage": 0.0,
            "e2e_coverage": 0.0,
        }

    async def calculate_test_coverage(self, test_results: dict[str, Any]) -> dict[str, float]:
        total_tests = test_results["total_tests"]
        passed_tests = test_results["passed_tests"]
        return {
            "overall_coverage": passed_tests / total_tests if total_tests > 0 else 0.0,
            "component_coverage": self.calculate_component_coverage(test_results),
            "api_coverage": self.calculate_api_coverage(test_results),
            "e2e_coverage": self.calculate_e2e_coverage(test_results),
        }

    def _share(self, test_results: dict[str, Any], words: tuple[str, ...]) -> float:
        tests = [
            t for t in test_results["test_details"] if any(w in t["name"].lower() for w in words)
        ]
        if not tests:
            return 0.0
        return sum(1 for t in tests if t["status"] == "passed") / len(tests)

    def calculate_component_coverage(self, test_results: dict[str, Any]) -> float:
        return self._share(test_results, GROUPS["component"])

    def calculate_api_coverage(self, test_results: dict[str, Any]) -> float:
        return self._share(test_results, GROUPS["api"])

    def calculate_e2e_coverage(self, test_results: dict[str, Any]) -> float:
        return self._share(test_results, GROUPS["e2e"])


PASS_RATES = {
    "overall_coverage": "checks passed",
    "component_coverage": "component checks passed",
    "api_coverage": "API checks passed",
    "e2e_coverage": "end-to-end checks passed",
}


def pass_rates(metrics: dict[str, float]) -> dict[str, float]:
    """The seed's metrics under what they measure: shares of checks passed, not coverage."""
    return {PASS_RATES[name]: value for name, value in metrics.items()}


def now() -> str:
    """This moment as the services stamp their records: scopes a client to what follows."""
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def load_results(path: str | Path) -> RunRecord | None:
    """A run's record (its results.json), or None when there is no run to read (a
    notebook on its own)."""
    if not path or not Path(path).exists():
        return None
    return RunRecord.read(Path(path).parent)


def _covering(results: RunRecord, requirement: str) -> tuple[bool, str]:
    """Ticked when checks name the requirement and every one of them passed."""
    checks = [t for t in results.test_details if requirement in t.covers]
    failed = [t for t in checks if not t.passed]
    said = f"{len(checks) - len(failed)} of {len(checks)} checks that cover it passed"
    if failed:
        said += f"; failed: {failed[0].notebook}: {failed[0].name}"
    return bool(checks) and not failed, said


def _reached(results: RunRecord, requirement: str) -> set[str]:
    """The services the covering checks' own exchanges reached."""
    return {
        e["service"]
        for t in results.test_details
        if requirement in t.covers
        for e in t.evidence
        if not e.get("sweep")
    }


def documented(folder: Path | None, results: RunRecord) -> tuple[bool, str]:
    """Whether the run's archive documents it: junit.xml holds every check, report.html
    names every notebook and the same totals, each executed notebook is kept."""
    if folder is None:
        return False, "no archive: run the suite with runeframe-nb run"
    from junitparser import JUnitXml

    problems = []
    done = [nb.name for nb in results.notebooks if nb.status not in ("queued", "running")]
    expected = sum(1 for t in results.test_details if t.notebook in done)
    try:
        suites = JUnitXml.fromfile(str(folder / "junit.xml"))
        cases = sum(1 for suite in suites if suite.name in done for _ in suite)
    except (OSError, ValueError) as exc:
        cases = -1
        problems.append(f"junit.xml unreadable ({exc})")
    if cases not in (-1, expected):
        problems.append(f"junit.xml holds {cases} cases for {expected} checks")
    report = folder / "report.html"
    page = report.read_text() if report.exists() else ""
    if not page:
        problems.append("no report.html")
    missing = [n for n in done if page and n not in page]
    if missing:
        problems.append(f"report.html does not name {', '.join(missing)}")
    totals = f"{results.passed_tests} of {results.total_tests} checks passed"
    if page and totals not in page:
        problems.append(f"report.html does not say {totals!r}")
    unarchived = [n for n in done if not (folder / f"{n}.ipynb").exists()]
    if unarchived:
        problems.append(f"no executed copy of {', '.join(unarchived)}")
    said = f"junit.xml: {cases} cases, report.html, {len(done)} executed notebooks"
    return not problems, "; ".join(problems) or said


def checklist(
    results: RunRecord | None, coverage: pd.DataFrame | None, archive: Path | None
) -> pd.DataFrame:
    """The seed's quality checklist, each item ticked from structured evidence: the checks
    that name it (`covers=`) all passed, and, where the item says "all", the evidence
    reaches all of it (every documented operation, every service)."""
    pd = pandas()
    if results is None:
        rows = [
            (item, False, "no run results: run the suite with runeframe-nb run")
            for item in REQUIREMENTS.values()
        ]
        return pd.DataFrame(rows, columns=["item", "ticked", "evidence"])
    evidence = {rid: _covering(results, rid) for rid in REQUIREMENTS}
    ticked, said = evidence["api-endpoints"]
    if coverage is not None and not coverage.empty:
        ops = coverage.groupby(["service", "operation"])["covered"].any()
        whole = bool(ops.all())
        said += f"; {int(ops.sum())} of {len(ops)} documented operations covered"
        evidence["api-endpoints"] = (ticked and whole, said)
    else:
        evidence["api-endpoints"] = (False, said + "; no coverage measured")
    ticked, said = evidence["component-interactions"]
    reached = _reached(results, "component-interactions")
    unreached = sorted(set(SERVICES) - reached)
    evidence["component-interactions"] = (
        ticked and not unreached,
        said
        + (
            f"; no such check reaches {', '.join(unreached)}"
            if unreached
            else "; all five services reached"
        ),
    )
    evidence["results-documented"] = documented(archive, results)
    rows = [(item, *evidence[rid]) for rid, item in REQUIREMENTS.items()]
    return pd.DataFrame(rows, columns=["item", "ticked", "evidence"])
