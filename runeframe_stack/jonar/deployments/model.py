"""A deployment as Jonar holds it: what was asked for, what runs, and how it is shown."""

from __future__ import annotations

import asyncio
import itertools
from dataclasses import dataclass, field
from typing import Any

from ...core.clock import now_iso
from ...core.errors import ApiError, Conflict
from ...core.settings import Autoscaling
from ..autoscaler import Decision, Stabilizer
from ..backend import Replica

DEPLOYABLE = ("api", "distilera", "hoardwell", "mercatrix")


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

    def active(self) -> bool:
        return self.status in ("ready", "progressing")

    @property
    def ready_replicas(self) -> int:
        return sum(1 for r in self.members if r.ready)

    def observed(self, generation: int) -> None:
        """The change of `generation` is carried out: ready once every change asked is."""
        self.observed_generation = max(self.observed_generation, generation)
        caught_up = self.observed_generation >= self.generation
        self.status = "ready" if caught_up else "progressing"

    def next_ready(self) -> Replica:
        """The ready replica whose turn it is (round robin); 409 with Retry-After if none."""
        ready = [r for r in self.members if r.ready]
        if not ready:
            # the caller's timing, not a fault of the server: ask again shortly
            raise Conflict(
                f"deployment {self.id} has no ready replica ({self.status}); retry after 1 s",
                headers={"Retry-After": "1"},
            )
        return ready[next(self.turn) % len(ready)]

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
