"""API coverage from evidence: a row for every documented response, covered only by a
check's evidence of that response; what the OWASP probes and the fuzzer sent is counted
beside it and never as coverage; a service's shares are its rows' arithmetic."""

from __future__ import annotations

from typing import Any

import runeframe_nb as rf
from runeframe_nb import coverage
from runeframe_nb.results import Check

DOCUMENT = {
    "paths": {
        "/healthz": {"get": {"responses": {"200": {}}}},
        "/users/": {"get": {"responses": {"200": {}, "401": {}}}, "parameters": []},
        "/users/{user_id}/": {"delete": {"responses": {"204": {}, "404": {}}}},
        "/ws/": {"get": {"responses": {"101": {}}, "x-messages": {"send": ["auth", "ping"]}}},
    }
}
SCHEMA = {"__schema": {"queryType": {"fields": [{"name": "user"}]}, "mutationType": None}}


def check(*evidence: dict[str, Any]) -> Check:
    return Check(area="a", name="n", status="passed", evidence=list(evidence))


def reached(method: str, operation: str, status: int, **more: Any) -> dict[str, Any]:
    return {
        "service": "distilera",
        "method": method,
        "operation": operation,
        "status": status,
    } | more


def test_every_documented_response_is_a_row_and_plumbing_is_not() -> None:
    rows = coverage.documented_rows({"distilera": DOCUMENT}, SCHEMA)
    assert rows == [
        ("distilera", "rest", "GET /users/", "200"),
        ("distilera", "rest", "GET /users/", "401"),
        ("distilera", "rest", "DELETE /users/{user_id}/", "204"),
        ("distilera", "rest", "DELETE /users/{user_id}/", "404"),
        ("distilera", "websocket", "send auth", "-"),
        ("distilera", "websocket", "send ping", "-"),
        ("distilera", "rest", "GET /ws/", "101"),
        ("api", "graphql", "query user", "200"),
    ]


def test_only_a_check_s_evidence_covers_and_sweeps_are_counted_apart() -> None:
    rows = coverage.documented_rows({"distilera": DOCUMENT}, None)
    checks = [
        check(reached("GET", "/users/", 200), reached("GET", "/users/", 200, count=2)),
        check(reached("DELETE", "/users/{user_id}/", 404, sweep="owasp")),
        check(reached("WS", "send auth", 101), reached("GET", "/users/", 500)),  # undocumented
    ]
    fuzzed = coverage.fuzzed_operations({"distilera": {"DELETE /users/{user_id}/": 7}})
    found = coverage.response_map(rows, checks, fuzzed).set_index(["operation", "response"])
    assert found.loc[("GET /users/", "200"), ["functional", "covered"]].tolist() == [3, True]
    deleted = found.loc[("DELETE /users/{user_id}/", "404")]
    assert (deleted.functional, deleted.owasp, deleted.fuzz, deleted.covered) == (0, 1, 7, False)
    assert found.loc[("send auth", "-"), "covered"]
    assert found["covered"].sum() == 2 and len(found) == len(rows)


def test_a_service_s_shares_are_its_rows_arithmetic() -> None:
    rows = coverage.documented_rows({"distilera": DOCUMENT, "jonar": DOCUMENT}, None)
    checks = [check(reached("GET", "/users/", 401))]
    summary = coverage.by_service(coverage.response_map(rows, checks))
    assert summary.loc["distilera"].tolist() == [5, 1, 7, 1, 0.2, round(1 / 7, 4)]
    assert summary.loc["jonar", "covered"] == 0


def test_the_documents_are_every_service_s_and_the_graphql_roots(
    environment: rf.Environment,
) -> None:
    documents, graphql = coverage.documents(environment)
    assert set(documents) == set(environment.urls)
    assert all(d["paths"] for d in documents.values())
    roots = coverage.documented_rows({}, graphql)
    assert ("api", "graphql", "query user", "200") in roots
    assert any(r[2].startswith("mutation ") for r in roots)
