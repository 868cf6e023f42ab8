"""Jonar's HTTP surface: deployments, scaling, the service behind a deployment, metrics,
simulated load, events and the ecosystem's system metrics."""

from __future__ import annotations

from typing import Any, Literal
from urllib.parse import urlencode

import aiohttp
from pydantic import BaseModel, ConfigDict, Field
from starlette.responses import Response

from ..core.errors import BadRequest, Unavailable
from ..core.listing import Where, page_of
from ..core.pagination import Page
from ..core.peers import Peers
from ..core.routing import Call, Routes, endpoint, json
from ..core.settings import SERVICES, StackSettings
from ..core.storage import Database
from .deployments import DEPLOYABLE, Controller, Deployment
from .events import SCALING, Event, EventLog, EventQuery, NewEvent, public
from .load import LoadRuns

Component = Literal["api", "distilera", "hoardwell", "mercatrix"]
_VERSION = r"^[0-9]+\.[0-9]+\.[0-9]+([.-][A-Za-z0-9.-]+)?$"


class Resources(BaseModel):
    model_config = ConfigDict(extra="forbid")

    cpu: str = Field("500m", pattern=r"^[0-9]+(m|\.[0-9]+)?$")
    memory: str = Field("512Mi", pattern=r"^[0-9]+(Ki|Mi|Gi)?$")


class AutoscalingSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    min_replicas: int | None = Field(None, ge=1, le=20)
    max_replicas: int | None = Field(None, ge=1, le=20)
    target_rps_per_replica: float | None = Field(None, gt=0, le=100_000)
    window_seconds: float | None = Field(None, gt=0, le=300)
    stabilization_seconds: float | None = Field(None, ge=0, le=3600)


class NewDeployment(BaseModel):
    model_config = ConfigDict(extra="forbid")

    component: Component
    version: str = Field(pattern=_VERSION)
    replicas: int = Field(1, ge=1, le=20)
    resources: Resources = Resources()
    autoscaling: AutoscalingSpec = AutoscalingSpec()
    rollout_timeout_seconds: float | None = Field(None, gt=0, le=600)


class ScaleRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    replicas: int = Field(ge=1, le=20)
    rollout_timeout_seconds: float | None = Field(None, gt=0, le=600)


class LoadRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    load_factor: float = Field(2.0, gt=0, le=20)
    duration_seconds: float = Field(3.0, ge=0.5, le=30)


class Member(BaseModel):
    index: int
    url: str
    pid: int | None
    ready: bool
    restarts: int
    last_exit: str | None


class DeploymentView(BaseModel):
    id: str
    component: str
    version: str
    replicas: int
    ready_replicas: int
    available_replicas: int
    status: Literal["progressing", "ready", "failed", "deleting", "deleted"]
    reason: str | None
    generation: int
    observed_generation: int
    status_url: str
    service_url: str
    autoscaling: dict[str, Any]
    resources: dict[str, Any] | None
    members: list[Member]
    created_at: str


class DeploymentList(BaseModel):
    data: list[DeploymentView]


class ReplicaMetrics(BaseModel):
    url: str
    requests_per_second: float
    mean_latency_ms: float | None
    cpu_percent: float
    memory_bytes: float


class ComponentMetrics(BaseModel):
    component: str
    replicas: int
    ready_replicas: int
    requests_per_second: float
    mean_latency_ms: float | None
    cpu_percent: float
    memory_bytes: float
    members: list[ReplicaMetrics]


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


class SystemMetrics(BaseModel):
    services: dict[str, str]
    total_simulations: int
    running_simulations: int
    completed_simulations: int
    deployments: int
    replicas: int
    ready_replicas: int
    alerts: int
    events: int
    requests_per_second: float


class MetricsQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    user_id: str | None = Field(
        None, max_length=64, description="Count only this user's simulations."
    )


class InfrastructureRoutes(Routes):
    tag = "infrastructure"

    def __init__(
        self,
        settings: StackSettings,
        controller: Controller,
        events: EventLog,
        db: Database,
        peers: Peers,
    ) -> None:
        self.settings = settings
        self.controller = controller
        self.events = events
        self.db = db
        self.peers = peers
        self.loads = LoadRuns(controller, peers)

    def _view(self, deployment: Deployment) -> dict[str, Any]:
        return deployment.public(self.controller.jonar_url)

    def _accepted(self, deployment: Deployment) -> Response:
        """202: the change is under way; its status URL says when it is done."""
        view = self._view(deployment)
        return json(view, status=202, headers={"Location": view["status_url"]})

    @endpoint(
        "POST",
        "/deployments/",
        body=NewDeployment,
        responses={202: DeploymentView, 409: None},
        access="trusted",
    )
    async def deploy_component(self, call: Call) -> Response:
        """Roll out replicas of a component: accepted at once, ready when its
        observed_generation reaches its generation with status ready (or failed, with the
        reason)."""
        new: NewDeployment = call.body
        overrides = new.autoscaling.model_dump(exclude_none=True)
        overrides.setdefault("min_replicas", new.replicas)
        policy = self.settings.jonar.autoscaling.model_copy(update=overrides)
        if policy.max_replicas < policy.min_replicas:
            raise BadRequest("autoscaling.max_replicas is below min_replicas")
        spec = {"resources": new.resources.model_dump()}
        deployment = await self.controller.deploy(
            new.component, new.version, new.replicas, spec, policy, new.rollout_timeout_seconds
        )
        return self._accepted(deployment)

    @endpoint("GET", "/deployments/", responses={200: DeploymentList}, access="user")
    async def list_deployments(self, call: Call) -> Response:
        """Every deployment Jonar runs or ran, with its replicas."""
        return json({"data": [self._view(d) for d in self.controller.deployments.values()]})

    @endpoint(
        "GET", "/deployments/{deployment_id}/", responses={200: DeploymentView}, access="user"
    )
    async def get_deployment_status(self, call: Call) -> Response:
        """A deployment's desired, ready and available replicas."""
        return json(self._view(self.controller.get(call.path["deployment_id"])))

    @endpoint(
        "PATCH",
        "/deployments/{deployment_id}/",
        body=ScaleRequest,
        responses={202: DeploymentView, 409: None},
        access="trusted",
    )
    async def scale_component(self, call: Call) -> Response:
        """Scale to a number of replicas: accepted at once; new ones must become ready,
        old ones drain."""
        request: ScaleRequest = call.body
        deployment = self.controller.get(call.path["deployment_id"])
        who = call.require_identity().user_id
        await self.controller.scale(
            deployment, request.replicas, f"requested by {who}", request.rollout_timeout_seconds
        )
        return self._accepted(deployment)

    @endpoint(
        "DELETE",
        "/deployments/{deployment_id}/",
        responses={202: DeploymentView},
        access="trusted",
    )
    async def delete_deployment(self, call: Call) -> Response:
        """Stop every replica of a deployment: accepted at once, deleted when its status
        says so."""
        deployment = await self.controller.delete(self.controller.get(call.path["deployment_id"]))
        return self._accepted(deployment)

    @endpoint(
        "GET",
        "/deployments/{deployment_id}/service/{path:path}",
        responses={200: None, 409: None, 503: None},
    )
    async def service(self, call: Call) -> Response:
        """The deployment as one service: each request goes to the next ready replica
        (409 with Retry-After while none is ready; 503 if the replica does not answer)."""
        deployment = self.controller.get(call.path["deployment_id"])
        replica = self.controller.next_ready(deployment)
        headers = Peers.forwarded_headers(call.request.headers)
        try:
            async with self.peers.session.get(
                f"{replica.url}/{call.path['path']}",
                headers=headers,
                params=call.request.query_params,
            ) as reply:
                body = await reply.read()
                content_type = reply.headers.get("content-type")
                return Response(body, status_code=reply.status, media_type=content_type)
        except Exception:
            raise Unavailable(
                f"replica {replica.index} of {deployment.id} did not answer"
            ) from None

    def _members(self, component: str) -> list[tuple[str, bool]]:
        members = [(self.settings.url(component), True)]
        for deployment in self.controller.of_component(component):
            members += [(r.url, r.ready) for r in deployment.members]
        return members

    @endpoint(
        "GET", "/components/{component}/metrics/", responses={200: ComponentMetrics}, access="user"
    )
    async def get_component_metrics(self, call: Call) -> Response:
        """Request rate, latency, CPU and memory of a component (core process and replicas)."""
        component = call.path["component"]
        if component not in SERVICES:
            raise BadRequest(f"unknown component {component!r}; one of {', '.join(SERVICES)}")
        window = self.settings.jonar.autoscaling.window_seconds
        members = self._members(component)
        for url, _ in members:
            if self.controller.scraper.rates(url, window) is None:
                await self.controller.scraper.scrape(url)
        rows = []
        for url, _ready in members:
            rates = self.controller.scraper.rates(url, window)
            if rates is not None:
                rows.append({"url": url, **rates.__dict__})
        latencies = [r["mean_latency_ms"] for r in rows if r["mean_latency_ms"] is not None]
        return json(
            {
                "component": component,
                "replicas": len(members),
                "ready_replicas": sum(1 for _, ready in members if ready),
                "requests_per_second": round(sum(r["requests_per_second"] for r in rows), 2),
                "mean_latency_ms": sum(latencies) / len(latencies) if latencies else None,
                "cpu_percent": round(sum(r["cpu_percent"] for r in rows), 2),
                "memory_bytes": sum(r["memory_bytes"] for r in rows),
                "members": rows,
            }
        )

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

    @endpoint("GET", "/events/", query=EventQuery, responses={200: Page[Event]}, access="user")
    async def list_events(self, call: Call) -> Response:
        """Component events, oldest first: rollouts, scaling, failures, restarts, workload."""
        query: EventQuery = call.query
        where = Where()
        if query.type == "scaling":
            where.add("type IN ({}, {})", *SCALING)
        else:
            where.equals(type=query.type)
        where.equals(component=query.component, deployment_id=query.deployment_id)
        where.since(query)
        return json(await page_of(self.db, call.request, query, "events", where, public))

    @endpoint(
        "POST", "/events/", body=NewEvent, responses={201: Event, 200: Event}, access="trusted"
    )
    async def report_event(self, call: Call) -> Response:
        """A component reports something that happened to it (idempotent on the id)."""
        new: NewEvent = call.body
        event, created = await self.events.record(
            new.component, new.type, new.reason, new.message, event_id=new.id
        )
        return json(event, status=201 if created else 200)

    @endpoint(
        "GET",
        "/system/metrics/",
        query=MetricsQuery,
        responses={200: SystemMetrics},
        access="user",
    )
    async def get_system_metrics(self, call: Call) -> Response:
        """The ecosystem at a glance: services up, simulations (all, or one user's),
        replicas, alerts, traffic."""
        services = {}
        for name in SERVICES:
            try:
                async with self.peers.session.get(
                    f"{self.settings.url(name)}/healthz", timeout=aiohttp.ClientTimeout(total=2)
                ) as reply:
                    services[name] = "up" if reply.status == 200 else f"answered {reply.status}"
            except Exception:
                services[name] = "down"
        stats: dict[str, Any] = {}
        user = call.query.user_id
        answer = await self.peers.request(
            "distilera",
            "GET",
            "/simulations/stats/",
            query=urlencode({"user_id": user} if user else {}),
        )
        if answer.status == 200:
            stats = answer.json()
        active = [d for d in self.controller.deployments.values() if d.status == "ready"]
        window = self.settings.jonar.autoscaling.window_seconds
        rates = [self.controller.scraper.rates(self.settings.url(n), window) for n in SERVICES]
        counts = await self.db.fetch_one(
            "SELECT (SELECT COUNT(*) FROM alerts) AS alerts,"
            " (SELECT COUNT(*) FROM events) AS events"
        )
        assert counts is not None
        return json(
            {
                "services": services,
                "total_simulations": stats.get("total_simulations", 0),
                "running_simulations": stats.get("running", 0),
                "completed_simulations": stats.get("completed", 0),
                "deployments": len(active),
                "replicas": sum(len(d.members) for d in active),
                "ready_replicas": sum(d.ready_replicas for d in active),
                "alerts": counts["alerts"],
                "events": counts["events"],
                "requests_per_second": round(
                    sum(r.requests_per_second for r in rates if r is not None), 2
                ),
            }
        )
