"""Hoardwell's client on a real stack: each query the seed names returns all and only
its messages, in the order they were posted, text outside ASCII included, and the live
stream replays the same messages."""

from __future__ import annotations

import asyncio
import json
import uuid

from runeframe_nb import HoardwellClient
from runeframe_nb.models import Message


def ids(messages: list[Message]) -> list[str]:
    return [m.id for m in messages]


async def test_each_query_returns_all_and_only_its_messages_in_order(
    hoardwell_client: HoardwellClient,
) -> None:
    run = uuid.uuid4().hex[:8]
    sim, other_sim, coordination, transfer = (f"{k}_{run}" for k in ("sim", "sim2", "crd", "txn"))
    posted = [
        await hoardwell_client.post_message(kind, f"Ünïcødé {i} ✓ 雪", **fields)
        for i, (kind, fields) in enumerate(
            [
                ("simulation_event", {"simulation_id": sim}),
                ("agent_message", {"coordination_id": coordination, "simulation_id": sim}),
                ("simulation_event", {"simulation_id": other_sim}),
                ("error", {"simulation_id": sim, "transaction_id": transfer}),
                ("coordination_event", {"coordination_id": coordination}),
                ("transaction_event", {"transaction_id": transfer}),
            ]
        )
    ]

    def expected(**match: str) -> list[str]:
        return ids([m for m in posted if all(m[k] == v for k, v in match.items())])

    assert ids(await hoardwell_client.get_messages(sim)) == expected(simulation_id=sim)
    assert ids(await hoardwell_client.get_simulation_messages(other_sim)) == expected(
        simulation_id=other_sim
    )
    assert ids(await hoardwell_client.get_agent_messages(coordination)) == expected(
        coordination_id=coordination, type="agent_message"
    )
    assert ids(await hoardwell_client.get_transaction_messages(transfer)) == expected(
        transaction_id=transfer
    )
    errors = await hoardwell_client.get_error_messages()
    assert {m.type for m in errors} == {"error"} and set(expected(type="error")) <= set(ids(errors))
    assert set(ids(posted)) <= set(ids(await hoardwell_client.get_all_messages()))
    for message in posted:  # what is written is read back, field by field
        assert (await hoardwell_client.get_message(message)).model_dump() == message.model_dump()


async def test_the_stream_replays_the_matching_messages_as_json(
    hoardwell_client: HoardwellClient,
) -> None:
    sim = f"sim_{uuid.uuid4().hex[:8]}"
    posted = [
        await hoardwell_client.post_message("simulation_event", f"шаг {i}", simulation_id=sim)
        for i in range(3)
    ]
    async with hoardwell_client.follow(simulation_id=sim, after_seq=0) as stream:
        frames = [json.loads(await asyncio.wait_for(stream.recv(), 5)) for _ in posted]
    assert [(f["id"], f["content"]) for f in frames] == [(m.id, m.content) for m in posted]
