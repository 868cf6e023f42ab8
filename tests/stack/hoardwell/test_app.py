"""Hoardwell as its process runs it: a message posted before a restart reads back after
it, field for field, and its migrations apply once."""

from __future__ import annotations

from pathlib import Path

from ..conftest import alone, serving


async def test_a_message_outlives_a_restart(tmp_path: Path) -> None:
    settings = alone(tmp_path)
    async with serving("hoardwell", settings) as http:
        posted = await http.post("/messages/", json={"type": "note", "content": "まだ ✓"})
        assert posted.status_code == 201
    async with serving("hoardwell", settings) as http:
        read = await http.get(f"/messages/{posted.json()['id']}/")
    assert read.json() == posted.json()
