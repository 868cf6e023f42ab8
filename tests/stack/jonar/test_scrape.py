"""Jonar's scraper: a replica's /metrics page read as Prometheus would, probes left out, and
rates that are the difference of the samples inside the window over the time between them."""

from __future__ import annotations

from collections import deque

import pytest

from runeframe_stack.jonar.scrape import Sample, Scraper, parse

PAGE = """\
# TYPE http_requests_total counter
http_requests_total{service="mercatrix",method="GET",route="/accounts/{user_id}/",status="200"} 40
http_requests_total{service="mercatrix",method="POST",route="/transactions/",status="201"} 2
http_requests_total{service="mercatrix",method="GET",route="/healthz",status="200"} 900
http_requests_total{service="mercatrix",method="GET",route="/metrics",status="200"} 30
# TYPE http_request_duration_seconds histogram
http_request_duration_seconds_sum{service="mercatrix",route="/transactions/"} 0.5
http_request_duration_seconds_count{service="mercatrix",route="/transactions/"} 2
http_request_duration_seconds_sum{service="mercatrix",route="/healthz"} 9.0
http_request_duration_seconds_count{service="mercatrix",route="/healthz"} 900
# TYPE process_cpu_seconds_total counter
process_cpu_seconds_total 3.5
# TYPE process_resident_memory_bytes gauge
process_resident_memory_bytes 5.0e+07
"""


def test_a_page_is_one_sample_of_traffic_without_the_probes() -> None:
    sample = parse(PAGE)
    assert (sample.requests, sample.latency_sum, sample.latency_count) == (42, 0.5, 2)
    assert (sample.cpu_seconds, sample.memory_bytes) == (3.5, 5.0e7)


def sample(at: float, requests: float, cpu: float = 0.0) -> Sample:
    return Sample(at, requests, requests * 0.01, requests, cpu, 1e6 + at)


@pytest.mark.parametrize(
    ("window", "per_second"),
    [(2.0, (100 - 20) / 2), (6.0, (100 - 10) / 6), (10.0, (100 - 0) / 10), (60.0, 100 / 10)],
)
def test_a_rate_is_the_difference_inside_the_window(window: float, per_second: float) -> None:
    scraper = Scraper(peers=None)  # type: ignore[arg-type]
    scraper.samples["u"] = deque([sample(0, 0), sample(4, 10), sample(8, 20), sample(10, 100)])
    rates = scraper.rates("u", window)
    assert rates is not None and rates.requests_per_second == pytest.approx(per_second)
    assert rates.mean_latency_ms == pytest.approx(10.0) and rates.memory_bytes == 1e6 + 10


def test_no_rate_from_one_sample_and_never_a_negative_one_after_a_restart() -> None:
    scraper = Scraper(peers=None)  # type: ignore[arg-type]
    scraper.samples["u"] = deque([sample(0, 50)])
    assert scraper.rates("u", 10) is None
    scraper.samples["u"].append(sample(5, 3, cpu=-1))  # the replica restarted: counters reset
    rates = scraper.rates("u", 10)
    assert rates is not None and (rates.requests_per_second, rates.cpu_percent) == (0.0, 0.0)
