"""Every case against one environment, as a table: the stack withstands every probe, a
probe that cannot run fails saying why, and the attack's users go with it."""

from __future__ import annotations

import httpx
import pytest

import runeframe_nb as rf
from runeframe_nb import owasp
from runeframe_nb.owasp import attack
from runeframe_nb.owasp.actors import Actors
from runeframe_nb.owasp.cases import Case, Outcome


async def test_every_item_is_probed_and_every_probe_is_withstood(
    target_stack: rf.Environment,
) -> None:
    table = await owasp.probe(target_stack)
    assert set(table["item"]) == set(owasp.ITEMS)
    failed = table[~table["passed"]]
    assert failed.empty, failed[["item", "probe", "detail"]].to_string()


async def test_a_probe_that_raises_fails_saying_why_and_the_attack_s_users_are_deleted(
    environment: rf.Environment, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[str] = []

    async def breaks(x: Actors) -> Outcome:
        seen.extend((x.attacker, x.victim))
        raise KeyError("token")

    monkeypatch.setattr(attack, "CASES", [Case("API2", "api", "a probe that breaks", breaks)])
    table = await owasp.probe(environment)
    assert table.to_dict("records") == [
        {
            "item": "API2",
            "risk": "Broken authentication",
            "services": "api",
            "probe": "a probe that breaks",
            "passed": False,
            "detail": "probe failed: KeyError: 'token'",
        }
    ]
    headers = {"Authorization": f"Bearer {environment.token}"}
    async with httpx.AsyncClient(base_url=environment.url("distilera"), headers=headers) as http:
        assert [(await http.get(f"/users/{user}/")).status_code for user in seen] == [404, 404]
