"""Distilera as its process runs it: a user made before a restart reads back after it,
and the key set it signs tokens with is the same one, so tokens it issued still verify."""

from __future__ import annotations

from pathlib import Path

from ..conftest import alone, serving


async def test_a_user_and_its_token_outlive_a_restart(tmp_path: Path) -> None:
    settings = alone(tmp_path)
    async with serving("distilera", settings) as http:
        made = await http.post("/users/", json={"name": "Ŋaro", "email": "n@runeframe.example"})
        assert made.status_code == 201
        issued = await http.post("/auth/tokens/", json={"user_id": made.json()["id"]})
        keys = (await http.get("/.well-known/jwks.json")).json()
    async with serving("distilera", settings) as http:
        assert (await http.get(f"/users/{made.json()['id']}/")).json() == made.json()
        assert (await http.get("/.well-known/jwks.json")).json() == keys
        verdict = await http.post("/auth/verify/", json={"token": issued.json()["token"]})
    assert (verdict.json()["is_valid"], verdict.json()["user_id"]) == (True, made.json()["id"])
