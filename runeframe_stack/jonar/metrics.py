"""What Jonar measures: a component's traffic and resources across its core process and
replicas, and the ecosystem at a glance."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import aiohttp
from pydantic import BaseModel, ConfigDict, Field
from starlette.responses import Response

from ..core.errors import BadRequest
from ..core.peers import Peers
from ..core.routing import Call, Routes, endpoint, json
from ..core.settings import SERVICES, StackSettings
from .alerts import AlertStore
from .deployments import Controller
from .events import EventLog


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


class MetricsRoutes(Routes):
    tag = "infrastructure"

    def __init__(
        self,
        settings: StackSettings,
        controller: Controller,
        peers: Peers,
        alerts: AlertStore,
        events: EventLog,
    ) -> None:
        self.settings = settings
        self.controller = controller
        self.peers = peers
        self.alerts = alerts
        self.events = events

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
        return json(
            {
                "services": services,
                "total_simulations": stats.get("total_simulations", 0),
                "running_simulations": stats.get("running", 0),
                "completed_simulations": stats.get("completed", 0),
                "deployments": len(active),
                "replicas": sum(len(d.members) for d in active),
                "ready_replicas": sum(d.ready_replicas for d in active),
                "alerts": await self.alerts.count(),
                "events": await self.events.count(),
                "requests_per_second": round(
                    sum(r.requests_per_second for r in rates if r is not None), 2
                ),
            }
        )
