"""Mutants of Distilera's simulations, coordinations, collaborations and users: wrong
outcomes, stale states, failures reported as successes, deletes that do not take."""

from __future__ import annotations

from ..mutants import mutant
from ..proxy import Call, Reply


@mutant(
    "simulation-wrong-product",
    "a completed simulation reports another product than the alchemy table gives",
    "distilera",
    "POST /simulations/{simulation_id}/complete/",
)
async def wrong_product(call: Call) -> Reply:
    answer = await call.forward()
    body = answer.json() if answer.status == 200 else None
    if isinstance(body, dict) and body.get("result"):
        other = "dragon_scale" if body["result"] != "dragon_scale" else "phoenix_essence"
        return answer.with_json({**body, "result": other})
    return answer


@mutant(
    "simulation-status-stale",
    "a simulation reads as pending whatever its state",
    "distilera",
    "GET /simulations/{simulation_id}/",
    "GET /simulations/",
)
async def status_stale(call: Call) -> Reply:
    answer = await call.forward()
    body = answer.json() if answer.status == 200 else None
    if isinstance(body, dict) and "status" in body:
        return answer.with_json({**body, "status": "pending"})
    if isinstance(body, dict) and isinstance(body.get("data"), list):
        return answer.with_json(
            {**body, "data": [{**s, "status": "pending"} for s in body["data"]]}
        )
    return answer


@mutant(
    "coordination-failure-hidden",
    "a coordination missing a role reports completed instead of failed",
    "distilera",
    "POST /coordinations/",
)
async def failure_hidden(call: Call) -> Reply:
    answer = await call.forward()
    body = answer.json() if answer.status in (200, 201) else None
    if isinstance(body, dict) and body.get("status") == "failed":
        return answer.with_json({**body, "status": "completed", "reason": None})
    return answer


@mutant(
    "collaboration-reward-unequal",
    "a completed collaboration gives its leader the whole reward on paper",
    "distilera",
    "POST /collaborations/{collaboration_id}/complete/",
)
async def reward_unequal(call: Call) -> Reply:
    answer = await call.forward()
    body = answer.json() if answer.status == 200 else None
    rewards = body.get("rewards") if isinstance(body, dict) else None
    if isinstance(body, dict) and isinstance(rewards, dict) and len(rewards) > 1:
        total = round(sum(rewards.values()), 2)
        first = next(iter(rewards))
        return answer.with_json(
            {**body, "rewards": {u: total if u == first else 0.0 for u in rewards}}
        )
    return answer


@mutant(
    "user-delete-ignored",
    "deleting a user answers 204 and deletes nothing",
    "distilera",
    "DELETE /users/{user_id}/",
)
async def delete_ignored(call: Call) -> Reply:
    return Reply(204, [], b"")


@mutant(
    "vault-stores-plaintext",
    "the vault answers a stored entry with its fields in the clear",
    "distilera",
    "POST /vault/",
)
async def plaintext(call: Call) -> Reply:
    answer = await call.forward()
    body = answer.json() if answer.status == 201 else None
    if isinstance(body, dict):
        return answer.with_json({**(call.json() or {}), "id": body.get("id")})
    return answer
