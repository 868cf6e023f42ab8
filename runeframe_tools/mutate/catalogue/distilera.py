"""Mutants of Distilera's simulations, coordinations, collaborations and users: wrong
outcomes, stale states, failures reported as successes, deletes that do not take."""

from __future__ import annotations

from typing import Any

from ..mutants import answer_mutant, mutant
from ..proxy import Call, Reply

Body = dict[str, Any]


@answer_mutant(
    "simulation-wrong-product",
    "a completed simulation reports another product than the alchemy table gives",
    "distilera",
    "POST /simulations/{simulation_id}/complete/",
)
def wrong_product(body: Body, call: Call) -> Body | None:
    if not body.get("result"):
        return None
    return {
        **body,
        "result": "dragon_scale" if body["result"] != "dragon_scale" else "phoenix_essence",
    }


@answer_mutant(
    "simulation-status-stale",
    "a simulation reads as pending whatever its state",
    "distilera",
    "GET /simulations/{simulation_id}/",
    "GET /simulations/",
)
def status_stale(body: Body, call: Call) -> Body | None:
    if "status" in body:
        return {**body, "status": "pending"}
    if isinstance(body.get("data"), list):
        return {**body, "data": [{**s, "status": "pending"} for s in body["data"]]}
    return None


@answer_mutant(
    "coordination-failure-hidden",
    "a coordination missing a role reports completed instead of failed",
    "distilera",
    "POST /coordinations/",
)
def failure_hidden(body: Body, call: Call) -> Body | None:
    if body.get("status") != "failed":
        return None
    return {**body, "status": "completed", "reason": None}


@answer_mutant(
    "collaboration-reward-unequal",
    "a completed collaboration gives its leader the whole reward on paper",
    "distilera",
    "POST /collaborations/{collaboration_id}/complete/",
)
def reward_unequal(body: Body, call: Call) -> Body | None:
    rewards = body.get("rewards")
    if not isinstance(rewards, dict) or len(rewards) < 2:
        return None
    total, leader = round(sum(rewards.values()), 2), next(iter(rewards))
    return {**body, "rewards": {u: total if u == leader else 0.0 for u in rewards}}


@mutant(
    "user-delete-ignored",
    "deleting a user answers 204 and deletes nothing",
    "distilera",
    "DELETE /users/{user_id}/",
)
async def delete_ignored(call: Call) -> Reply:
    return Reply(204, [], b"")


@answer_mutant(
    "vault-stores-plaintext",
    "the vault answers a stored entry with its fields in the clear",
    "distilera",
    "POST /vault/",
)
def plaintext(body: Body, call: Call) -> Body | None:
    return {**(call.json() or {}), "id": body.get("id")}


@answer_mutant(
    "simulation-stats-overcounted",
    "Distilera's statistics count one completed simulation more than there are",
    "distilera",
    "GET /simulations/stats/",
)
def stats_overcounted(body: Body, call: Call) -> Body | None:
    return {**body, "completed": body.get("completed", 0) + 1}
