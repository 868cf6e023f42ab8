"""Jonar as its process runs it: an alert raised before a restart is in its audit trail
after it."""

from __future__ import annotations

from pathlib import Path

from ..conftest import alone, serving


async def test_an_alert_outlives_a_restart(tmp_path: Path) -> None:
    settings = alone(tmp_path)
    alert = {"type": "high_cpu", "component": "distilera", "message": "über 90 % ⚠"}
    async with serving("jonar", settings) as http:
        raised = await http.post("/alerts/", json=alert)
        assert raised.status_code == 201
    async with serving("jonar", settings) as http:
        found = (await http.get("/alerts/", params={"component": "distilera"})).json()
    assert found["data"] == [raised.json()]
