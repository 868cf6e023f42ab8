"""The report's charts, from what a run archived: a chart is drawn only from data the run
gathered (a run without it draws none), and draws that data as published: percentiles
in order with the load test's own totals in the title, one latency box per notebook,
trends one line per profile over the runs up to this one."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from runeframe_nb.results import Fact
from runeframe_tools.report import charts
from runeframe_tools.report.archive import Run

from ..conftest import archived

SUMMARY = {
    "p50_ms": 2.0,
    "p90_ms": 5.5,
    "p95_ms": 7.0,
    "p99_ms": 12.25,
    "p999_ms": 30.0,
    "max_ms": 41.0,
    "rps": 1234.4,
    "requests": 61_720,
    "errors": 3,
}


PUBLISHED = [
    (n, float(ms)) for n, ms in [("02_rest_api", 4), ("02_rest_api", 5), ("02_rest_api", 6)]
]
PUBLISHED += [("08_performance", 1.0), ("08_performance", 2.0), ("08_performance", 3.0)]


def run_of(folder: Path, profile: str, facts: dict[str, Any]) -> Run:
    """A run with four checks (three passed) and the facts given."""
    record = {"duration": 12.5, "total_tests": 4, "passed_tests": 3, "failed_tests": 1}
    return archived(folder, facts, profile, **record)


def test_a_run_without_data_draws_no_chart(tmp_path: Path) -> None:
    empty = run_of(tmp_path / "20261207-000000-0001", "local", {})
    assert {name: draw(empty) for name, draw in charts.CHARTS.items()} == dict.fromkeys(
        charts.CHARTS
    )


def test_each_chart_draws_the_data_as_published(tmp_path: Path) -> None:
    facts = {
        "08_performance": {
            Fact.LOAD_SUMMARY: SUMMARY,
            Fact.LATENCY_MS: {"GET /users/": [1.0, 2.0, 3.0]},
        },
        "02_rest_api": {Fact.LATENCY_MS: {"POST /users/": [4.0], "GET /users/{id}/": [5.0, 6.0]}},
    }
    run_of(tmp_path / "20261207-000000-0001", "ci", {})
    run = run_of(tmp_path / "20261207-000000-0002", "local", facts)

    bars = charts.load_percentiles(run)
    assert bars is not None
    assert list(bars.data[0].x) == ["p50", "p90", "p95", "p99", "p999", "max"]
    assert list(bars.data[0].y) == [SUMMARY[p] for p in charts.PERCENTILES]
    assert bars.layout.title.text == (
        "Load test: 1,234 successful req/s, 61,720 requests, 3 failed"
    )
    boxes = charts.latency_by_area(run)
    assert boxes is not None
    drawn = sorted(zip(boxes.data[0].y, boxes.data[0].x, strict=True))
    assert drawn == [(notebook, ms) for notebook, ms in PUBLISHED]
    trends = charts.trends(run)
    assert trends is not None
    assert {trace.name for trace in trends.data} == {"ci", "local"}
