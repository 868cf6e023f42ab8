"""Jonar: deployments and their replicas, scaling, metrics, simulated load, events, alerts."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable
from typing import Any, TypeVar

import httpx
import pandas as pd

from ..errors import ClientError
from ._service import ServiceClient
from .models import (
    Alert,
    ComponentMetrics,
    Deployment,
    Entity,
    Event,
    LoadReport,
    SystemMetrics,
    id_of,
)

T = TypeVar("T")
ROLLOUT_WAIT = 660.0  # a rollout may take its full deadline (up to 600 s) before answering


class JonarClient(ServiceClient):
    service = "jonar"

    async def deploy_component(self, deployment_config: dict[str, Any]) -> Deployment:
        """Roll out a component; returns once its replicas are ready (or raises why not)."""
        return await self.fetch(
            Deployment, "POST", "/deployments/", json=deployment_config, timeout=ROLLOUT_WAIT
        )

    async def get_deployment_status(self, deployment_id: Entity | str) -> Deployment:
        return await self.fetch(Deployment, "GET", f"/deployments/{id_of(deployment_id)}/")

    async def list_deployments(self) -> list[Deployment]:
        reply = await self.call("GET", "/deployments/")
        return [Deployment.model_validate(d) for d in reply["data"]]

    async def scale_component(self, deployment_id: Entity | str, replicas: int) -> Deployment:
        path = f"/deployments/{id_of(deployment_id)}/"
        body = {"replicas": replicas}
        return await self.fetch(Deployment, "PATCH", path, json=body, timeout=ROLLOUT_WAIT)

    async def watch_deployment(
        self,
        deployment_id: Entity | str,
        during: Awaitable[T],
        interval: float = 0.25,
        after: float = 1.0,
    ) -> tuple[T, pd.DataFrame]:
        """Await `during` while sampling the deployment's replica counts (and `after` it).

        Returns what `during` returned and the samples: seconds since start, desired
        replicas, ready replicas.
        """
        samples: list[dict[str, float]] = []
        started = time.monotonic()

        async def sample() -> None:
            while True:
                status = await self.get_deployment_status(deployment_id)
                samples.append(
                    {
                        "at": round(time.monotonic() - started, 2),
                        "replicas": status.replicas,
                        "ready": status.ready_replicas,
                    }
                )
                await asyncio.sleep(interval)

        sampler = asyncio.create_task(sample())
        try:
            outcome = await during
            await asyncio.sleep(after)
        finally:
            sampler.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await sampler
        return outcome, pd.DataFrame(samples, columns=["at", "replicas", "ready"])

    async def delete_deployment(self, deployment_id: Entity | str) -> None:
        await self.call("DELETE", f"/deployments/{id_of(deployment_id)}/")

    async def get_service_url(self, deployment_id: Entity | str) -> str:
        """Where the deployment answers as one service (Jonar balances over its replicas)."""
        return (await self.get_deployment_status(deployment_id)).service_url

    async def test_service_health(self, service_url: str) -> httpx.Response:
        """GET the service's /healthz through its service URL."""
        try:
            return await self.http.get(f"{service_url.rstrip('/')}/healthz")
        except httpx.HTTPError as exc:
            raise ClientError(f"jonar: {service_url}: {exc or type(exc).__name__}") from None

    async def get_component_metrics(self, component: str) -> ComponentMetrics:
        return await self.fetch(ComponentMetrics, "GET", f"/components/{component}/metrics/")

    async def simulate_load(
        self, component: str, load_factor: float = 2.0, duration: float = 3.0
    ) -> LoadReport:
        """Real requests at load_factor x the autoscaling target, then an HPA evaluation."""
        body = {"load_factor": load_factor, "duration_seconds": duration}
        path = f"/components/{component}/load/"
        return await self.fetch(LoadReport, "POST", path, json=body, timeout=ROLLOUT_WAIT)

    async def get_component_events(self, component: str, type: str | None = None) -> list[Event]:
        return await self.collect(
            Event, "/events/", since=self.since, component=component, type=type
        )

    async def get_scaling_events(self, component: str) -> list[Event]:
        """scale_up and scale_down events of a component, oldest first."""
        return await self.get_component_events(component, type="scaling")

    async def get_system_metrics(self, user_id: Entity | str | None = None) -> SystemMetrics:
        """The ecosystem's metrics; with `user_id`, simulations count that user's alone."""
        params = {"user_id": id_of(user_id)} if user_id is not None else None
        return await self.fetch(SystemMetrics, "GET", "/system/metrics/", params=params)

    async def get_system_alerts(
        self, component: str | None = None, type: str | None = None
    ) -> list[Alert]:
        return await self.collect(
            Alert, "/alerts/", since=self.since, component=component, type=type
        )

    async def report_event(
        self, component: str, type: str, reason: str, message: str, **fields: Any
    ) -> Event:
        """A component's own report of something that happened to it (idempotent on `id`)."""
        body = {"component": component, "type": type, "reason": reason, "message": message}
        return await self.fetch(Event, "POST", "/events/", json={**body, **fields})

    async def raise_alert(self, type: str, component: str, message: str, **fields: Any) -> Alert:
        body = {"type": type, "component": component, "message": message, **fields}
        return await self.fetch(Alert, "POST", "/alerts/", json=body)
