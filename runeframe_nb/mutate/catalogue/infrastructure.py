"""Mutants of Jonar: scaling that does not happen, health and status that lie, alerts and
events that are lost on the way, load that is reported but never sent."""

from __future__ import annotations

import secrets

from ..mutants import mutant
from ..proxy import Call, Reply


@mutant(
    "scale-ignored",
    "a change of replicas is answered but never carried out",
    "jonar",
    "PATCH /deployments/{deployment_id}/",
)
async def scale_ignored(call: Call) -> Reply:
    return await call.forward(method="GET", body=b"")


@mutant(
    "deployment-status-lies",
    "a deployment reports every replica ready, whatever they are doing",
    "jonar",
    "GET /deployments/{deployment_id}/",
)
async def status_lies(call: Call) -> Reply:
    answer = await call.forward()
    body = answer.json() if answer.status == 200 else None
    if isinstance(body, dict) and body.get("status") == "deleted":
        replicas = len(body.get("members") or []) or 2
        return answer.with_json(
            {**body, "status": "ready", "replicas": replicas, "ready_replicas": replicas}
        )
    return answer


@mutant(
    "service-health-lies",
    "Jonar's system metrics report every service up without asking them",
    "jonar",
    "GET /system/metrics/",
)
async def health_lies(call: Call) -> Reply:
    answer = await call.forward()
    body = answer.json() if answer.status == 200 else None
    if isinstance(body, dict):
        services = dict.fromkeys(body.get("services") or (), "up")
        return answer.with_json({**body, "services": services, "total_simulations": 0})
    return answer


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
