"""Faults the stack is designed to absorb: they run as controls, and must raise no alarm.

Notifications between services travel through an outbox that retries (core/outbox.py
in the stack), so a delivery that fails once, or arrives late, is delayed but never
lost. Deliveries are the requests between services that carry an Idempotency-Key.
"""

from __future__ import annotations

import asyncio

from ..mutants import mutant
from ..proxy import Call, Reply, error_reply, lost_reply

DELIVERIES = (
    "POST /messages/",
    "POST /alerts/",
    "POST /events/",
    "POST /accounts/",
    "POST /rewards/",
)
SHARE = 0.1  # of deliveries that meet the fault
# where a delivery's effect is read: a control runs the notebooks that read one, since
# only a check that depends on a delivery can be misled by a late or repeated one
EFFECTS = (
    "hoardwell GET /messages/",
    "jonar GET /alerts/",
    "jonar GET /events/",
    "mercatrix GET /accounts/{user_id}/",
    "mercatrix GET /transactions/",
)


def _first_try_unlucky(call: Call) -> bool:
    """True for about one delivery in ten, on its first attempt only."""
    key = call.header("idempotency-key")
    if key is None:
        return False
    tried = call.memory.setdefault("tried", set())
    if key in tried:
        return False
    tried.add(key)
    return call.rng.random() < SHARE


@mutant(
    "delivery-503-once",
    "one delivery in ten between services is answered 503 once",
    "*",
    *DELIVERIES,
    side="peer",
    reveals=EFFECTS,
    tolerated=True,
)
async def unavailable_once(call: Call) -> Reply:
    if _first_try_unlucky(call):
        return error_reply(503, "unavailable", "the service is restarting")
    return await call.forward()


@mutant(
    "delivery-reset-once",
    "one delivery in ten between services is applied, but its reply is lost once",
    "*",
    *DELIVERIES,
    side="peer",
    reveals=EFFECTS,
    tolerated=True,
)
async def reset_once(call: Call) -> Reply:
    answer = await call.forward()
    return lost_reply() if _first_try_unlucky(call) else answer


@mutant(
    "slow-delivery",
    "every delivery between services takes 200 ms more",
    "*",
    *DELIVERIES,
    side="peer",
    reveals=EFFECTS,
    tolerated=True,
)
async def slow(call: Call) -> Reply:
    await asyncio.sleep(0.2)
    return await call.forward()
