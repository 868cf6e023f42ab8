"""What changed between two runs: checks that turned, latency and throughput that moved
beyond a threshold, coverage that changed."""

from __future__ import annotations

import html
import statistics
from dataclasses import dataclass
from typing import Any

import pandas as pd

from .archive import Run


@dataclass
class RunDiff:
    before: str
    after: str
    checks: pd.DataFrame  # notebook, check, before, after, change
    latency: pd.DataFrame  # notebook, endpoint, before_ms, after_ms, change
    load: pd.DataFrame  # measure, before, after, change
    coverage: pd.DataFrame  # service, before, after

    @property
    def empty(self) -> bool:
        return all(f.empty for f in (self.checks, self.latency, self.load, self.coverage))

    def sections(self) -> dict[str, pd.DataFrame]:
        return {
            "Checks that changed": self.checks,
            "Latency beyond the threshold (median per endpoint)": self.latency,
            "Load test beyond the threshold": self.load,
            "API coverage that changed": self.coverage,
        }

    def to_html(self) -> str:
        parts = [f"<h1>{html.escape(self.before)} → {html.escape(self.after)}</h1>"]
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
        was = old[key]["status"] if key in old else "absent"
        now = new[key]["status"] if key in new else "absent"
        if was == now:
            continue
        change = {
            ("passed", "failed"): "newly failing",
            ("failed", "passed"): "newly passing",
        }.get((was, now), "added" if was == "absent" else "removed")
        detail = new.get(key, old.get(key, {})).get("detail", "")
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


def _medians(run: Run) -> dict[tuple[str, str], float]:
    return {
        (notebook, endpoint): statistics.median(samples)
        for notebook, endpoint, samples in run.latencies()
        if samples
    }


def _latency(a: Run, b: Run, threshold: float, floor_ms: float) -> pd.DataFrame:
    old, new = _medians(a), _medians(b)
    rows = []
    for key in sorted(old.keys() & new.keys()):
        before, after = old[key], new[key]
        change = _relative(before, after)
        if abs(change) >= threshold and abs(after - before) >= floor_ms:
            rows.append(
                {
                    "notebook": key[0],
                    "endpoint": key[1],
                    "before_ms": round(before, 2),
                    "after_ms": round(after, 2),
                    "change": f"{change:+.0%}",
                }
            )
    return pd.DataFrame(rows, columns=["notebook", "endpoint", "before_ms", "after_ms", "change"])


def _load(a: Run, b: Run, threshold: float) -> pd.DataFrame:
    old, new = a.fact("load_summary") or {}, b.fact("load_summary") or {}
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
        return {row["service"]: row["coverage"] for row in run.fact("api_coverage") or []}

    old, new = shares(a), shares(b)
    rows = [
        {"service": s, "before": old.get(s), "after": new.get(s)}
        for s in sorted(old.keys() | new.keys())
        if old.get(s) != new.get(s)
    ]
    return pd.DataFrame(rows, columns=["service", "before", "after"])


def diff_runs(a: Run, b: Run, threshold: float = 0.2, floor_ms: float = 1.0) -> RunDiff:
    """Run `b` against run `a`: latency and load changes count from `threshold` (relative)
    and, for latency, `floor_ms` (absolute), so noise in sub-millisecond medians is quiet."""
    return RunDiff(
        before=a.run_id,
        after=b.run_id,
        checks=_checks(a, b),
        latency=_latency(a, b, threshold, floor_ms),
        load=_load(a, b, threshold),
        coverage=_coverage(a, b),
    )
