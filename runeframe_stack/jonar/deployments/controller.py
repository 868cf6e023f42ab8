"""The deployments' controller: every change asked for is accepted at once, raises the
deployment's generation and is carried out in the background under the deployment's lock;
a periodic loop heals, scrapes and autoscales."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from ...core.errors import ApiError, Conflict, NotFound
from ...core.ids import new_id
from ...core.lifecycle import in_background
from ...core.peers import Peers
from ...core.settings import SERVICES, Autoscaling, StackSettings
from ...core.storage import Database
from ..autoscaler import Decision, Stabilizer
from ..backend import Backend
from ..events import EventLog
from ..scrape import Scraper
from . import store
from .health import HealthWatch
from .model import Deployment
from .rollout import Launcher

log = logging.getLogger("runeframe_stack.jonar")


def _message(exc: Exception) -> str:
    if isinstance(exc, ApiError):
        return exc.message
    log.exception("a deployment change failed")
    return f"internal error: {type(exc).__name__}"


class Controller:
    def __init__(
        self,
        settings: StackSettings,
        backend: Backend,
        db: Database,
        peers: Peers,
        events: EventLog,
        scraper: Scraper,
    ) -> None:
        self.settings = settings
        self.config = settings.jonar
        self.backend = backend
        self.db = db
        self.events = events
        self.scraper = scraper
        self.launcher = Launcher(backend, peers, settings.require_data_dir() / "jonar-replicas")
        self.health = HealthWatch(
            backend, self.launcher, scraper, events, self.config.rollout_timeout_seconds
        )
        self.deployments: dict[str, Deployment] = {}
        self.jonar_url = settings.url("jonar")
        self._work: set[asyncio.Task[None]] = set()  # changes being carried out

    def in_background(self, work: Any) -> None:
        task = asyncio.get_running_loop().create_task(work)
        self._work.add(task)
        task.add_done_callback(self._work.discard)

    def _reserve(self, more: int) -> None:
        """Refuse a change that would ask for more replicas than the quota allows."""
        asked = sum(d.replicas for d in self.deployments.values() if d.active())
        quota = self.config.max_replicas
        if more > 0 and asked + more > quota:
            raise Conflict(
                f"replica quota exceeded: {asked} of {quota} replicas are asked for already,"
                f" {more} more would pass it",
                details={"quota": quota, "asked": asked},
            )

    # lookups

    def get(self, deployment_id: str) -> Deployment:
        deployment = self.deployments.get(deployment_id)
        if deployment is None:
            raise NotFound(f"deployment {deployment_id} not found")
        return deployment

    def of_component(self, component: str) -> list[Deployment]:
        return [d for d in self.deployments.values() if d.component == component and d.active()]

    # rollout

    async def deploy(
        self,
        component: str,
        release: str,
        replicas: int,
        spec: dict[str, Any],
        policy: Autoscaling,
        rollout_timeout: float | None = None,
    ) -> Deployment:
        """Accept a deployment; its replicas roll out in the background."""
        self._reserve(replicas)
        deployment = Deployment(new_id("dep"), component, release, replicas, policy, spec)
        deployment.stabilizer = Stabilizer(policy)
        self.deployments[deployment.id] = deployment
        await store.save(self.db, deployment)
        self.in_background(self._roll_out(deployment, rollout_timeout))
        return deployment

    async def _add(self, deployment: Deployment, count: int, rollout_timeout: float | None) -> None:
        taken = {r.port for d in self.deployments.values() for r in d.members}
        limit = rollout_timeout or self.config.rollout_timeout_seconds
        await self.launcher.add(deployment, count, taken, limit)

    async def _roll_out(self, deployment: Deployment, rollout_timeout: float | None) -> None:
        async with deployment.lock:
            if deployment.stopping():
                return
            done = deployment.generation
            try:
                await self._add(deployment, deployment.replicas, rollout_timeout)
            except Exception as exc:
                if deployment.stopping():
                    return
                deployment.status, deployment.reason = "failed", _message(exc)
                deployment.observed_generation = done
                await store.save(self.db, deployment)
                await self._rollout_failed(deployment, deployment.reason)
                return
            deployment.scaled_at = time.monotonic()
            deployment.observed(done)
            await store.save(self.db, deployment)
        await self.events.record(
            deployment.component,
            "deployment_ready",
            "rollout",
            f"{deployment.component} {deployment.release}: {deployment.replicas} of "
            f"{deployment.replicas} replicas ready",
            deployment_id=deployment.id,
        )

    async def _asked(
        self, deployment: Deployment, replicas: int, status: str = "progressing"
    ) -> None:
        """A change asked for: the replicas wanted, a generation more, saved."""
        deployment.replicas, deployment.status = replicas, status
        deployment.generation += 1
        await store.save(self.db, deployment)

    async def _rollout_failed(self, deployment: Deployment, reason: str) -> None:
        await self.events.record(
            deployment.component,
            "rollout_failed",
            "deadline",
            reason,
            deployment_id=deployment.id,
        )

    # scaling

    async def scale(
        self,
        deployment: Deployment,
        replicas: int,
        reason: str,
        rollout_timeout: float | None = None,
    ) -> Deployment:
        """Accept a change of replicas; it is carried out in the background."""
        if not deployment.active():
            raise Conflict(f"deployment {deployment.id} is {deployment.status}: it cannot scale")
        if replicas != deployment.replicas:
            self._reserve(replicas - deployment.replicas)
            await self._asked(deployment, replicas)
            self.in_background(self._converge(deployment, reason, rollout_timeout))
        return deployment

    async def _converge(
        self, deployment: Deployment, reason: str, rollout_timeout: float | None
    ) -> None:
        """Bring the members to the replicas asked for last (an earlier request's work may
        already have done it)."""
        async with deployment.lock:
            if not deployment.active():
                return
            await self._resize(deployment, reason, rollout_timeout)

    async def _resize(
        self, deployment: Deployment, reason: str, rollout_timeout: float | None
    ) -> None:
        """Start or drain replicas until the members are the replicas asked for; under the
        deployment's lock. A scale-up that cannot finish keeps the replicas that run."""
        done, replicas = deployment.generation, deployment.replicas
        current = len(deployment.members)
        try:
            if replicas > current:
                await self._add(deployment, replicas - current, rollout_timeout)
            elif replicas < current:
                leaving = sorted(deployment.members, key=lambda r: r.index)[replicas:]
                for replica in leaving:
                    replica.ready = False  # out of the service first: no new requests
                await asyncio.gather(
                    *(self.backend.stop(r, self.config.drain_seconds) for r in leaving)
                )
                for replica in leaving:
                    deployment.members.remove(replica)
                    self.scraper.forget(replica.url)
        except Exception as exc:
            if deployment.stopping():
                return
            deployment.replicas = len(deployment.members)
            deployment.reason = f"scaling to {replicas} replicas failed: {_message(exc)}"
            deployment.observed(done)
            await store.save(self.db, deployment)
            await self._rollout_failed(deployment, deployment.reason)
            return
        deployment.observed(done)
        if replicas != current:
            deployment.scaled_at = time.monotonic()
        await store.save(self.db, deployment)
        if replicas != current:
            await self.events.record(
                deployment.component,
                "scale_up" if replicas > current else "scale_down",
                reason,
                f"{deployment.component}: {current} -> {replicas} replicas ({reason})",
                deployment_id=deployment.id,
            )

    async def autoscale(
        self, deployment: Deployment, window: float | None = None
    ) -> Decision | None:
        """One HPA evaluation on the replicas' request rates over the last seconds.

        After a change of replica count the periodic evaluation waits a full window, so
        the same burst is never counted twice; an explicit `window` (samples the caller
        just took) is judged at once.
        """
        if deployment.stabilizer is None or deployment.status != "ready":
            return None
        async with deployment.lock:
            span = window or deployment.policy.window_seconds
            if window is None and time.monotonic() - deployment.scaled_at < span:
                return None
            rates = [self.scraper.rates(r.url, span) for r in deployment.members if r.ready]
            known = [r.requests_per_second for r in rates if r is not None]
            if not known:
                return None
            observed = sum(known) / len(known)
            current = len(deployment.members)
            decision = deployment.stabilizer.decide(time.monotonic(), current, observed)
            if decision.kind is not None:
                deployment.last_scaling = (time.monotonic(), decision)
                try:
                    self._reserve(decision.desired - deployment.replicas)
                except Conflict as exc:
                    log.info("%s stays at %d replicas: %s", deployment.id, current, exc.message)
                    return decision
                await self._asked(deployment, decision.desired)
                await self._resize(deployment, decision.reason, None)
            return decision

    # deletion

    async def delete(self, deployment: Deployment) -> Deployment:
        """Accept a deletion: a rollout under way stops, every replica drains and stops."""
        if not deployment.stopping():
            await self._asked(deployment, 0, "deleting")
            self.in_background(self._delete(deployment))
        return deployment

    async def _delete(self, deployment: Deployment) -> None:
        async with deployment.lock:  # a rollout under way lets go within a probe
            done = deployment.generation
            await asyncio.gather(
                *(self.backend.stop(r, self.config.drain_seconds) for r in deployment.members)
            )
            for replica in deployment.members:
                self.scraper.forget(replica.url)
            deployment.members.clear()
            deployment.status = "deleted"
            deployment.observed_generation = done
            await store.save(self.db, deployment)
        await self.events.record(
            deployment.component,
            "deployment_deleted",
            "requested",
            f"{deployment.id} deleted",
            deployment_id=deployment.id,
        )

    # the care loop

    async def run(self) -> None:
        """Probe, heal, scrape and autoscale every deployment, once per probe interval.

        The core services are scraped too, so their rates are known without a deployment.
        """
        core = [self.settings.url(name) for name in SERVICES]
        while True:
            await asyncio.sleep(self.config.probe_interval_seconds)
            await asyncio.gather(*(self.scraper.scrape(url) for url in core))
            for deployment in list(self.deployments.values()):
                try:
                    await self.health.heal(deployment)
                    await self.autoscale(deployment)
                except Exception:  # one deployment's trouble must not stop the others' care
                    log.exception("health loop failed for %s", deployment.id)

    async def shutdown(self) -> None:
        """Stop the changes under way and every replica (the stack is stopping)."""
        for task in self._work:
            task.cancel()
        await asyncio.gather(*self._work, return_exceptions=True)
        replicas = [r for d in self.deployments.values() for r in d.members]
        await asyncio.gather(
            *(self.backend.stop(r, self.config.drain_seconds) for r in replicas),
            return_exceptions=True,
        )

    @asynccontextmanager
    async def running(self) -> AsyncIterator[None]:
        """Care for the deployments while Jonar serves; stop every replica when it stops."""
        async with in_background(self.run()):
            yield
        await self.shutdown()
