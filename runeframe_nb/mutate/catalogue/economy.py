"""Mutants of Mercatrix: money that moves twice, or not at all, and replays paid again."""

from __future__ import annotations

from ..mutants import mutant
from ..proxy import Call, Reply


@mutant(
    "transfer-double-applied",
    "a transfer is applied twice: the payer pays double",
    "mercatrix",
    "POST /transactions/",
)
async def double_applied(call: Call) -> Reply:
    first = await call.forward()
    if first.status >= 400:
        return first
    body = call.json() or {}
    body.pop("idempotency_key", None)
    headers = [(k, v) for k, v in call.headers if k.lower() != "idempotency-key"]
    await call.forward(headers=headers, json_body=body)
    return first
