"""The report's charts, from what a run archived (results.json and its facts).

A chart registers itself with `@chart(name)`; the report draws every registered chart
that has data, in the order they are written here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go

from runeframe_nb import charts
from runeframe_nb.results import Fact

from .archive import Run, history

PERCENTILES = ["p50_ms", "p90_ms", "p95_ms", "p99_ms", "p999_ms", "max_ms"]
Chart = Callable[[Run], go.Figure | None]
CHARTS: dict[str, Chart] = {}


def chart(name: str) -> Callable[[Chart], Chart]:
    """Register a chart of the report under `name`."""

    def register(draw: Chart) -> Chart:
        CHARTS[name] = draw
        return draw

    return register


@chart("coverage")
def coverage(run: Run) -> go.Figure | None:
    table = run.fact(Fact.API_COVERAGE)
    if not table:
        return None
    return charts.coverage_by_service(pd.DataFrame(table).set_index("service"))


@chart("latency by area")
def latency_by_area(run: Run) -> go.Figure | None:
    """One box per notebook of the latencies its requests saw (kept by `rf.checks()`)."""
    rows = [
        {"notebook": notebook, "endpoint": endpoint, "ms": ms}
        for notebook, endpoint, samples in run.latencies()
        for ms in samples
    ]
    if not rows:
        return None
    fig = px.box(
        pd.DataFrame(rows),
        x="ms",
        y="notebook",
        points=False,
        title="Request latency per area",
        labels={"ms": "latency (ms)", "notebook": ""},
    )
    fig.update_layout(xaxis_type="log", height=140 + 40 * len(run.facts))
    return fig


@chart("load percentiles")
def load_percentiles(run: Run) -> go.Figure | None:
    summary = run.fact(Fact.LOAD_SUMMARY)
    if not summary:
        return None
    fig = px.bar(
        x=[p.removesuffix("_ms") for p in PERCENTILES],
        y=[summary[p] for p in PERCENTILES],
        title=(
            f"Load test: {summary['rps']:,.0f} successful req/s, {summary['requests']:,} "
            f"requests, {summary.get('errors', 0):,} failed"
        ),
        labels={"x": "percentile", "y": "latency (ms)"},
    )
    return fig


@chart("load throughput")
def load_throughput(run: Run) -> go.Figure | None:
    """Throughput, latency and (when sampled) each service's resources on one time axis."""
    timeline = run.fact(Fact.LOAD_TIMELINE)
    if not timeline:
        return None
    resources = run.fact(Fact.LOAD_RESOURCES)
    saturated = run.fact(Fact.FIRST_SATURATED)
    title = "Load test: throughput, latency and resources" + (
        f"; first to saturate: {saturated}" if saturated else ""
    )
    return charts.load_over_time(
        pd.DataFrame(timeline), pd.DataFrame(resources) if resources else None, title
    )


@chart("sweep")
def sweep(run: Run) -> go.Figure | None:
    levels = run.fact(Fact.SWEEP)
    if not levels:
        return None
    return charts.percentiles_by_level(pd.DataFrame(levels), "Scalability sweep: latency per level")


@chart("trends")
def trends(run: Run) -> go.Figure | None:
    """Share of checks passed, wall time and load throughput over the archived runs up to
    this one."""
    runs = [r for r in history(run.folder.parent) if r.run_id <= run.run_id]
    if len(runs) < 2:
        return None
    rows: list[dict[str, Any]] = []
    for earlier in runs:
        s = earlier.summary()
        load = earlier.fact(Fact.LOAD_SUMMARY) or {}
        rows.append(
            {
                "run": s["run"],
                "profile": s["profile"],
                "checks passed (%)": 100 * s["passed"] / s["checks"] if s["checks"] else 0,
                "duration (s)": s["duration_s"],
                "load test req/s": load.get("rps"),
            }
        )
    frame = pd.DataFrame(rows).melt(id_vars=["run", "profile"], var_name="measure").dropna()
    fig = px.line(
        frame,
        x="run",
        y="value",
        color="profile",  # one line per environment: a change of profile is not a trend
        facet_row="measure",
        markers=True,
        title="Trends over the archived runs, per profile",
        labels={"value": ""},
    )
    fig.update_yaxes(matches=None)
    fig.for_each_annotation(lambda a: a.update(text=a.text.split("=")[-1]))
    fig.update_layout(height=600)
    return fig
