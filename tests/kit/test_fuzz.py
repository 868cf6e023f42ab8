"""Schema fuzzing: reading schemathesis' event log, and a seeded run against the stack."""

from __future__ import annotations

import json
from pathlib import Path

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
                        "interactions": {
                            "a": {"request": {"method": "PATCH"}, "response": {"elapsed": 0.25}},
                            "b": {"request": {"method": "PATCH"}, "response": {"elapsed": 1.5}},
                        },
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
    assert result.operations == {"PATCH /users/{id}/": 2, "GET /users/": 1}
    assert (result.slowest_ms, result.slowest) == (1500.0, "PATCH /users/{id}/")


def clean_log(tmp_path: Path, *more: str) -> Path:
    log = tmp_path / "api.ndjson"
    ok = event("ScenarioFinished", recorder={"label": "GET /healthz", "cases": {"a": {}}})
    log.write_text("\n".join([ok, *more]))
    return log


def test_a_clean_log_is_ok(tmp_path: Path) -> None:
    assert fuzz.read_report("api", clean_log(tmp_path)).ok


def test_a_fatal_error_fails_the_target(tmp_path: Path) -> None:
    result = fuzz.read_report("api", clean_log(tmp_path, event("FatalError", exception="boom")))
    assert not result.ok and result.fatal == ["fatal error: boom"]
    assert fuzz.failures([result])["check"].tolist() == ["fatal"]


def test_an_interrupted_run_fails_the_target(tmp_path: Path) -> None:
    result = fuzz.read_report("api", clean_log(tmp_path, event("Interrupted", phase="fuzzing")))
    assert not result.ok and result.fatal == ["interrupted before the end"]


def test_a_run_without_cases_is_not_ok(tmp_path: Path) -> None:
    log = tmp_path / "empty.ndjson"
    log.write_text(event("EngineFinished", running_time=0.1))
    assert not fuzz.read_report("api", log).ok


def test_an_unexplained_exit_code_fails_the_target(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import subprocess

    def schemathesis_crashes(command: list[str], **kw: object) -> subprocess.CompletedProcess[str]:
        report = Path(command[command.index("--report-ndjson-path") + 1])
        report.write_text(clean_log(tmp_path).read_text())
        return subprocess.CompletedProcess(command, 2, "", "Traceback...\nKeyError: 'x'")

    monkeypatch.setattr(fuzz.subprocess, "run", schemathesis_crashes)
    target = fuzz.FuzzTarget("api", "http://127.0.0.1:9/openapi.json")
    result = fuzz.run_target(target, None, tmp_path)
    assert not result.ok
    assert result.fatal == ["schemathesis exited with code 2: KeyError: 'x'"]
