"""Real API coverage: which documented operations the stack actually served during a run.

Each service publishes its operations (method + path template) in /openapi.json and
counts the requests it served per operation and status in /metrics. An operation is
covered when it answered at least one request without a server error. Nothing here
looks at test names: the services' own counters are the evidence.
"""

from __future__ import annotations

from collections import defaultdict

import httpx
import pandas as pd
from prometheus_client.parser import text_string_to_metric_families

from .environment import Environment, active
from .openapi import operations

REQUESTS = "http_requests_total"


def served(metrics_text: str) -> dict[tuple[str, str], int]:
    """Requests answered without a 5xx, per (method, route template)."""
    counts: dict[tuple[str, str], int] = defaultdict(int)
    for family in text_string_to_metric_families(metrics_text):
        for sample in family.samples:
            if sample.name != REQUESTS or sample.labels.get("status", "").startswith("5"):
                continue
            counts[(sample.labels["method"], sample.labels["route"])] += int(sample.value)
    return counts


def operation_table(environment: Environment | None = None) -> pd.DataFrame:
    """One row per documented operation of every service: requests served, covered or not."""
    env = environment or active()
    rows = []
    with httpx.Client(timeout=10) as client:
        for service, url in env.urls.items():
            document = client.get(f"{url}/openapi.json").json()
            counts = served(client.get(f"{url}/metrics").text)
            for op in operations(document):
                requests = counts.get((op.method, op.template), 0)
                rows.append(
                    {
                        "service": service,
                        "operation": f"{op.method} {op.template}",
                        "requests": requests,
                        "covered": requests > 0,
                    }
                )
    return pd.DataFrame(rows, columns=["service", "operation", "requests", "covered"])


def by_service(table: pd.DataFrame) -> pd.DataFrame:
    """Operations, covered operations and coverage (0..1) per service."""
    grouped = table.groupby("service", sort=False)["covered"]
    summary = pd.DataFrame({"operations": grouped.size(), "covered": grouped.sum()})
    summary["coverage"] = (summary["covered"] / summary["operations"]).round(4)
    return summary
