"""The edge's WebSocket as the kit connects it, on a real stack: authenticated before
the first frame, an update published on one socket reaches a subscriber on another,
every frame each way is journaled with the token masked, and a refusal or an absent
server is one line."""

from __future__ import annotations

import asyncio
import json
import uuid

import pytest

import runeframe_nb as rf
from runeframe_nb import exchanges
from runeframe_nb.clients.websocket import connect_to, connect_websocket
from runeframe_nb.errors import ClientError
from runeframe_nb.network import Tls
from runeframe_process import any_free_port


async def test_an_update_reaches_a_subscriber_and_every_frame_is_journaled(
    environment: rf.Environment,
) -> None:
    user = f"usr_{uuid.uuid4().hex[:12]}"
    update = {"type": "user_update", "user_id": user, "data": {"status": "brûlé ✓"}}
    async with connect_websocket(environment=environment) as listener:
        await listener.subscribe(user)
        async with connect_websocket(environment=environment) as publisher:
            await publisher.send(json.dumps(update))
            got = json.loads(await asyncio.wait_for(listener.recv(), 10))
    assert (got["user_id"], got["data"]) == (user, update["data"])
    journaled = [e for e in exchanges.journal.between(0) if e.method == "WEBSOCKET"][-2:]
    kinds = [[(f.direction, f.kind) for f in e.frames] for e in journaled]
    assert kinds[0][:4] == [
        ("send", "auth"),
        ("receive", "auth_response"),
        ("send", "subscribe"),
        ("send", "ping"),
    ]
    assert ("receive", got["type"]) in kinds[0]
    assert kinds[1] == [("send", "auth"), ("receive", "auth_response"), ("send", "user_update")]
    assert all(environment.token not in f.data for e in journaled for f in e.frames)
    assert "brûlé ✓" in journaled[1].frames[-1].data


async def test_a_refused_token_and_an_absent_server_are_one_line(
    environment: rf.Environment,
) -> None:
    with pytest.raises(ClientError, match=r"^websocket authentication refused: \S"):
        async with connect_websocket(environment=environment, token="not-a-token"):
            pass
    url = f"ws://127.0.0.1:{any_free_port()}/ws/"
    with pytest.raises(ClientError, match=rf"^websocket {url}: .+") as absent:
        async with connect_to(url, Tls()):
            pass
    assert "\n" not in str(absent.value)
