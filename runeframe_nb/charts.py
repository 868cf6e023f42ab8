"""Plotly charts a notebook shows: latency per endpoint (more in later sections).

Figures render as plotly's JSON mimetype: JupyterLab draws it natively and a stored
notebook stays small (no copy of plotly.js per notebook).
"""

from __future__ import annotations

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go
import plotly.io as pio

pio.renderers.default = "plotly_mimetype"
pio.templates.default = "plotly_white"


def latency_by_endpoint(frame: pd.DataFrame, title: str = "Latency per endpoint") -> go.Figure:
    """A box per endpoint of request latencies in ms, every request drawn as a point."""
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
