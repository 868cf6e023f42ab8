"""Deployments and their replicas: rolled out, healed, scaled and autoscaled.

Creating, scaling and deleting a deployment are accepted at once and carried out in the
background, as Kubernetes does: each request raises the deployment's `generation`, and
`observed_generation` reaches it when Jonar has done what was asked (or given up, with
the reason). A rollout is done when every new replica answers /healthz; one that cannot
get there (a release that does not exist, a crashing replica, no free port) is torn down
when its deadline passes, or as soon as a replica has crashed three times, and reported
with the reason its replicas gave. Deleting stops a rollout under way. The replicas
asked for across all deployments are held to a quota. A health loop probes every
replica, restarts one that died or stopped answering, scrapes its metrics and lets the
autoscaler decide.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import orjson

from ..core.clock import now_iso
from ..core.errors import ApiError, Conflict, NotFound
from ..core.ids import new_id
from ..core.lifecycle import in_background
from ..core.peers import Peers
from ..core.settings import SERVICES, Autoscaling, StackSettings
from ..core.storage import Database
from .autoscaler import Decision, Stabilizer
from .backend import Backend, Replica
from .events import EventLog
from .scrape import Scraper

log = logging.getLogger("runeframe_stack.jonar")
DEPLOYABLE = ("api", "distilera", "hoardwell", "mercatrix")
MIGRATIONS = [
    """
    CREATE TABLE deployments (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        component TEXT NOT NULL,
        release TEXT NOT NULL,
        replicas INTEGER NOT NULL,
        status TEXT NOT NULL,
        reason TEXT,
        spec TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    )
    """,
]
PROBE = aiohttp.ClientTimeout(total=1)
UNANSWERED_PROBES = 3  # a live replica that misses this many probes in a row is restarted
CRASH_LOOP_EXITS = 3  # a new replica that exits this often fails its rollout at once


class RolloutFailed(ApiError):
    status, code = 422, "rollout_failed"


class RolloutStopped(ApiError):
    """The deployment was deleted while its replicas were starting."""

    status, code = 409, "rollout_stopped"


@dataclass
class Deployment:
    id: str
    component: str
    release: str
    replicas: int  # asked for; the members are what runs
    policy: Autoscaling
    spec: dict[str, Any]
    status: str = "progressing"  # progressing, ready, failed, deleting, deleted
    reason: str | None = None
    generation: int = 1  # one more for every change asked for
    observed_generation: int = 0  # the last change carried out (or given up)
    created_at: str = field(default_factory=now_iso)
    members: list[Replica] = field(default_factory=list)
    stabilizer: Stabilizer | None = None
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    misses: dict[int, int] = field(default_factory=dict)
    scaled_at: float = 0.0  # monotonic time of the last change of replica count
    last_scaling: tuple[float, Decision] | None = None  # when, and the decision itself
    turn: itertools.count[int] = field(default_factory=itertools.count)

    def stopping(self) -> bool:
        return self.status in ("deleting", "deleted")

    @property
    def ready_replicas(self) -> int:
        return sum(1 for r in self.members if r.ready)

    def public(self, jonar_url: str) -> dict[str, Any]:
        ready = self.ready_replicas
        return {
            "id": self.id,
            "component": self.component,
            "version": self.release,
            "replicas": self.replicas,
            "ready_replicas": ready,
            "available_replicas": ready,
            "status": self.status,
            "reason": self.reason,
            "generation": self.generation,
            "observed_generation": self.observed_generation,
            "status_url": f"{jonar_url}/deployments/{self.id}/",
            "service_url": f"{jonar_url}/deployments/{self.id}/service/",
            "autoscaling": self.policy.model_dump(),
            "resources": self.spec.get("resources"),
            "members": [
                {
                    "index": r.index,
                    "url": r.url,
                    "pid": r.pid,
                    "ready": r.ready,
                    "restarts": r.restarts,
                    "last_exit": r.last_exit,
                }
                for r in self.members
            ],
            "created_at": self.created_at,
        }


def _message(exc: Exception) -> str:
    if isinstance(exc, ApiError):
        return exc.message
    log.exception("a deployment change failed")
    return f"internal error: {type(exc).__name__}"


def _tail(path: Path) -> str:
    try:
        lines = path.read_text(errors="replace").strip().splitlines()
    except OSError:
        return ""
    errors = [line for line in lines if "error" in line.lower()]
    return (errors or lines or [""])[-1].strip()[:300]


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
        self.peers = peers
        self.events = events
        self.scraper = scraper
        self.deployments: dict[str, Deployment] = {}
        self.logs = settings.require_data_dir() / "jonar-replicas"
        self.jonar_url = settings.url("jonar")
        self._work: set[asyncio.Task[None]] = set()  # changes being carried out

    def in_background(self, work: Any) -> None:
        task = asyncio.get_running_loop().create_task(work)
        self._work.add(task)
        task.add_done_callback(self._work.discard)

    def _reserve(self, more: int) -> None:
        """Refuse a change that would ask for more replicas than the quota allows."""
        asked = sum(
            d.replicas for d in self.deployments.values() if d.status in ("ready", "progressing")
        )
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
        return [
            d
            for d in self.deployments.values()
            if d.component == component and d.status in ("ready", "progressing")
        ]

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
        await self._save(deployment)
        self.in_background(self._roll_out(deployment, rollout_timeout))
        return deployment

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
                await self._save(deployment)
                await self._rollout_failed(deployment, deployment.reason)
                return
            deployment.scaled_at = time.monotonic()
            self._observed(deployment, done)
            await self._save(deployment)
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
        await self._save(deployment)

    @staticmethod
    def _observed(deployment: Deployment, generation: int) -> None:
        deployment.observed_generation = max(deployment.observed_generation, generation)
        caught_up = deployment.observed_generation >= deployment.generation
        deployment.status = "ready" if caught_up else "progressing"

    async def _rollout_failed(self, deployment: Deployment, reason: str) -> None:
        await self.events.record(
            deployment.component,
            "rollout_failed",
            "deadline",
            reason,
            deployment_id=deployment.id,
        )

    async def _add(self, deployment: Deployment, count: int, rollout_timeout: float | None) -> None:
        """Start `count` more replicas and wait until all answer, or remove them and raise."""
        taken = {r.port for d in self.deployments.values() for r in d.members}
        fresh: list[Replica] = []
        try:
            for _ in range(count):
                index = max((r.index for r in deployment.members + fresh), default=-1) + 1
                port = self.backend.free_port(taken)
                taken.add(port)
                log_path = self.logs / f"{deployment.id}-{index}.log"
                replica = Replica(deployment.id, index, port, f"http://127.0.0.1:{port}", log_path)
                fresh.append(replica)
                await self.backend.start(replica, deployment.component, deployment.release)
            limit = rollout_timeout or self.config.rollout_timeout_seconds
            await self._wait_ready(deployment, fresh, limit)
        except BaseException:
            await asyncio.gather(*(self.backend.stop(r, 0) for r in fresh))
            raise
        deployment.members.extend(fresh)

    async def _wait_ready(
        self, deployment: Deployment, replicas: list[Replica], limit: float
    ) -> None:
        deadline = time.monotonic() + limit
        while True:
            if deployment.stopping():
                raise RolloutStopped(f"{deployment.id} was deleted during its rollout")
            for replica in replicas:
                code = self.backend.exit_code(replica)
                if code is not None:
                    replica.last_exit = f"exited with code {code}: {_tail(replica.log_path)}"
                    if replica.restarts + 1 >= CRASH_LOOP_EXITS:
                        raise RolloutFailed(
                            f"{deployment.component} {deployment.release}: replica "
                            f"{replica.index} exited {replica.restarts + 1} times while rolling "
                            f"out; {replica.last_exit}",
                            details={"not_ready": [r.index for r in replicas if not r.ready]},
                        )
                    replica.restarts += 1
                    await asyncio.sleep(min(0.1 * 2**replica.restarts, 1.0))  # crash-loop backoff
                    await self.backend.start(replica, deployment.component, deployment.release)
                elif not replica.ready:
                    replica.ready = await self._probe(replica)
            if all(r.ready for r in replicas):
                return
            if time.monotonic() > deadline:
                waiting = [r for r in replicas if not r.ready]
                cause = next((r.last_exit for r in waiting if r.last_exit), "no answer on /healthz")
                raise RolloutFailed(
                    f"{deployment.component} {deployment.release}: {len(waiting)} of "
                    f"{len(replicas)} replicas not ready after {limit:.0f} s; "
                    f"replica {waiting[0].index} {cause}",
                    details={"not_ready": [r.index for r in waiting]},
                )
            await asyncio.sleep(0.1)

    async def _probe(self, replica: Replica) -> bool:
        try:
            async with self.peers.session.get(f"{replica.url}/healthz", timeout=PROBE) as reply:
                return reply.status == 200
        except Exception:  # refused, reset, timed out: not ready
            return False

    # scaling

    async def scale(
        self,
        deployment: Deployment,
        replicas: int,
        reason: str,
        rollout_timeout: float | None = None,
    ) -> Deployment:
        """Accept a change of replicas; it is carried out in the background."""
        if deployment.status not in ("ready", "progressing"):
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
            if deployment.status not in ("ready", "progressing"):
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
            self._observed(deployment, done)
            await self._save(deployment)
            await self._rollout_failed(deployment, deployment.reason)
            return
        self._observed(deployment, done)
        if replicas != current:
            deployment.scaled_at = time.monotonic()
        await self._save(deployment)
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
            await self._save(deployment)
        await self.events.record(
            deployment.component,
            "deployment_deleted",
            "requested",
            f"{deployment.id} deleted",
            deployment_id=deployment.id,
        )

    # health

    async def heal(self, deployment: Deployment) -> None:
        """Restart replicas that died or stopped answering; refresh readiness and metrics."""
        if deployment.status != "ready" or deployment.lock.locked():
            return
        for replica in list(deployment.members):
            code = self.backend.exit_code(replica)
            if code is None:
                answered = await self._probe(replica)
                misses = 0 if answered else deployment.misses.get(replica.index, 0) + 1
                deployment.misses[replica.index] = misses
                replica.ready = answered
                if answered:
                    await self.scraper.scrape(replica.url)
                    continue
                if misses < UNANSWERED_PROBES:
                    continue
                await self.backend.stop(replica, 0)
                cause = f"missed {misses} health probes"
            else:
                cause = f"exited with code {code}"
            replica.ready = False
            replica.last_exit = cause
            replica.restarts += 1
            deployment.misses[replica.index] = 0
            await self.events.record(
                deployment.component,
                "replica_failed",
                "health",
                f"replica {replica.index} of {deployment.id} {cause}",
                deployment_id=deployment.id,
            )
            await self.backend.start(replica, deployment.component, deployment.release)
            await self.events.record(
                deployment.component,
                "replica_restarted",
                "health",
                f"replica {replica.index} of {deployment.id} restarted ({replica.restarts} so far)",
                deployment_id=deployment.id,
            )

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
                    await self.heal(deployment)
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

    # persistence

    async def _save(self, deployment: Deployment) -> None:
        stamp = now_iso()
        spec = orjson.dumps({**deployment.spec, "autoscaling": deployment.policy.model_dump()})
        await self.db.execute(
            "INSERT INTO deployments (id, component, release, replicas, status, reason, spec,"
            " created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)"
            " ON CONFLICT (id) DO UPDATE SET replicas = $4, status = $5, reason = $6,"
            " updated_at = $8",
            deployment.id,
            deployment.component,
            deployment.release,
            deployment.replicas,
            deployment.status,
            deployment.reason,
            spec.decode(),
            stamp,
        )

    def next_ready(self, deployment: Deployment) -> Replica:
        ready = [r for r in deployment.members if r.ready]
        if not ready:
            # the caller's timing, not a fault of the server: ask again shortly
            raise Conflict(
                f"deployment {deployment.id} has no ready replica ({deployment.status});"
                " retry after 1 s",
                headers={"Retry-After": "1"},
            )
        return ready[next(deployment.turn) % len(ready)]

    @asynccontextmanager
    async def running(self) -> AsyncIterator[None]:
        """Care for the deployments while Jonar serves; stop every replica when it stops."""
        async with in_background(self.run()):
            yield
        await self.shutdown()
