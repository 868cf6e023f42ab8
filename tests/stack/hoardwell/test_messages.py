"""Hoardwell's messages over HTTP: pages whose links lead through every message once, in
order, and back; a payload no JSON writer can store is a 400."""

from __future__ import annotations

import itertools
import uuid

import httpx

import runeframe_nb as rf

HUGE = 10**30  # beyond 64 bits: Python reads it, orjson cannot write it (found by fuzzing)


async def test_message_pages_link_consistently(environment: rf.Environment) -> None:
    async with rf.HoardwellClient() as hoardwell:
        tag = uuid.uuid4().hex
        for i in range(7):
            await hoardwell.post_message("note", f"note {i}", channel="notes", simulation_id=tag)
        pages, link = [], f"/messages/?simulation_id={tag}&per_page=3"
        while link:
            page = await hoardwell.call("GET", link)
            pages.append(page)
            link = page["links"]["next"]
    assert [len(p["data"]) for p in pages] == [3, 3, 1]
    assert all(p["meta"]["pagination"]["total_items"] == 7 for p in pages)
    assert [m["content"] for p in pages for m in p["data"]] == [f"note {i}" for i in range(7)]
    for earlier, later in itertools.pairwise(pages):
        assert later["links"]["prev"] == earlier["links"]["self"]


def test_a_message_payload_beyond_64_bit_integers_is_a_400_not_a_500(
    urls: dict[str, str], admin: httpx.Client
) -> None:
    body = {"type": "note", "content": "x", "sender": "mercatrix", "payload": {"n": HUGE}}
    reply = httpx.post(f"{urls['hoardwell']}/messages/", json=body, headers=admin.headers)
    assert reply.status_code == 400, reply.text
    assert reply.json()["error"]["details"][0]["field"] == "payload"
