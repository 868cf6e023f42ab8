"""Mutants of Hoardwell and what travels through it: messages lost on the way, reordered
or repeated when read, error reports that never arrive."""

from __future__ import annotations

import secrets
from typing import Any

from ..mutants import answer_mutant, mutant
from ..proxy import Call, Reply

Body = dict[str, Any]

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


@answer_mutant(
    "messages-reordered",
    "messages are listed newest first, not in the order they were stored",
    "hoardwell",
    "GET /messages/",
)
def reordered(body: Body, call: Call) -> Body | None:
    found = body.get("data") or []
    return {**body, "data": found[::-1]} if len(found) > 1 else None


@answer_mutant(
    "messages-duplicated",
    "every message is listed twice",
    "hoardwell",
    "GET /messages/",
)
def duplicated(body: Body, call: Call) -> Body | None:
    found = body.get("data") or []
    return {**body, "data": [m for m in found for _ in (0, 1)]} if found else None


@answer_mutant(
    "message-content-truncated",
    "a message read by its id comes back with its content cut short",
    "hoardwell",
    "GET /messages/{message_id}/",
)
def truncated(body: Body, call: Call) -> Body | None:
    content = body.get("content")
    return {**body, "content": content[:12]} if isinstance(content, str) else None
