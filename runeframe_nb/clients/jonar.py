"""Jonar: deployments and their replicas, scaling, metrics, simulated load, events, alerts."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable
from typing import TYPE_CHECKING, Any, TypeVar

import httpx

from .._tables import pandas
from ..errors import ApiError, ClientError
from ..models import (
    Alert,
    ComponentMetrics,
    Deployment,
    Entity,
    Event,
    LoadReport,
    SystemMetrics,
    id_of,
)
from ..waits import eventually
from ._service import ServiceClient

if TYPE_CHECKING:
    import pandas as pd

T = TypeVar("T")
# Jonar accepts a change at once and carries it out in the background; the kit watches
# it for this long unless the caller says otherwise (Jonar's own rollout deadline is 30 s
# unless the request gave another)
SETTLE_WITHIN = 120.0


class JonarClient(ServiceClient):
    service = "jonar"

    async def deploy_component(
        self, deployment_config: dict[str, Any], within: float = SETTLE_WITHIN
    ) -> Deployment:
        """Roll out a component and watch it until every replica is ready (or raise why
        not: ApiError `rollout_failed` with Jonar's reason, ClientError past `within`)."""
        accepted = await self.fetch(Deployment, "POST", "/deployments/", json=deployment_config)
        return await self.settled(accepted, within)

    async def settled(self, deployment: Deployment, within: float = SETTLE_WITHIN) -> Deployment:
        """Watch a deployment until Jonar has carried out the change that answered with
        `deployment` (its observed_generation reaches that generation)."""
        generation = deployment.generation
        now = await eventually(
            lambda: self.get_deployment_status(deployment),
            lambda d: d.observed_generation >= generation,
            within=within,
        )
        where = f"jonar deployment {deployment.id}"
        if now.observed_generation < generation:
            raise ClientError(
                f"{where}: still {now.status} after {within:g} s "
                f"({now.ready_replicas} of {now.replicas} replicas ready)"
            )
        if now.status == "failed":
            raise ApiError(422, "rollout_failed", now.reason or "rollout failed", call=where)
        return now

    async def get_deployment_status(self, deployment_id: Entity | str) -> Deployment:
        return await self.fetch(Deployment, "GET", f"/deployments/{id_of(deployment_id)}/")

    async def list_deployments(self) -> list[Deployment]:
        reply = await self.call("GET", "/deployments/")
        return [Deployment.model_validate(d) for d in reply["data"]]

    async def scale_component(
        self, deployment_id: Entity | str, replicas: int, within: float = SETTLE_WITHIN
    ) -> Deployment:
        """Scale, and watch until the replicas asked for run (or raise Jonar's reason)."""
        path = f"/deployments/{id_of(deployment_id)}/"
        accepted = await self.fetch(Deployment, "PATCH", path, json={"replicas": replicas})
        now = await self.settled(accepted, within)
        if now.replicas != replicas:
            reason = now.reason or f"Jonar settled at {now.replicas} replicas"
            raise ApiError(422, "rollout_failed", reason, call=f"jonar PATCH {path}")
        return now

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
        pd = pandas()
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

    async def delete_deployment(
        self, deployment_id: Entity | str, within: float = SETTLE_WITHIN
    ) -> None:
        """Delete, and watch until every replica has stopped."""
        path = f"/deployments/{id_of(deployment_id)}/"
        await self.settled(await self.fetch(Deployment, "DELETE", path), within)

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
        self,
        component: str,
        load_factor: float = 2.0,
        duration: float = 3.0,
        within: float = SETTLE_WITHIN,
    ) -> LoadReport:
        """Real requests at load_factor x the autoscaling target, then an HPA evaluation;
        watched until Jonar reports it (ApiError `load_failed` with its reason)."""
        body = {"load_factor": load_factor, "duration_seconds": duration}
        run = await self.call("POST", f"/components/{component}/load/", json=body)
        path = f"/components/{component}/load/{run['id']}/"
        run = await eventually(
            lambda: self.call("GET", path), lambda r: r["status"] != "running", within=within
        )
        if run["status"] == "running":
            raise ClientError(f"jonar load run {run['id']}: still running after {within:g} s")
        if run["status"] == "failed":
            raise ApiError(409, "load_failed", run["reason"] or "failed", call=f"jonar {path}")
        return LoadReport.model_validate(run["report"])

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
