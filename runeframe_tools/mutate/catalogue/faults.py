"""Faults the stack promises to absorb: they run as controls, and must raise no alarm.

The promise: what one service tells another (a message, a live update, a reward, an
account, an alert, an event) is delayed by an outage, never lost, and a write does not
wait on the peers it notifies. So each fault applies to every notification between
services, whatever service sends it and whatever it carries, and runs every notebook
(any write may notify); none is shaped around the code that copes with it.
"""

from __future__ import annotations

import asyncio
import hashlib
import time
from typing import Any

from ..mutants import mutant
from ..proxy import Call, Reply, error_reply, lost_reply

NOTIFICATIONS = (
    "POST /messages/",
    "POST /alerts/",
    "POST /events/",
    "POST /accounts/",
    "POST /rewards/",
)
SHARE = 0.1  # of notifications that meet a once-only fault
SLOW_SECONDS = 1.5
OUTAGE_SECONDS = 10.0
# where a notification's effect is read: the checks whose evidence reaches these are the
# ones a lost or repeated notification could mislead
EFFECTS = (
    "hoardwell GET /messages/",
    "jonar GET /alerts/",
    "jonar GET /events/",
    "mercatrix GET /accounts/{user_id}/",
    "mercatrix GET /transactions/",
    "api WS receive user_update",
)


def _first_try_unlucky(call: Call) -> bool:
    """True for about one notification in ten, on its first attempt only. A notification
    is known by what it says (a retry says the same), not by a header its sender adds."""
    said = hashlib.sha256(f"{call.service} {call.path} ".encode() + call.body).hexdigest()
    tried = call.memory.setdefault("tried", set())
    if said in tried:
        return False
    tried.add(said)
    return call.rng.random() < SHARE


@mutant(
    "notification-503-once",
    "one notification in ten between services is answered 503 once",
    "*",
    *NOTIFICATIONS,
    side="peer",
    reveals=EFFECTS,
    tolerated=True,
)
async def unavailable_once(call: Call) -> Reply:
    if _first_try_unlucky(call):
        return error_reply(503, "unavailable", "the service is restarting")
    return await call.forward()


@mutant(
    "notification-reply-lost-once",
    "one notification in ten between services is applied, but its reply is lost once",
    "*",
    *NOTIFICATIONS,
    side="peer",
    reveals=EFFECTS,
    tolerated=True,
)
async def reply_lost_once(call: Call) -> Reply:
    answer = await call.forward()
    return lost_reply() if _first_try_unlucky(call) else answer


@mutant(
    "slow-notifications",
    f"every notification between services takes {SLOW_SECONDS:g} s more",
    "*",
    *NOTIFICATIONS,
    side="peer",
    reveals=EFFECTS,
    tolerated=True,
)
async def slow(call: Call) -> Reply:
    await asyncio.sleep(SLOW_SECONDS)
    return await call.forward()


def outage_of(service: str) -> None:
    """Register `{service}-down`: from the first notification it receives, the service
    answers no other service for OUTAGE_SECONDS (requests go unanswered and unapplied,
    streams from it are cut and refused), then is back."""

    def down(memory: dict[str, Any], starting: bool = False) -> bool:
        began = memory.get("outage_began")
        if began is None:
            if not starting:
                return False
            began = memory["outage_began"] = time.monotonic()
        return time.monotonic() - began < OUTAGE_SECONDS

    async def handle(call: Call) -> Reply:
        starting = f"{call.method} {call.path}" in NOTIFICATIONS
        return lost_reply() if down(call.memory, starting) else await call.forward()

    mutant(
        f"{service}-down",
        f"{service} answers no other service for {OUTAGE_SECONDS:g} s, then is back",
        service,
        "* *",
        side="peer",
        reveals=EFFECTS,
        tolerated=True,
        down=down,
    )(handle)


for _service in ("hoardwell", "mercatrix", "jonar"):  # Distilera down fails user writes
    outage_of(_service)
