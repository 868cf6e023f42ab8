"""What changed between two runs, each side named by its profile: what the system does
(checks that turned, coverage) apart from where it runs (latency, throughput).

A latency change is reported only where the samples support it: per endpoint, over every
notebook of the run, a two-sided Mann-Whitney U test (scipy) between the two runs'
latencies, with at least MIN_SAMPLES on each side, and the medians must differ by the
threshold (relative) and the floor (absolute). A run tests a hundred endpoints at once, so
the p-values are adjusted for that (Benjamini-Hochberg: of the changes reported, at most
`alpha` are expected to be chance) before they are held against `alpha`. An endpoint
whose medians moved that far with too few samples is listed as "not enough samples".
"""

from __future__ import annotations

import html
import statistics
from dataclasses import dataclass
from typing import Any

import pandas as pd

from runeframe_nb.results import Fact

from .archive import Run

MIN_SAMPLES = 20
ALPHA = 0.01


@dataclass
class RunDiff:
    before: str
    after: str
    checks: pd.DataFrame  # notebook, check, before, after, change
    latency: pd.DataFrame  # endpoint, samples, before_ms, after_ms, change, verdict
    load: pd.DataFrame  # measure, before, after, change
    coverage: pd.DataFrame  # service, before, after
    before_profile: str = ""
    after_profile: str = ""

    @property
    def empty(self) -> bool:
        return all(f.empty for f in (self.checks, self.latency, self.load, self.coverage))

    @property
    def title(self) -> str:
        return (
            f"{self.before} ({self.before_profile or '?'}) → "
            f"{self.after} ({self.after_profile or '?'})"
        )

    def sections(self) -> dict[str, pd.DataFrame]:
        where = (
            f"profile {self.before_profile} against {self.after_profile}"
            if self.before_profile != self.after_profile
            else f"both on profile {self.after_profile}"
        )
        return {
            "Behavioural: checks that changed": self.checks,
            "Behavioural: API coverage that changed": self.coverage,
            f"Environmental ({where}): latency, median per endpoint": self.latency,
            f"Environmental ({where}): load test beyond the threshold": self.load,
        }

    def to_html(self) -> str:
        parts = [f"<h1>{html.escape(self.title)}</h1>"]
        for title, frame in self.sections().items():
            parts.append(f"<h2>{html.escape(title)}</h2>")
            parts.append(frame.to_html(index=False, border=0) if not frame.empty else "<p>none</p>")
        style = "body{font:14px system-ui;margin:2rem}td,th{padding:.2rem .6rem}"
        body = "\n".join(parts)
        head = (
            f'<meta charset="utf-8"><title>{html.escape(self.after)}</title><style>{style}</style>'
        )
        return f"<!DOCTYPE html><html><head>{head}</head><body>{body}</body></html>"


def _relative(before: float, after: float) -> float:
    return (after - before) / before if before else float("inf")


def _checks(a: Run, b: Run) -> pd.DataFrame:
    old, new = a.checks(), b.checks()
    rows = []
    for key in sorted(old.keys() | new.keys()):
        was = old[key].status if key in old else "absent"
        now = new[key].status if key in new else "absent"
        if was == now:
            continue
        change = {
            ("passed", "failed"): "newly failing",
            ("failed", "passed"): "newly passing",
        }.get((was, now), "added" if was == "absent" else "removed")
        detail = (new.get(key) or old[key]).detail
        rows.append(
            {
                "notebook": key[0],
                "check": key[1],
                "change": change,
                "before": was,
                "after": now,
                "detail": detail,
            }
        )
    order = {"newly failing": 0, "removed": 1, "newly passing": 2, "added": 3}
    frame = pd.DataFrame(rows, columns=["notebook", "check", "change", "before", "after", "detail"])
    return frame.sort_values("change", key=lambda c: c.map(order), kind="stable")


def _samples(run: Run) -> dict[str, list[float]]:
    """Every latency kept per endpoint, over all the run's notebooks."""
    found: dict[str, list[float]] = {}
    for _, endpoint, samples in run.latencies():
        found.setdefault(endpoint, []).extend(samples)
    return found


def _latency(a: Run, b: Run, threshold: float, floor_ms: float, alpha: float) -> pd.DataFrame:
    from scipy.stats import false_discovery_control, mannwhitneyu

    old, new = _samples(a), _samples(b)
    tested, rows = [], []
    for endpoint in sorted(old.keys() & new.keys()):
        was, now = old[endpoint], new[endpoint]
        if not was or not now:
            continue
        before, after = statistics.median(was), statistics.median(now)
        change = _relative(before, after)
        row = {
            "endpoint": endpoint,
            "samples": f"{len(was)} / {len(now)}",
            "before_ms": round(before, 2),
            "after_ms": round(after, 2),
            "change": f"{change:+.0%}",
        }
        moved = abs(change) >= threshold and abs(after - before) >= floor_ms
        if min(len(was), len(now)) >= MIN_SAMPLES:  # every endpoint tested is in the family
            p = float(mannwhitneyu(was, now, alternative="two-sided").pvalue)
            tested.append((row, p, after > before, moved))
        elif moved:
            needed = f"{len(was)} and {len(now)}; {MIN_SAMPLES} needed"
            rows.append({**row, "verdict": f"not enough samples ({needed})"})
    adjusted = false_discovery_control([p for _, p, _, _ in tested]) if tested else []
    for (row, _, slower, moved), q in zip(tested, adjusted, strict=True):
        if moved and q < alpha:
            verdict = f"{'slower' if slower else 'faster'} (Mann-Whitney, BH-adjusted p={q:.1e})"
            rows.append({**row, "verdict": verdict})
    columns = ["endpoint", "samples", "before_ms", "after_ms", "change", "verdict"]
    return pd.DataFrame(rows, columns=columns).sort_values("endpoint", ignore_index=True)


def _load(a: Run, b: Run, threshold: float) -> pd.DataFrame:
    old, new = a.fact(Fact.LOAD_SUMMARY) or {}, b.fact(Fact.LOAD_SUMMARY) or {}
    rows = []
    for measure in ("rps", "p50_ms", "p95_ms", "p99_ms", "error_rate"):
        if measure in old and measure in new:
            change = _relative(float(old[measure]), float(new[measure]))
            if abs(change) >= threshold and old[measure] != new[measure]:
                rows.append(
                    {
                        "measure": measure,
                        "before": old[measure],
                        "after": new[measure],
                        "change": f"{change:+.0%}",
                    }
                )
    return pd.DataFrame(rows, columns=["measure", "before", "after", "change"])


def _coverage(a: Run, b: Run) -> pd.DataFrame:
    def shares(run: Run) -> dict[str, Any]:
        return {row["service"]: row["coverage"] for row in run.fact(Fact.API_COVERAGE) or []}

    old, new = shares(a), shares(b)
    rows = [
        {"service": s, "before": old.get(s), "after": new.get(s)}
        for s in sorted(old.keys() | new.keys())
        if old.get(s) != new.get(s)
    ]
    return pd.DataFrame(rows, columns=["service", "before", "after"])


def diff_runs(
    a: Run, b: Run, threshold: float = 0.2, floor_ms: float = 1.0, alpha: float = ALPHA
) -> RunDiff:
    """Run `b` against run `a`: latency and load changes count from `threshold` (relative)
    and, for latency, `floor_ms` (absolute) and a rank test at `alpha`."""
    return RunDiff(
        before=a.run_id,
        after=b.run_id,
        checks=_checks(a, b),
        latency=_latency(a, b, threshold, floor_ms, alpha),
        load=_load(a, b, threshold),
        coverage=_coverage(a, b),
        before_profile=a.summary()["profile"],
        after_profile=b.summary()["profile"],
    )
