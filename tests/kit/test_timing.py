"""Timings: the latency budget names the operation over it, and a long run's samples
are kept evenly."""

from __future__ import annotations

import pytest

from runeframe_nb.openapi import RouteMatcher


def test_the_latency_budget_names_the_operation_over_it(monkeypatch: pytest.MonkeyPatch) -> None:
    from runeframe_nb import exchanges, timing

    log = timing.TimingLog()
    for n in range(5):
        log.record(
            timing.Sample("mercatrix", "http://m", "POST", "/transactions/", 201, 5.0 + n, 0)
        )
        log.record(timing.Sample("mercatrix", "http://m", "GET", "/healthz", 200, 900.0, 0))
    slow = [timing.Sample("hoardwell", "http://h", "POST", "/messages/", 201, 405.0, 0)] * 3
    for sample in slow:
        log.record(sample)
    matcher = RouteMatcher({"http://m": {"paths": {}}, "http://h": {"paths": {}}})
    monkeypatch.setattr(timing, "timings", lambda: log.frame(matcher))
    monkeypatch.setattr(exchanges, "journal", exchanges.Journal())
    found = timing.latency_budget(250)
    assert list(found.over["endpoint"]) == ["POST /messages/"]  # health is not an operation
    assert str(found) == "POST /messages/ 405 ms"
    assert timing.latency_budget(500).over.empty


def test_the_timing_log_keeps_a_long_run_evenly_not_its_last_requests() -> None:
    """Of 10,000 requests a log of 1,000 keeps about a tenth of each stretch: the first
    thousand are represented as well as the last (a bounded queue would keep only those)."""
    from runeframe_nb import timing

    log = timing.TimingLog(limit=1_000)
    for n in range(10_000):
        log.record(timing.Sample("api", "http://a", "GET", "/x", 200, float(n), float(n)))
    kept = log.frame(RouteMatcher({"http://a": {"paths": {}}}))["ms"]
    assert len(kept) == 1_000 and log.seen == 10_000
    per_stretch = kept.floordiv(2_000).value_counts()
    assert per_stretch.between(150, 250).all() and len(per_stretch) == 5, per_stretch.to_dict()
    assert list(kept) == sorted(kept)  # in the order they were taken
