"""Real requests at a fixed rate against a deployment's replicas, to exercise autoscaling.

`simulate_load(component, load_factor)` sends load_factor x target requests per second
per replica for a few seconds, reads the rate the replicas themselves counted, and asks
the autoscaler what that means. A load run is accepted at once and runs in the
background; its status URL gives the report when it is done.
"""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from typing import Any, Literal

import aiohttp
from pydantic import BaseModel, ConfigDict, Field
from starlette.responses import Response

from ..core.errors import ApiError, BadRequest, Conflict, NotFound
from ..core.ids import new_id
from ..core.peers import Peers
from ..core.routing import Call, Routes, endpoint, json
from .backend import Replica
from .deployments import DEPLOYABLE, Controller, Deployment

KEPT_RUNS = 200  # finished runs remembered for their status URL
SETTLE_POLL = 0.1

LOAD_PATH = "/openapi.json"
REQUEST_TIMEOUT = aiohttp.ClientTimeout(total=5)


async def send_at_rate(
    peers: Peers, replicas: list[Replica], rate: float, duration: float
) -> dict[str, Any]:
    """Requests spread round-robin over `replicas`, `rate` per second, for `duration` s."""
    sent = errors = 0
    tasks: set[asyncio.Task[None]] = set()

    async def one(url: str) -> None:
        nonlocal errors
        try:
            async with peers.session.get(url, timeout=REQUEST_TIMEOUT) as reply:
                await reply.read()
                if reply.status >= 500:
                    errors += 1
        except Exception:  # refused or timed out: counted, not fatal
            errors += 1

    started = time.monotonic()
    interval = 1.0 / rate
    while (now := time.monotonic()) - started < duration:
        due = int((now - started) / interval) + 1
        while sent < due:
            replica = replicas[sent % len(replicas)]
            task = asyncio.create_task(one(replica.url + LOAD_PATH))
            tasks.add(task)
            task.add_done_callback(tasks.discard)
            sent += 1
        await asyncio.sleep(min(interval, 0.01))
    if tasks:
        await asyncio.wait(tasks, timeout=10)
    elapsed = time.monotonic() - started
    return {"requests_sent": sent, "errors": errors, "achieved_rps": round(sent / elapsed, 1)}


class LoadRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    load_factor: float = Field(2.0, gt=0, le=20)
    duration_seconds: float = Field(3.0, ge=0.5, le=30)


class LoadReport(BaseModel):
    component: str
    deployment_id: str
    requests_sent: int
    errors: int
    achieved_rps: float
    observed_rps_per_replica: float | None
    replicas_before: int
    replicas_after: int
    decision: str | None


class LoadRun(BaseModel):
    id: str
    component: str
    status: Literal["running", "done", "failed"]
    reason: str | None
    status_url: str
    report: LoadReport | None


class LoadRuns:
    """Load runs by id: started in the background, the newest `KEPT_RUNS` remembered."""

    def __init__(self, controller: Controller, peers: Peers) -> None:
        self.controller = controller
        self.peers = peers
        self.runs: OrderedDict[str, dict[str, Any]] = OrderedDict()

    def get(self, component: str, run_id: str) -> dict[str, Any]:
        run = self.runs.get(run_id)
        if run is None or run["component"] != component:
            raise NotFound(f"load run {run_id} of {component} not found")
        return run

    def start(self, component: str, load_factor: float, duration: float) -> dict[str, Any]:
        run_id = new_id("load")
        run: dict[str, Any] = {
            "id": run_id,
            "component": component,
            "status": "running",
            "reason": None,
            "status_url": f"{self.controller.jonar_url}/components/{component}/load/{run_id}/",
            "report": None,
        }
        self.runs[run_id] = run
        while len(self.runs) > KEPT_RUNS:
            self.runs.popitem(last=False)
        self.controller.in_background(self._run(run, load_factor, duration))
        return run

    async def _run(self, run: dict[str, Any], load_factor: float, duration: float) -> None:
        try:
            run["report"] = await self._load(run["component"], load_factor, duration)
            run["status"] = "done"
        except ApiError as exc:
            run["status"], run["reason"] = "failed", exc.message

    async def _target(self, component: str) -> Deployment:
        """The component's newest deployment, settled; one of a single replica if it has
        none. The newest, because an older one (such as the one a load run made for itself)
        is not the one the caller just deployed and watches."""
        controller = self.controller
        deployments = controller.of_component(component)
        if deployments:
            deployment = deployments[-1]
        else:
            settings = controller.settings.jonar
            policy = settings.autoscaling.model_copy(update={"min_replicas": 1})
            deployment = await controller.deploy(component, settings.releases[0], 1, {}, policy)
        deadline = time.monotonic() + controller.config.rollout_timeout_seconds + 5
        while deployment.observed_generation < deployment.generation:
            if time.monotonic() > deadline:
                break
            await asyncio.sleep(SETTLE_POLL)
        return deployment

    async def _load(self, component: str, load_factor: float, duration: float) -> dict[str, Any]:
        deployment = await self._target(component)
        ready = [r for r in deployment.members if r.ready]
        if not ready:  # failed, scaled away or still rolling out: the caller's to change
            raise Conflict(
                f"deployment {deployment.id} has no ready replica to take load"
                f" ({deployment.status}{': ' + deployment.reason if deployment.reason else ''})"
            )
        before = deployment.replicas
        scraper = self.controller.scraper
        await asyncio.gather(*(scraper.scrape(r.url) for r in ready))
        rate = load_factor * deployment.policy.target_rps_per_replica * len(ready)
        started = time.monotonic()
        sent = await send_at_rate(self.peers, ready, rate, duration)
        await asyncio.gather(*(scraper.scrape(r.url) for r in ready))
        decision = await self.controller.autoscale(deployment, duration + 0.5)
        if decision is None and deployment.last_scaling is not None:
            # the periodic evaluation may have judged this load first: a change under way
            decided_at, last = deployment.last_scaling
            decision = last if decided_at >= started else None
        return {
            "component": component,
            "deployment_id": deployment.id,
            **sent,
            "observed_rps_per_replica": decision.observed if decision else None,
            "replicas_before": before,
            "replicas_after": deployment.replicas,  # asked for, as the HPA's desiredReplicas
            "decision": decision.reason if decision else None,
        }


class LoadRoutes(Routes):
    tag = "infrastructure"

    def __init__(self, controller: Controller, peers: Peers) -> None:
        self.loads = LoadRuns(controller, peers)

    @endpoint(
        "POST",
        "/components/{component}/load/",
        body=LoadRequest,
        responses={202: LoadRun},
        access="trusted",
    )
    async def simulate_load(self, call: Call) -> Response:
        """Send real load to a component's replicas, then let the autoscaler judge it:
        accepted at once, reported at the run's status URL when done. A component without
        a deployment gets one of a single replica first."""
        component = call.path["component"]
        if component not in DEPLOYABLE:
            raise BadRequest(f"load goes to a deployable component: {', '.join(DEPLOYABLE)}")
        request: LoadRequest = call.body
        run = self.loads.start(component, request.load_factor, request.duration_seconds)
        return json(run, status=202, headers={"Location": run["status_url"]})

    @endpoint(
        "GET",
        "/components/{component}/load/{load_id}/",
        responses={200: LoadRun},
        access="user",
    )
    async def get_load_run(self, call: Call) -> Response:
        """A load run: running, done with its report, or failed with the reason."""
        return json(self.loads.get(call.path["component"], call.path["load_id"]))
