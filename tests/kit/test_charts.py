"""The notebooks' charts: an empty input says so in the title instead of drawing nothing,
and what a chart draws adds up to its input."""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd
import plotly.io as pio
import pytest

from runeframe_nb import charts

NO_REQUESTS = pd.DataFrame(columns=["endpoint", "service", "ms", "status", "path"])


@pytest.mark.parametrize(
    ("draw", "said"),
    [
        (lambda: charts.latency_by_endpoint(NO_REQUESTS), "no requests recorded"),
        (lambda: charts.latency_histogram(NO_REQUESTS), "no requests recorded"),
        (lambda: charts.message_timeline([]), "no messages"),
        (lambda: charts.balance_flows([]), "no completed transfers"),
        (
            lambda: charts.replica_counts(pd.DataFrame(columns=["at", "replicas", "ready"])),
            "no samples",
        ),
    ],
)
def test_an_empty_input_is_a_titled_empty_chart(draw, said) -> None:  # type: ignore[no-untyped-def]
    assert said in draw().layout.title.text


def test_balance_flows_draw_completed_transfers_only_summed_per_pair() -> None:
    def transfer(source: str, target: str, amount: float, status: str = "completed") -> object:
        return SimpleNamespace(from_user=source, to_user=target, amount=amount, status=status)

    transfers = [
        transfer("ann", "bo", 10.0),
        transfer("ann", "bo", 5.5),
        transfer("bo", "cy", 3.0),
        transfer("cy", "ann", 99.0, status="failed"),
    ]
    sankey = charts.balance_flows(transfers).data[0]
    nodes = list(sankey.node.label)
    links = {
        (nodes[s], nodes[t]): v
        for s, t, v in zip(sankey.link.source, sankey.link.target, sankey.link.value, strict=True)
    }
    assert links == {("ann", "bo"): 15.5, ("bo", "cy"): 3.0}


def test_failed_requests_are_drawn_only_when_there_are_some() -> None:
    quiet = pd.DataFrame({"second": [1, 2], "requests": [10, 12], "failed": [0, 0]})
    failing = quiet.assign(failed=[0, 3])
    assert {t.name for t in charts.throughput_over_time(quiet).data} == {"successful"}
    assert {t.name for t in charts.throughput_over_time(failing).data} == {"successful", "failed"}


def test_charts_render_as_plotly_json_which_jupyterlab_draws_itself() -> None:
    charts.latency_histogram(NO_REQUESTS)
    assert pio.renderers.default == "plotly_mimetype"
