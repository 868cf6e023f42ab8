"""Schema fuzzing: reading schemathesis' event log, and a seeded run against the stack."""

from __future__ import annotations

import json
from pathlib import Path

import runeframe_nb as rf
from runeframe_nb import fuzz


def event(kind: str, **body: object) -> str:
    return json.dumps({kind: body})


def test_the_report_gives_cases_failures_and_errors(tmp_path: Path) -> None:
    failing = {"name": "not_a_server_error", "status": "failure"}
    failing["failure_info"] = {  # type: ignore[assignment]
        "failure": {"code": "ST101", "title": "Server error", "operation": "PATCH /users/{id}/"}
    }
    case = {
        "method": "PATCH",
        "path": "/users/{id}/",
        "path_parameters": {"id": "u1"},
        "body": {"profile": {}},
    }
    log = tmp_path / "distilera.ndjson"
    log.write_text(
        "\n".join(
            [
                event(
                    "ScenarioFinished",
                    recorder={
                        "label": "PATCH /users/{id}/",
                        "cases": {"a": {"value": case}, "b": {"value": case}},
                        "checks": {"a": [failing], "b": [{"name": "x", "status": "success"}]},
                    },
                ),
                event("ScenarioFinished", recorder={"label": "GET /users/", "cases": {"c": {}}}),
                event(
                    "NonFatalError",
                    label="POST /deployments/",
                    value={"type": "ReadTimeout", "message": "read timed out\nmore lines"},
                ),
            ]
        )
    )
    result = fuzz.read_report("distilera", log)
    assert result.cases == 3 and not result.ok
    assert result.failures == [
        {
            "operation": "PATCH /users/{id}/",
            "check": "ST101 Server error",
            "request": 'PATCH /users/u1/ {"profile": {}}',
        }
    ]
    assert result.errors == [
        {"operation": "POST /deployments/", "error": "ReadTimeout: read timed out"}
    ]


def test_a_seeded_run_finds_no_server_error_in_any_service(
    own_environment: rf.Environment, tmp_path: Path
) -> None:
    results = fuzz.fuzz(own_environment, tmp_path, max_examples=5, seed=7)
    table = fuzz.summary(results)
    assert list(table.index) == ["api", "distilera", "hoardwell", "mercatrix", "jonar", "graphql"]
    assert (table["cases"] > 0).all()
    assert fuzz.failures(results).empty, fuzz.failures(results).to_string()
