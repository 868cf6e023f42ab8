"""What a load test measured: HDR histograms per endpoint, statuses, errors, throughput per second.

Latencies are recorded in microseconds in HDR histograms (3 significant digits, up to
an hour), so memory stays flat however many requests are made, and histograms from
several worker processes merge exactly. A request only counts its latency (hdrh records
in Python, at about a third of the engine's cost per request); the counts go into the
histograms in bulk, a distinct value at a time, when read or when they grow past
`FOLD_AT` distinct values.

Successes and failures are counted apart, so a failure is never work: a refused
connection answers in microseconds, and counted with the rest it would lift the
throughput and flatter the percentiles. Throughput (`rps`) and the percentiles are the
successful answers'; `failed_rps` and `failed_p50_ms` say how the failures went. A
failure is no answer (status 0: refused, reset, timed out) or a status of 400 and up.
"""

from __future__ import annotations

import base64
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from hdrh.histogram import HdrHistogram

if TYPE_CHECKING:
    import pandas as pd

HIGHEST_US = 3_600_000_000
FOLD_AT = 4096  # distinct latencies an endpoint counts before they go into its histogram
GENERATOR = "load generator"  # how the generator's own load is named beside the services'
PERCENTILES = {"p50_ms": 50, "p90_ms": 90, "p95_ms": 95, "p99_ms": 99, "p999_ms": 99.9}


def histogram() -> HdrHistogram:
    return HdrHistogram(1, HIGHEST_US, 3)


@dataclass
class Measurements:
    """One process's measurements; `export`/`merge` carry them between processes."""

    started: float = 0.0
    failed: HdrHistogram = field(default_factory=histogram)  # failures' latencies
    statuses: Counter[tuple[str, int]] = field(default_factory=Counter)
    errors: Counter[str] = field(default_factory=Counter)
    per_second: Counter[int] = field(default_factory=Counter)  # successes completed
    failed_per_second: Counter[int] = field(default_factory=Counter)
    micros_per_second: Counter[int] = field(default_factory=Counter)  # successes' latency, summed
    slowest_per_second: dict[int, int] = field(default_factory=dict)  # and the longest
    # the generator's own load per second (merged: its busiest process), so that a run
    # tells its own limits from the target's: CPU seconds spent, and its loop's longest lag
    own_cpu_per_second: dict[int, float] = field(default_factory=dict)
    own_lag_per_second: dict[int, int] = field(default_factory=dict)  # microseconds
    elapsed: float = 0.0
    _histograms: dict[str, HdrHistogram] = field(default_factory=dict, init=False, repr=False)
    # per endpoint, latencies not yet in its histogram: microseconds -> requests
    _counted: dict[str, dict[int, int]] = field(default_factory=dict, init=False, repr=False)

    @property
    def endpoints(self) -> dict[str, HdrHistogram]:
        """The successes' latencies per endpoint, everything recorded so far included."""
        self._fold()
        return self._histograms

    def _fold(self) -> None:
        for endpoint, counted in self._counted.items():
            hist = self._histograms.get(endpoint)
            if hist is None:
                hist = self._histograms[endpoint] = histogram()
            for value, count in counted.items():
                hist.record_value(value, count)
        self._counted.clear()

    @property
    def total(self) -> HdrHistogram:
        """All endpoints together (recording once per request keeps the hot path short)."""
        merged = histogram()
        for h in self.endpoints.values():
            merged.add(h)
        return merged

    def record(self, endpoint: str, status: int, micros: int, at: float) -> None:
        value = min(max(micros, 1), HIGHEST_US)
        self.statuses[(endpoint, status)] += 1
        if 0 < status < 400:
            counted = self._counted.get(endpoint)
            if counted is None:
                counted = self._counted[endpoint] = {}
            counted[value] = counted.get(value, 0) + 1
            if len(counted) > FOLD_AT:
                self._fold()
            second = int(at - self.started)
            self.per_second[second] += 1
            self.micros_per_second[second] += value
            if value > self.slowest_per_second.get(second, 0):
                self.slowest_per_second[second] = value
        else:
            self.failed.record_value(value)
            self.failed_per_second[int(at - self.started)] += 1

    def error(self, endpoint: str, kind: str, micros: int, at: float) -> None:
        self.errors[kind] += 1
        self.record(endpoint, 0, micros, at)

    def own_load(self, at: float, cpu_seconds: float, lag_micros: int) -> None:
        """The generator looked at itself: CPU spent since its last look, and how late
        its event loop woke it."""
        second = int(at - self.started)
        self.own_cpu_per_second[second] = self.own_cpu_per_second.get(second, 0.0) + cpu_seconds
        if lag_micros > self.own_lag_per_second.get(second, 0):
            self.own_lag_per_second[second] = lag_micros

    def export(self) -> dict[str, Any]:
        def pack(h: HdrHistogram) -> str:
            return base64.b64encode(h.encode()).decode()

        return {
            "endpoints": {name: pack(h) for name, h in self.endpoints.items()},
            "failed": pack(self.failed),
            "statuses": [[e, s, n] for (e, s), n in self.statuses.items()],
            "errors": dict(self.errors),
            "per_second": dict(self.per_second),
            "failed_per_second": dict(self.failed_per_second),
            "micros_per_second": dict(self.micros_per_second),
            "slowest_per_second": dict(self.slowest_per_second),
            "own_cpu_per_second": dict(self.own_cpu_per_second),
            "own_lag_per_second": dict(self.own_lag_per_second),
            "elapsed": self.elapsed,
        }

    def merge(self, exported: dict[str, Any]) -> None:
        def unpack(text: str) -> HdrHistogram:
            return HdrHistogram.decode(base64.b64decode(text))

        for name, packed in exported["endpoints"].items():
            self.endpoints.setdefault(name, histogram()).add(unpack(packed))
        self.failed.add(unpack(exported["failed"]))
        for endpoint, status, n in exported["statuses"]:
            self.statuses[(endpoint, status)] += n
        self.errors.update(exported["errors"])
        self.per_second.update({int(k): v for k, v in exported["per_second"].items()})
        self.failed_per_second.update({int(k): v for k, v in exported["failed_per_second"].items()})
        self.micros_per_second.update({int(k): v for k, v in exported["micros_per_second"].items()})
        for name in ("slowest_per_second", "own_cpu_per_second", "own_lag_per_second"):
            mine = getattr(self, name)
            for second, value in exported.get(name, {}).items():
                mine[int(second)] = max(mine.get(int(second), 0), value)
        self.elapsed = max(self.elapsed, exported["elapsed"])


def _ms(h: HdrHistogram, percentile: float) -> float:
    return round(float(h.get_value_at_percentile(percentile)) / 1000, 3)


@dataclass(frozen=True)
class LoadVerdict:
    ok: bool  # failures within the rate allowed
    notes: list[str]  # one line each: failures past it, a generator that ran out


@dataclass
class LoadResult:
    """A finished load test; `summary()` is what `runeframe-nb load --json` prints."""

    model: str
    engine: str
    recorder: Measurements
    users: int
    workers: int
    rate: float | None = None

    def __post_init__(self) -> None:
        self.total = self.recorder.total  # the successful answers

    @property
    def requests(self) -> int:
        """Every request made, answered or not."""
        return sum(self.recorder.statuses.values())

    @property
    def errors(self) -> int:
        failed = sum(
            n for (_, status), n in self.recorder.statuses.items() if status == 0 or status >= 400
        )
        return int(failed)

    @property
    def ok(self) -> int:
        return self.requests - self.errors

    @property
    def rps(self) -> float:
        """Successful answers per second: failures are not work."""
        return self.ok / self.recorder.elapsed if self.recorder.elapsed else 0.0

    @property
    def failed_rps(self) -> float:
        return self.errors / self.recorder.elapsed if self.recorder.elapsed else 0.0

    @property
    def error_rate(self) -> float:
        return self.errors / self.requests if self.requests else 0.0

    def percentile(self, percentile: float) -> float:
        return _ms(self.total, percentile)

    def summary(self) -> dict[str, Any]:
        total = self.total
        own = self.generator()
        return {
            "engine": self.engine,
            "model": self.model,
            "users": self.users,
            "workers": self.workers,
            "rate": self.rate,
            "requests": self.requests,
            "ok": self.ok,
            "errors": self.errors,
            "error_rate": round(self.error_rate, 6),
            "duration_s": round(self.recorder.elapsed, 3),
            "rps": round(self.rps, 1),
            "failed_rps": round(self.failed_rps, 1),
            "failed_p50_ms": _ms(self.recorder.failed, 50),
            "mean_ms": round(total.get_mean_value() / 1000, 3),
            **{name: _ms(total, p) for name, p in PERCENTILES.items()},
            "max_ms": round(total.get_max_value() / 1000, 3),
            "error_kinds": dict(self.recorder.errors),
            # the generator's own peaks (none from Locust, which does not say)
            "generator_cpu_percent": max((r["cpu_percent"] for r in own), default=None),
            "generator_lag_ms": max((r["loop_lag_ms"] for r in own), default=None),
        }

    def verdict(self, max_error_rate: float = 0.0) -> LoadVerdict:
        """Whether the result stands: failures within `max_error_rate`; and what a reader
        must know, one line each (the failures past it, a generator that ran out and so
        measured itself)."""
        from .resources import saturation

        notes = []
        busy, _ = saturation(self.generator())
        if busy:
            notes.append(
                f"the load generator ran out ({busy}): these figures are its limit, not the "
                "target's; spread the load over more workers"
            )
        ok = self.error_rate <= max_error_rate
        if not ok:
            kinds = ", ".join(f"{k} {n}" for k, n in self.recorder.errors.items())
            notes.append(
                f"{self.errors:,} of {self.requests:,} requests failed ({self.error_rate:.1%}, "
                f"more than the {max_error_rate:.1%} allowed): {kinds or 'statuses >= 400'}"
            )
        return LoadVerdict(ok, notes)

    def endpoints(self) -> pd.DataFrame:
        """Requests, errors and the successes' percentiles per endpoint."""
        import pandas as pd

        made: Counter[str] = Counter()
        failed: Counter[str] = Counter()
        for (name, status), n in self.recorder.statuses.items():
            made[name] += n
            if status == 0 or status >= 400:
                failed[name] += n
        rows = []
        for name in sorted(made):
            h = self.recorder.endpoints.get(name, histogram())
            row: dict[str, Any] = {"endpoint": name, "requests": made[name], "errors": failed[name]}
            row.update({k: _ms(h, p) for k, p in PERCENTILES.items()})
            row["max_ms"] = round(h.get_max_value() / 1000, 3)
            rows.append(row)
        return pd.DataFrame(rows).set_index("endpoint") if rows else pd.DataFrame()

    def statuses(self) -> pd.DataFrame:
        """Answers per endpoint and status (0: no answer: refused, reset, timed out)."""
        import pandas as pd

        rows = [
            {"endpoint": e, "status": s, "requests": n}
            for (e, s), n in sorted(self.recorder.statuses.items())
        ]
        return pd.DataFrame(rows, columns=["endpoint", "status", "requests"])

    def timeline(self) -> pd.DataFrame:
        """Per second of the test: successful and failed requests completed, and the
        successes' mean and longest latency."""
        import pandas as pd

        recorder = self.recorder
        ok, failed = recorder.per_second, recorder.failed_per_second
        seconds = sorted(ok.keys() | failed.keys())
        return pd.DataFrame(
            {
                "second": seconds,
                "requests": [ok[s] for s in seconds],
                "failed": [failed[s] for s in seconds],
                "mean_ms": [
                    round(recorder.micros_per_second[s] / ok[s] / 1000, 3) if ok[s] else None
                    for s in seconds
                ],
                "max_ms": [recorder.slowest_per_second.get(s, 0) / 1000 for s in seconds],
            }
        )

    def generator(self) -> list[dict[str, Any]]:
        """Per second of the test, the generator's own CPU (% of a core, of its busiest
        process) and its event loop's longest lag: a generator short of either measured
        itself. Records as `Resources.samples` has its rows, each at the end of its second
        (no pandas: the command line's summary needs none)."""
        recorder = self.recorder
        rows = []
        for second, cpu in sorted(recorder.own_cpu_per_second.items()):
            length = min(1.0, recorder.elapsed - second)
            if length < 0.5:  # a last moment too short to say anything
                continue
            rows.append(
                {
                    "second": round(second + length, 2),
                    "service": GENERATOR,
                    "cpu_percent": round(100 * cpu / length, 1),
                    "loop_lag_ms": recorder.own_lag_per_second.get(second, 0) / 1000,
                }
            )
        return rows

    def histogram(self, buckets: int = 60) -> pd.DataFrame:
        """Latency distribution as (ms, requests) rows, from the HDR histogram."""
        import pandas as pd

        rows = [
            {"ms": item.value_iterated_to / 1000, "requests": item.count_added_in_this_iter_step}
            for item in self.total.get_recorded_iterator()
        ]
        frame = pd.DataFrame(rows, columns=["ms", "requests"])
        if len(frame) > buckets:
            frame["ms"] = pd.cut(frame["ms"], buckets).map(lambda i: round(i.mid, 3)).astype(float)
            frame = frame.groupby("ms", as_index=False)["requests"].sum()
        return frame
