"""Mutants of Jonar: scaling that does not happen, health and status that lie, alerts and
events that are lost on the way, load that is reported but never sent."""

from __future__ import annotations

import secrets
from typing import Any

from ..mutants import answer_mutant, mutant
from ..proxy import Call, Reply

Body = dict[str, Any]


@mutant(
    "scale-ignored",
    "a change of replicas is answered but never carried out",
    "jonar",
    "PATCH /deployments/{deployment_id}/",
)
async def scale_ignored(call: Call) -> Reply:
    return await call.forward(method="GET", body=b"")


@answer_mutant(
    "deployment-status-lies",
    "a deployment reports every replica ready, whatever they are doing",
    "jonar",
    "GET /deployments/{deployment_id}/",
)
def status_lies(body: Body, call: Call) -> Body | None:
    if body.get("status") != "deleted":
        return None
    replicas = len(body.get("members") or []) or 2
    return {**body, "status": "ready", "replicas": replicas, "ready_replicas": replicas}


@answer_mutant(
    "service-health-lies",
    "Jonar's system metrics report every service up without asking them",
    "jonar",
    "GET /system/metrics/",
)
def health_lies(body: Body, call: Call) -> Body | None:
    services = dict.fromkeys(body.get("services") or (), "up")
    return {**body, "services": services, "total_simulations": 0}


@mutant(
    "alert-lost",
    "a distilera_error alert never reaches Jonar, though its delivery is acknowledged",
    "jonar",
    "POST /alerts/",
    side="peer",
    reveals=("jonar GET /alerts/",),
)
async def alert_lost(call: Call) -> Reply:
    return Reply(201, [], b"").with_json({"id": f"alr_{secrets.token_hex(6)}"})


@mutant(
    "event-lost",
    "a completed simulation's workload event never reaches Jonar",
    "jonar",
    "POST /events/",
    side="peer",
    reveals=("jonar GET /events/",),
)
async def event_lost(call: Call) -> Reply:
    return Reply(201, [], b"").with_json({"id": f"evt_{secrets.token_hex(6)}"})


@mutant(
    "load-undersent",
    "simulated load goes out at a tenth of the rate asked for",
    "jonar",
    "POST /components/{component}/load/",
)
async def load_undersent(call: Call) -> Reply:
    sent = call.json() or {}
    if isinstance(sent.get("load_factor"), int | float):
        sent["load_factor"] = sent["load_factor"] / 10
    return await call.forward(json_body=sent)
