"""Mercatrix as its process runs it: an account opened before a restart keeps its
balance after it, and opening the treasury again at start mints nothing: the money in
the ledger is the same before and after."""

from __future__ import annotations

from pathlib import Path

from ..conftest import alone, serving


async def test_balances_and_the_money_supply_outlive_a_restart(tmp_path: Path) -> None:
    settings = alone(tmp_path)
    async with serving("mercatrix", settings) as http:
        opened = await http.post("/accounts/", json={"user_id": "usr_ünï"})
        assert opened.status_code == 201
        ledger = (await http.get("/ledger/")).json()
    async with serving("mercatrix", settings) as http:
        assert (await http.get("/accounts/usr_ünï/")).json() == opened.json()
        assert (await http.get("/ledger/")).json() == ledger
