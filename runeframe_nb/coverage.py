"""API coverage from evidence: which documented responses a functional check received.

The map has a row for every documented response of every service (operation x status,
from its OpenAPI document), every query and mutation of the GraphQL schema (from
introspection) and every WebSocket message type (the /ws/ operation's `x-messages`).
A row is covered when a check's evidence (the exchanges it judged, exchanges.py) holds a
request to that operation answered with that status. A service's health, metrics and
OpenAPI document are its plumbing, not its function: they are neither rows nor
evidence. An operation is covered when one of its rows is. What the OWASP probes and
the schema fuzzer sent is counted in columns of their own and never as coverage: a
sweep of placeholder requests says nothing about whether the answers were checked.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from . import exchanges
from ._tables import pandas
from .environment import Environment, active
from .results import Check

if TYPE_CHECKING:
    import pandas as pd

COLUMNS = ["service", "kind", "operation", "response", "functional", "owasp", "fuzz", "covered"]
INTROSPECTION = "{ __schema { queryType { fields { name } } mutationType { fields { name } } } }"
_METHODS = ("get", "post", "put", "patch", "delete")


def documented_rows(
    documents: dict[str, dict[str, Any]], graphql: dict[str, Any] | None
) -> list[tuple[str, str, str, str]]:
    """(service, kind, operation, response) for everything the services document."""
    rows = []
    for service, document in documents.items():
        for template, item in document.get("paths", {}).items():
            if not exchanges.functional(template):  # health, metrics, the document itself
                continue
            for method, op in item.items():
                if method not in _METHODS:
                    continue
                for way, kinds in (op.get("x-messages") or {}).items():
                    rows += [(service, "websocket", f"{way} {kind}", "-") for kind in kinds]
                for status in op.get("responses", {}):
                    rows.append((service, "rest", f"{method.upper()} {template}", status))
    schema = (graphql or {}).get("__schema") or {}
    for kind, root in (("query", "queryType"), ("mutation", "mutationType")):
        for field in (schema.get(root) or {}).get("fields") or []:
            rows.append(("api", "graphql", f"{kind} {field['name']}", "200"))
    return rows


def documents(environment: Environment | None = None) -> tuple[dict[str, Any], dict[str, Any]]:
    """Every service's OpenAPI document, and the GraphQL schema's root fields."""
    env = environment or active()
    with env.http_client(timeout=10, headers=env.headers) as client:
        found = {s: client.get(f"{url}/openapi.json").json() for s, url in env.urls.items()}
        answer = client.post(f"{env.url('api')}/graphql/", json={"query": INTROSPECTION})
    return found, (answer.json().get("data") or {})


def _key(kind: str, method: str, operation: str) -> tuple[str, str]:
    """The map's (kind, operation) for an evidence entry's (method, operation)."""
    if method == "GRAPHQL":
        return "graphql", operation
    if method == "WS":
        return "websocket", operation
    return kind, f"{method} {operation}"


def response_map(
    rows: Iterable[tuple[str, str, str, str]],
    checks: Iterable[Check],
    fuzzed: dict[tuple[str, str], int] | None = None,
) -> pd.DataFrame:
    """The coverage map: each documented row with what reached it, by whom.

    `checks` are a run's checks with their `evidence`; `fuzzed` counts the fuzzer's
    cases per (service, operation)."""
    pd = pandas()
    functional: Counter[tuple[str, str, str, str]] = Counter()
    owasp: Counter[tuple[str, str, str, str]] = Counter()
    for check in checks:
        for e in check.evidence:
            kind, operation = _key("rest", e["method"], e["operation"])
            response = "-" if kind == "websocket" else str(e["status"])
            tally = owasp if e.get("sweep") == "owasp" else functional
            tally[(e["service"], kind, operation, response)] += e.get("count", 1)
    frame = pd.DataFrame(list(rows), columns=["service", "kind", "operation", "response"])
    keys = list(frame.itertuples(index=False, name=None))
    frame["functional"] = [functional.get(k, 0) for k in keys]
    frame["owasp"] = [owasp.get(k, 0) for k in keys]
    frame["fuzz"] = [(fuzzed or {}).get((k[0], k[2]), 0) for k in keys]
    frame["covered"] = frame["functional"] > 0
    return frame[COLUMNS]


def by_service(coverage: pd.DataFrame) -> pd.DataFrame:
    """Per service: operations and responses documented and covered, and their shares."""
    pd = pandas()
    ops = coverage.groupby(["service", "operation"], sort=False)["covered"].any().reset_index()
    per_op = ops.groupby("service", sort=False)["covered"]
    per_response = coverage.groupby("service", sort=False)["covered"]
    summary = pd.DataFrame(
        {
            "operations": per_op.size(),
            "covered": per_op.sum(),
            "responses": per_response.size(),
            "responses covered": per_response.sum(),
        }
    )
    summary["coverage"] = (summary["covered"] / summary["operations"]).round(4)
    summary["response coverage"] = (summary["responses covered"] / summary["responses"]).round(4)
    return summary


def fuzzed_operations(published: dict[str, dict[str, int]] | None) -> dict[tuple[str, str], int]:
    """The fuzzer's cases per (service, operation), from what its notebook published
    (cases per target and schemathesis label: `GET /users/{user_id}/`, `Query.user`)."""
    found: dict[tuple[str, str], int] = {}
    for target, labels in (published or {}).items():
        for label, cases in labels.items():
            if target == "graphql":
                root, _, name = label.partition(".")
                service, operation = "api", f"{root.lower()} {name}"
            else:
                service, operation = target, label
            found[(service, operation)] = found.get((service, operation), 0) + cases
    return found
