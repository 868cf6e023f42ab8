"""Mutants of Hoardwell and what travels through it: messages lost on the way, reordered
or repeated when read, error reports that never arrive."""

from __future__ import annotations

import secrets

from ..mutants import mutant
from ..proxy import Call, Reply

READS = ("hoardwell GET /messages/",)


def _acknowledged(call: Call) -> Reply:
    """What Hoardwell would answer for a stored message, without storing it."""
    sent = call.json() or {}
    return Reply(201, [], b"").with_json({"id": sent.get("id") or f"msg_{secrets.token_hex(6)}"})


@mutant(
    "message-lost",
    "simulation_started never reaches Hoardwell, though its delivery is acknowledged",
    "hoardwell",
    "POST /messages/",
    side="peer",
    reveals=READS,
)
async def message_lost(call: Call) -> Reply:
    if (call.json() or {}).get("type") == "simulation_started":
        return _acknowledged(call)
    return await call.forward()


@mutant(
    "error-report-lost",
    "a refused simulation's error message never reaches Hoardwell",
    "hoardwell",
    "POST /messages/",
    side="peer",
    reveals=READS,
)
async def error_lost(call: Call) -> Reply:
    if (call.json() or {}).get("type") == "error":
        return _acknowledged(call)
    return await call.forward()


@mutant(
    "messages-reordered",
    "messages are listed newest first, not in the order they were stored",
    "hoardwell",
    "GET /messages/",
)
async def reordered(call: Call) -> Reply:
    answer = await call.forward()
    body = answer.json() if answer.status == 200 else None
    if isinstance(body, dict) and len(body.get("data") or []) > 1:
        return answer.with_json({**body, "data": body["data"][::-1]})
    return answer


@mutant(
    "messages-duplicated",
    "every message is listed twice",
    "hoardwell",
    "GET /messages/",
)
async def duplicated(call: Call) -> Reply:
    answer = await call.forward()
    body = answer.json() if answer.status == 200 else None
    if isinstance(body, dict) and body.get("data"):
        return answer.with_json({**body, "data": [m for m in body["data"] for _ in (0, 1)]})
    return answer


@mutant(
    "message-content-truncated",
    "a message read by its id comes back with its content cut short",
    "hoardwell",
    "GET /messages/{message_id}/",
)
async def truncated(call: Call) -> Reply:
    answer = await call.forward()
    body = answer.json() if answer.status == 200 else None
    if isinstance(body, dict) and isinstance(body.get("content"), str):
        return answer.with_json({**body, "content": body["content"][:12]})
    return answer
