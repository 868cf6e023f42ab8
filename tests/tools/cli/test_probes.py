"""The probing commands: `runeframe-nb load` prints one JSON object, fails past the
error rate and says when the generator measured itself."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from runeframe_nb import load
from runeframe_nb.load.stats import Measurements
from runeframe_process import any_free_port


def test_the_command_fails_past_the_error_rate(tmp_path: Path) -> None:
    """Nothing listens: every request fails, the exit code says so (as Locust's does)."""
    url = f"http://127.0.0.1:{any_free_port()}/"
    command = [sys.executable, "-m", "runeframe_tools", "load", url, "--requests", "50"]
    done = subprocess.run([*command, "--workers", "1"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert done.stderr.strip() == (
        "runeframe-nb: 50 of 50 requests failed (100.0%, more than the 0.0% allowed): "
        "ConnectionRefusedError 50"
    )
    assert "0 ok = 0 req/s, 50 failed" in done.stdout
    tolerated = [*command, "--workers", "1", "--max-error-rate", "1", "--json"]
    done = subprocess.run(tolerated, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and json.loads(done.stdout)["rps"] == 0


def test_the_command_prints_one_json_object(target: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "runeframe_tools", "load", target, "--requests", "500", "--json"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    summary = json.loads(done.stdout)
    assert summary["requests"] == 500
    assert {"requests", "errors", "rps", "p50_ms", "p95_ms", "p99_ms", "max_ms"} <= summary.keys()


def test_the_command_says_when_the_generator_measured_itself(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from typer.testing import CliRunner

    from runeframe_tools.cli import app

    def saturated(plan: load.LoadPlan) -> load.LoadResult:
        recorder = Measurements(started=0.0)
        recorder.record("GET /", 200, 1_000, 0.5)
        for second in range(3):
            recorder.own_load(second + 0.5, 0.97, 3_000)
        recorder.elapsed = 3.0
        return load.LoadResult("closed", "saturated", recorder, 1, 1)

    monkeypatch.setitem(load.ENGINES, "saturated", saturated)
    command = ["load", "http://127.0.0.1:9/", "--requests", "1", "--engine", "saturated"]
    done = CliRunner().invoke(app, command)
    assert done.exit_code == 0
    assert done.stderr.strip() == (
        "runeframe-nb: the load generator ran out (load generator cpu_percent at 2 s "
        "(limit 90)): these figures are its limit, not the target's; spread the load over "
        "more workers"
    )
