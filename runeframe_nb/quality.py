"""Quality metrics as the seed defines them, and its checklist ticked from a run's evidence.

`TestQualityMetrics` is the seed's own arithmetic (coverage = passed share of the
tests whose names mention component, api, e2e or workflow); `checklist` ticks each
item of the seed's checklist only when the run holds the evidence for it, e.g. "All
API endpoints tested" only when every documented operation of every service was served.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

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


def now() -> str:
    """This moment as the services stamp their records: scopes a client to what follows."""
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def load_results(path: str | Path) -> dict[str, Any] | None:
    """A run's results.json, or None when there is no run to read (a notebook on its own)."""
    if not path or not Path(path).exists():
        return None
    results: dict[str, Any] = json.loads(Path(path).read_text())
    return results


def seed_view(results: dict[str, Any]) -> dict[str, Any]:
    """The results with each test named `area: name`, the names the seed's metrics read."""
    details = [{**t, "name": f"{t['area']}: {t['name']}"} for t in results["test_details"]]
    return {**results, "test_details": details}


def _area(results: dict[str, Any], *areas: str) -> tuple[bool, str]:
    checks = [t for t in results["test_details"] if t["area"] in areas]
    failed = [t for t in checks if t["status"] != "passed"]
    ticked = bool(checks) and not failed
    return (
        ticked,
        f"{len(checks) - len(failed)} of {len(checks)} checks passed in {', '.join(areas)}",
    )


def _named(results: dict[str, Any], *words: str) -> tuple[bool, str]:
    checks = [t for t in results["test_details"] if any(w in t["name"].lower() for w in words)]
    failed = [t for t in checks if t["status"] != "passed"]
    ticked = bool(checks) and not failed
    return (
        ticked,
        f"{len(checks) - len(failed)} of {len(checks)} checks about {'/'.join(words)} passed",
    )


def checklist(
    results: dict[str, Any] | None, coverage: pd.DataFrame | None, archived: bool
) -> pd.DataFrame:
    """The seed's quality checklist, each item ticked only from evidence."""
    if results is None:
        rows = [
            (item, False, "no run results: run the suite with runeframe-nb run") for item in ITEMS
        ]
        return pd.DataFrame(rows, columns=["item", "ticked", "evidence"])
    covered = int(coverage["covered"].sum()) if coverage is not None else 0
    operations = len(coverage) if coverage is not None else 0
    share = covered / operations if operations else 0.0
    evidence = {
        ITEMS[0]: _area(results, "component_integration", "data_flow"),
        ITEMS[1]: (
            operations > 0 and covered == operations,
            f"{covered} of {operations} documented operations served ({share:.0%})",
        ),
        ITEMS[2]: _area(results, "e2e_workflows"),
        ITEMS[3]: _area(results, "performance"),
        ITEMS[4]: _area(results, "security"),
        ITEMS[5]: _named(results, "error", "invalid", "refused", "404", "400", "401", "403"),
        ITEMS[6]: _named(results, "conserv", "consistent", "exactly once"),
        ITEMS[7]: _named(results, "isolat", "residue"),
        ITEMS[8]: _area(results, "test_data"),
        ITEMS[9]: (archived, "results.json and junit.xml written in the run's archive"),
    }
    rows = [(item, *evidence[item]) for item in ITEMS]
    return pd.DataFrame(rows, columns=["item", "ticked", "evidence"])


ITEMS = [
    "All component interactions tested",
    "All API endpoints tested",
    "All user workflows tested",
    "Performance requirements verified",
    "Security requirements verified",
    "Error scenarios tested",
    "Data consistency verified",
    "Test environment isolated",
    "Test data properly managed",
    "Test results documented",
]
