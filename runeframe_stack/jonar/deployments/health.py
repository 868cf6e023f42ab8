"""Care of running replicas: one that died, or stopped answering, is restarted and the
restart recorded; one that answers has its metrics scraped."""

from __future__ import annotations

import asyncio

from ..backend import Backend, Replica
from ..events import EventLog
from ..scrape import Scraper
from .model import Deployment
from .rollout import Launcher

UNANSWERED_PROBES = 3  # a live replica that misses this many probes in a row is restarted


class HealthWatch:
    def __init__(
        self,
        backend: Backend,
        launcher: Launcher,
        scraper: Scraper,
        events: EventLog,
        startup_seconds: float,
    ) -> None:
        self.backend = backend
        self.launcher = launcher
        self.scraper = scraper
        self.events = events
        self.startup_seconds = startup_seconds  # what a replica has to answer a first time

    async def heal(self, deployment: Deployment) -> None:
        """Restart replicas that died or stopped answering; refresh readiness and metrics."""
        if deployment.status != "ready" or deployment.lock.locked():
            return
        for replica in list(deployment.members):
            code = self.backend.exit_code(replica)
            if code is None:
                cause = await self._unwell(deployment, replica)
                if cause is None:
                    continue
                await self.backend.stop(replica, 0)
            else:
                cause = f"exited with code {code}"
            replica.ready = False
            replica.last_exit = cause
            replica.restarts += 1
            deployment.misses.pop(replica.index, None)  # starting again
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

    async def _unwell(self, deployment: Deployment, replica: Replica) -> str | None:
        """Why a running replica is to be restarted, or None. One that has answered since
        it started is restarted after missing `UNANSWERED_PROBES` probes in a row; one still
        starting (a loaded machine takes seconds to start a service) only when it has not
        answered within `startup_seconds`, as a rollout would give it."""
        answered = await self.launcher.probe(replica)
        started = replica.ready or replica.index in deployment.misses
        replica.ready = answered
        if answered:
            deployment.misses[replica.index] = 0
            await self.scraper.scrape(replica.url)
            return None
        if not started:
            waited = asyncio.get_running_loop().time() - replica.started_at
            if waited < self.startup_seconds:
                return None
            return f"did not answer within {self.startup_seconds:g} s of starting"
        misses = deployment.misses[replica.index] = deployment.misses.get(replica.index, 0) + 1
        return f"missed {misses} health probes" if misses >= UNANSWERED_PROBES else None
