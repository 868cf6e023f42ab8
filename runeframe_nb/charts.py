"""Plotly charts the notebooks show: latencies, message timelines, money flows, replicas, coverage.

Figures render as plotly's JSON mimetype: JupyterLab draws it natively and a stored
notebook stays small (no copy of plotly.js per notebook).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._tables import pandas

if TYPE_CHECKING:
    import pandas as pd
    import plotly.graph_objects as go


def _plotly() -> tuple[Any, Any]:
    """plotly.express and plotly.graph_objects, with our renderer and template, imported
    when the first chart is drawn: with pandas they take 0.7 s to import, which a kernel
    that draws nothing, and every command, would otherwise pay at `import runeframe_nb`."""
    import plotly.express as px
    import plotly.graph_objects as go
    import plotly.io as pio

    pio.renderers.default = "plotly_mimetype"
    pio.templates.default = "plotly_white"
    return px, go


def latency_by_endpoint(frame: pd.DataFrame, title: str = "Latency per endpoint") -> go.Figure:
    """A box per endpoint of request latencies in ms, every request drawn as a point."""
    px, go = _plotly()
    if frame.empty:
        return go.Figure(layout={"title": f"{title}: no requests recorded"})
    ordered = frame.sort_values("endpoint")
    fig = px.box(
        ordered,
        x="ms",
        y="endpoint",
        color="service",
        points="all",
        hover_data=["status", "path"],
        title=title,
        labels={"ms": "latency (ms)", "endpoint": ""},
    )
    fig.update_layout(height=120 + 40 * ordered["endpoint"].nunique(), showlegend=True)
    return fig


def latency_summary(frame: pd.DataFrame) -> pd.DataFrame:
    """Requests, median, p95 and max latency per endpoint."""
    pd = pandas()
    if frame.empty:
        return pd.DataFrame(columns=["requests", "p50_ms", "p95_ms", "max_ms"])
    grouped = frame.groupby("endpoint")["ms"]
    return pd.DataFrame(
        {
            "requests": grouped.size(),
            "p50_ms": grouped.median().round(2),
            "p95_ms": grouped.quantile(0.95).round(2),
            "max_ms": grouped.max().round(2),
        }
    )


def latency_histogram(frame: pd.DataFrame, title: str = "Latency distribution") -> go.Figure:
    """How request latencies spread, one colour per endpoint."""
    px, go = _plotly()
    if frame.empty:
        return go.Figure(layout={"title": f"{title}: no requests recorded"})
    fig = px.histogram(
        frame.sort_values("endpoint"),
        x="ms",
        color="endpoint",
        nbins=40,
        barmode="overlay",
        opacity=0.7,
        title=title,
        labels={"ms": "latency (ms)"},
    )
    fig.update_layout(yaxis_title="requests")
    return fig


def message_timeline(messages: list[Any], title: str = "Messages over time") -> go.Figure:
    """Each message as a point: when it was stored, who sent it, of which type."""
    pd = pandas()
    px, go = _plotly()
    if not messages:
        return go.Figure(layout={"title": f"{title}: no messages"})
    frame = pd.DataFrame(
        {
            "at": pd.to_datetime([m.created_at for m in messages]),
            "sender": [m.sender for m in messages],
            "type": [m.type for m in messages],
            "content": [m.content for m in messages],
        }
    )
    fig = px.scatter(
        frame,
        x="at",
        y="sender",
        color="type",
        hover_data=["content"],
        title=title,
        labels={"at": "stored at", "sender": ""},
    )
    fig.update_traces(marker={"size": 12})
    return fig


def balance_flows(transactions: list[Any], title: str = "Balance flows") -> go.Figure:
    """Completed transfers as a Sankey diagram: who paid whom, how much."""
    pd = pandas()
    _, go = _plotly()
    done = [t for t in transactions if t.status == "completed"]
    if not done:
        return go.Figure(layout={"title": f"{title}: no completed transfers"})
    frame = (
        pd.DataFrame(
            {
                "source": [t.from_user for t in done],
                "target": [t.to_user for t in done],
                "amount": [t.amount for t in done],
            }
        )
        .groupby(["source", "target"], as_index=False)["amount"]
        .sum()
    )
    nodes = sorted(set(frame["source"]) | set(frame["target"]))
    index = {name: n for n, name in enumerate(nodes)}
    fig = go.Figure(
        go.Sankey(
            node={"label": nodes, "pad": 18},
            link={
                "source": [index[s] for s in frame["source"]],
                "target": [index[t] for t in frame["target"]],
                "value": frame["amount"].tolist(),
            },
        )
    )
    fig.update_layout(title=title)
    return fig


def replica_counts(samples: pd.DataFrame, title: str = "Replicas over time") -> go.Figure:
    """Desired and ready replicas of a deployment as sampled (columns at, replicas, ready)."""
    px, go = _plotly()
    if samples.empty:
        return go.Figure(layout={"title": f"{title}: no samples"})
    long = samples.melt(id_vars="at", value_vars=["replicas", "ready"], var_name="count")
    fig = px.line(
        long,
        x="at",
        y="value",
        color="count",
        line_shape="hv",
        title=title,
        labels={"at": "seconds since start", "value": "replicas"},
    )
    return fig


def coverage_by_service(
    summary: pd.DataFrame, title: str = "API coverage per service, from the checks' evidence"
) -> go.Figure:
    """Share of each service's documented operations, and of its documented responses,
    that a functional check received."""
    px, _ = _plotly()
    frame = summary.reset_index()
    shares = ["coverage", "response coverage"] if "response coverage" in frame else ["coverage"]
    long = frame.melt(id_vars="service", value_vars=shares, var_name="of", value_name="share")
    long["of"] = long["of"].map({"coverage": "operations", "response coverage": "responses"})
    fig = px.bar(
        long,
        x="service",
        y="share",
        color="of",
        barmode="group",
        text="share",
        title=title,
        range_y=[0, 1.05],
        labels={"share": "covered by a functional check", "of": ""},
    )
    fig.update_traces(texttemplate="%{text:.0%}")
    fig.update_layout(yaxis_tickformat=".0%")
    return fig


def fuzz_cases(summary: pd.DataFrame, title: str = "Generated cases per target") -> go.Figure:
    """Cases schemathesis ran per target, the ones that failed stacked on top in red."""
    px, _ = _plotly()
    frame = summary.reset_index()
    frame["passed"] = frame["cases"] - frame["failures"]
    fig = px.bar(
        frame,
        x="target",
        y=["passed", "failures"],
        title=title,
        color_discrete_map={"passed": "#1a7f37", "failures": "#cf222e"},
        labels={"value": "cases", "variable": ""},
    )
    return fig


def percentiles_by_level(
    levels: pd.DataFrame, title: str = "Latency percentiles per load level"
) -> go.Figure:
    """p50/p95/p99 latency against users (a sweep's rows: users, p50_ms, p95_ms, p99_ms)."""
    px, _ = _plotly()
    long = levels.melt(
        id_vars="users", value_vars=["p50_ms", "p95_ms", "p99_ms"], var_name="percentile"
    )
    return px.line(
        long,
        x="users",
        y="value",
        color="percentile",
        markers=True,
        title=title,
        labels={"value": "latency (ms)", "users": "concurrent users"},
    )


def scalability(
    levels: pd.DataFrame, model: Any, title: str = "Throughput against users"
) -> go.Figure:
    """Measured throughput per level, linear scaling from the first level, and a fitted
    Universal Scalability Law curve (`model.throughput(n)`) with its knee marked."""
    import numpy as np

    _, go = _plotly()
    top = float(levels["users"].max())
    grid = np.linspace(1, top * 1.1, 200)
    first = levels.iloc[0]
    fig = go.Figure()
    fig.add_scatter(
        x=grid, y=model.throughput(grid), mode="lines", name="USL fit", line={"width": 2}
    )
    fig.add_scatter(
        x=grid,
        y=grid * first["rps"] / first["users"],
        mode="lines",
        name="linear",
        line={"dash": "dot", "color": "grey"},
    )
    fig.add_scatter(
        x=levels["users"], y=levels["rps"], mode="markers", name="measured", marker={"size": 10}
    )
    if model.knee_users <= top * 1.1:
        fig.add_vline(x=model.knee_users, line_dash="dash", annotation_text="knee (80% of linear)")
    fig.update_layout(
        title=title,
        xaxis_title="concurrent users",
        yaxis_title="requests per second",
        yaxis_rangemode="tozero",
    )
    return fig


def load_histogram(frame: pd.DataFrame, title: str = "Latency distribution") -> go.Figure:
    """An HDR histogram's buckets (columns ms, requests) as bars on a log count axis."""
    px, _ = _plotly()
    fig = px.bar(frame, x="ms", y="requests", title=title, labels={"ms": "latency (ms)"})
    fig.update_layout(yaxis_type="log", bargap=0)
    return fig


def throughput_over_time(frame: pd.DataFrame, title: str = "Throughput over time") -> go.Figure:
    """Successful (and, when any, failed) requests completed in each second of a load test
    (columns second, requests and failed): a failure is never drawn as work."""
    pd = pandas()
    px, _ = _plotly()
    measures = ["requests"] + (["failed"] if frame.get("failed", pd.Series()).sum() else [])
    long = frame.melt(id_vars="second", value_vars=measures, var_name="answer")
    long["answer"] = long["answer"].map({"requests": "successful", "failed": "failed"})
    return px.line(
        long,
        x="second",
        y="value",
        color="answer",
        markers=True,
        title=title,
        labels={"second": "second of the test", "value": "requests per second"},
    )


def load_over_time(
    timeline: pd.DataFrame,
    resources: pd.DataFrame | None = None,
    title: str = "Throughput, latency and resources over the load",
) -> go.Figure:
    """One time axis: requests per second (successful, failed), their mean and longest
    latency, and each service's CPU, event-loop lag and memory while the load ran."""
    px, go = _plotly()
    from plotly.subplots import make_subplots

    rows = ["requests per second", "latency (ms)"]
    measures = {"cpu_percent": "CPU (% of a core)", "loop_lag_ms": "loop lag (ms)"}
    measures["rss_mb"] = "memory (MB)"
    if resources is not None and not resources.empty:
        rows += list(measures.values())
    fig = make_subplots(
        rows=len(rows), cols=1, shared_xaxes=True, subplot_titles=rows, vertical_spacing=0.05
    )
    second = timeline["second"]
    lines = [
        (1, "successful", timeline["requests"]),
        (1, "failed", timeline.get("failed")),
        (2, "mean latency", timeline.get("mean_ms")),
        (2, "longest latency", timeline.get("max_ms")),
    ]
    for row, name, values in lines:
        if values is not None and values.notna().any():
            fig.add_trace(go.Scatter(x=second, y=values, name=name, mode="lines"), row=row, col=1)
    if resources is not None and not resources.empty:
        palette = px.colors.qualitative.Plotly
        for n, (service, frame) in enumerate(resources.groupby("service", sort=True)):
            for row, measure in enumerate(measures, start=3):
                fig.add_trace(
                    go.Scatter(
                        x=frame["second"],
                        y=frame[measure],
                        name=str(service),
                        legendgroup=str(service),
                        showlegend=row == 3,
                        mode="lines+markers",
                        line={"color": palette[n % len(palette)]},
                    ),
                    row=row,
                    col=1,
                )
    fig.update_xaxes(title_text="second of the test", row=len(rows), col=1)
    fig.update_layout(title=title, height=220 * len(rows))
    return fig
