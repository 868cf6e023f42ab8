"""Who attacks whom: two new users, each holding a token that is its own, and the verdict
helpers every probe shares."""

from __future__ import annotations

import httpx

import runeframe_nb as rf
from runeframe_nb.owasp.actors import actors, every, json_or_none, refused_everywhere


async def test_the_attacker_and_the_victim_are_two_new_users_with_their_own_tokens(
    environment: rf.Environment,
) -> None:
    async with httpx.AsyncClient(timeout=10) as http:
        x = await actors(environment, http)
        try:
            assert x.attacker != x.victim and x.admin_token == environment.token
            for user, token in ((x.attacker, x.attacker_token), (x.victim, x.victim_token)):
                reply = await http.post(x.url("distilera", "/auth/verify/"), json={"token": token})
                assert reply.json()["user_id"] == user
                assert "admin" not in reply.json()["roles"]
            assert (await refused_everywhere(x, None))[0]  # no token: 401 on every service
            assert not (await refused_everywhere(x, x.victim_token))[0]
        finally:
            for user in (x.attacker, x.victim):
                await x.status("DELETE", "distilera", f"/users/{user}/", x.admin_token)


def test_a_verdict_passes_when_every_status_does_and_names_them_all() -> None:
    assert every(lambda code: code == 401, {"api": 401, "jonar": 401}) == (
        True,
        "api 401, jonar 401",
    )
    assert every(lambda code: code == 401, {"api": 401, "jonar": 200})[0] is False


def test_a_body_that_is_not_json_reads_as_none() -> None:
    assert json_or_none(httpx.Response(200, text="<html>")) is None
    assert json_or_none(httpx.Response(200, json={"a": "é"})) == {"a": "é"}
