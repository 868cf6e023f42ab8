"""How a service talks to the others, against the session's stack: an id in a path
arrives exactly as meant (outside ASCII, with spaces and percent signs), a peer that does
not answer is Unavailable in bounded time and named as degraded until it answers again,
and only the headers meant to travel are forwarded."""

from __future__ import annotations

import time

import pytest

from runeframe_process import any_free_port
from runeframe_stack.core.errors import Unavailable
from runeframe_stack.core.peers import Peers
from runeframe_stack.core.settings import StackSettings


async def test_an_id_in_a_path_arrives_exactly_as_meant(
    urls: dict[str, str], admin_token: str
) -> None:
    peers = Peers(StackSettings(urls=urls, service_tokens={"api": admin_token}), "api")
    try:
        for meant in ("Zoë 雪", "100% sure", "x?y#z", "tab\there"):
            reply = await peers.request("distilera", "GET", f"/users/{meant}/")
            assert reply.status == 404
            assert reply.json()["error"]["message"] == f"user {meant} not found"
        assert (await peers.jwks_lookup("no-such-kid")) is None
        keys = (await peers.request("distilera", "GET", "/.well-known/jwks.json")).json()["keys"]
        assert await peers.jwks_lookup(keys[0]["kid"]) is not None
    finally:
        await peers.close()


async def test_a_silent_peer_is_unavailable_in_time_and_degraded_until_it_answers(
    urls: dict[str, str], admin_token: str
) -> None:
    away = f"http://127.0.0.1:{any_free_port()}"
    settings = StackSettings(urls={**urls, "jonar": away}, service_tokens={"api": admin_token})
    peers = Peers(settings, "api")
    try:
        started = time.monotonic()
        with pytest.raises(Unavailable, match=r"^jonar did not answer"):
            await peers.request("jonar", "GET", "/alerts/", within=2)
        assert time.monotonic() - started < 3
        assert peers.degraded() == ["jonar"]
        peers.settings = settings.model_copy(update={"urls": urls})
        peers._peers.clear()  # as after the peer moved back: the next request reconnects
        assert (await peers.request("jonar", "GET", "/alerts/")).status == 200
        assert peers.degraded() == []
    finally:
        await peers.close()


def test_only_the_headers_meant_to_travel_are_forwarded() -> None:
    given = {"authorization": "Bearer t", "cookie": "s=1", "x-request-id": "r1", "host": "h"}
    assert Peers.forwarded_headers(given, accept="application/json") == {
        "authorization": "Bearer t",
        "x-request-id": "r1",
        "accept": "application/json",
    }
