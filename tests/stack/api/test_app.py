"""The edge as its process runs it, with every peer away: what needs Distilera answers
503 in the envelope (never a 500), and health stays up, naming the peer as degraded."""

from __future__ import annotations

from pathlib import Path

from ..conftest import alone, serving


async def test_with_its_peers_away_the_edge_answers_503_and_says_it_is_degraded(
    tmp_path: Path,
) -> None:
    async with serving("api", alone(tmp_path)) as http:
        listed = await http.get("/api/v1/users/")
        health = await http.get("/healthz")
    assert listed.status_code == 503
    assert set(listed.json()["error"]) == {"code", "message", "details"}
    assert health.status_code == 200
    assert (health.json()["status"], health.json()["degraded"]) == ("degraded", ["distilera"])
