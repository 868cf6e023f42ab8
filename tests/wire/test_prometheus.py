"""The samples a reader wants from a /metrics page."""

from __future__ import annotations

from runeframe_wire.prometheus import sums

PAGE = """\
# HELP http_requests_total Requests.
# TYPE http_requests_total counter
http_requests_total{route="/users/",method="GET",status="200"} 7.0
http_requests_total{route="/healthz",method="GET",status="200"} 100.0
http_requests_total{route="/users/{id}",method="GET",status="404"} 3.0
http_requests_total_by_client{client="x"} 50.0
# TYPE http_request_duration_seconds histogram
http_request_duration_seconds_bucket{route="/users/",le="0.1"} 7.0
http_request_duration_seconds_sum{route="/users/"} 0.25
http_request_duration_seconds_count{route="/users/"} 7.0
process_resident_memory_bytes 1.5e+08
"""


def test_a_series_is_summed_over_its_labels_and_only_the_named_ones_are_read() -> None:
    found = sums(PAGE, ["http_requests_total", "process_resident_memory_bytes"])
    assert found == {"http_requests_total": 110.0, "process_resident_memory_bytes": 1.5e8}


def test_samples_whose_labels_are_skipped_are_left_out() -> None:
    probes = {"/healthz", "/metrics"}
    found = sums(PAGE, ["http_requests_total"], skip=lambda labels: labels.get("route") in probes)
    assert found == {"http_requests_total": 10.0}


def test_a_histograms_sum_and_count_read_alone_and_a_missing_series_is_absent() -> None:
    names = ["http_request_duration_seconds_sum", "http_request_duration_seconds_count", "nope"]
    assert sums(PAGE, names) == {
        "http_request_duration_seconds_sum": 0.25,
        "http_request_duration_seconds_count": 7.0,
    }
