"""Care of running replicas: one that died, or stopped answering, is restarted and the
restart recorded; one that answers has its metrics scraped."""

from __future__ import annotations

from ..backend import Backend
from ..events import EventLog
from ..scrape import Scraper
from .model import Deployment
from .rollout import Launcher

UNANSWERED_PROBES = 3  # a live replica that misses this many probes in a row is restarted


class Health:
    def __init__(
        self, backend: Backend, launcher: Launcher, scraper: Scraper, events: EventLog
    ) -> None:
        self.backend = backend
        self.launcher = launcher
        self.scraper = scraper
        self.events = events

    async def heal(self, deployment: Deployment) -> None:
        """Restart replicas that died or stopped answering; refresh readiness and metrics."""
        if deployment.status != "ready" or deployment.lock.locked():
            return
        for replica in list(deployment.members):
            code = self.backend.exit_code(replica)
            if code is None:
                answered = await self.launcher.probe(replica)
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
