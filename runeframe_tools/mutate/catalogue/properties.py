"""One regression per class of property oracle (rf.oracles, notebook 12), written with the
oracles in view: each says which oracle must see it. The held-out regressions measure the
oracles; these keep each class in the catalogue, so a change that blinds one is caught."""

from __future__ import annotations

import asyncio
from typing import Any
from urllib.parse import parse_qsl, urlencode

from ..mutants import answer_mutant, mutant
from ..proxy import Call, Reply

Body = dict[str, Any]


@mutant(  # round trip
    "user-bio-cut",
    "a user's bio is stored cut to its first 100 characters",
    "api",
    "POST /api/v1/users/",
)
async def bio_cut(call: Call) -> Reply:
    sent = call.json()
    profile = sent.get("profile") if isinstance(sent, dict) else None
    if isinstance(profile, dict) and isinstance(profile.get("bio"), str):
        cut = {**profile, "bio": profile["bio"][:100]}
        return await call.forward(json_body={**sent, "profile": cut})
    return await call.forward()


@mutant(  # filters
    "alerts-severity-filter-ignored",
    "the alerts' severity filter is ignored: every severity is returned",
    "jonar",
    "GET /alerts/",
)
async def severity_ignored(call: Call) -> Reply:
    params = dict(parse_qsl(call.query, keep_blank_values=True))
    params.pop("severity", None)
    return await call.forward(query=urlencode(params))


@answer_mutant(  # pagination
    "messages-total-pages-plus-one",
    "the messages' pagination announces one page more than there is",
    "hoardwell",
    "GET /messages/",
    statuses=(200,),
)
def pages_plus_one(body: Body, call: Call) -> Body | None:
    pagination = (body.get("meta") or {}).get("pagination")
    if not isinstance(pagination, dict) or "total_pages" not in pagination:
        return None
    pagination["total_pages"] += 1
    return body


@mutant(  # headers
    "ratelimit-remaining-stuck",
    "X-RateLimit-Remaining stops counting: it always says one request was spent",
    "api",
    "* *",
)
async def remaining_stuck(call: Call) -> Reply:
    answer = await call.forward()
    limit = answer.header("x-ratelimit-limit")
    if limit is None or not limit.isdigit():
        return answer
    stuck = ("x-ratelimit-remaining", str(int(limit) - 1))
    return Reply(
        answer.status, [*answer.without("x-ratelimit-remaining").headers, stuck], answer.body
    )


@mutant(  # bounds
    "listing-quantity-clamped",
    "a listing past the largest quantity is clamped to it and accepted, not refused",
    "mercatrix",
    "POST /listings/",
)
async def quantity_clamped(call: Call) -> Reply:
    sent = call.json()
    quantity = sent.get("quantity") if isinstance(sent, dict) else None
    if isinstance(quantity, int) and quantity > 1_000_000:
        return await call.forward(json_body={**sent, "quantity": 1_000_000})
    return await call.forward()


@answer_mutant(  # domain
    "simulation-reward-doubled",
    "a completed simulation reports twice the reward its product is worth",
    "distilera",
    "POST /simulations/{simulation_id}/complete/",
    statuses=(200,),
)
def reward_doubled(body: Body, call: Call) -> Body | None:
    if not isinstance(body.get("reward"), int | float) or not body["reward"]:
        return None
    body["reward"] *= 2
    return body


@mutant(  # latency
    "user-update-slower",
    "every update of a user takes 400 ms more",
    "api",
    "PATCH /api/v1/users/{user_id}/",
)
async def update_slower(call: Call) -> Reply:
    await asyncio.sleep(0.4)
    return await call.forward()
