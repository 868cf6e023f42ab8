"""Jonar's care of running replicas: a replica still starting is given time, one that
stopped answering is restarted (fakes stand in for the processes and the network)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from runeframe_stack.core.settings import Autoscaling
from runeframe_stack.jonar.backend import Replica
from runeframe_stack.jonar.deployments.health import UNANSWERED_PROBES, HealthWatch
from runeframe_stack.jonar.deployments.model import Deployment


class Processes:
    """The backend: replicas that run until told they died; starts are counted."""

    def __init__(self) -> None:
        self.exit: int | None = None
        self.started = 0

    def exit_code(self, replica: Replica) -> int | None:
        return self.exit

    async def stop(self, replica: Replica, grace: float) -> None:
        pass

    async def start(self, replica: Replica, component: str, release: str) -> None:
        self.exit, self.started = None, self.started + 1
        replica.started_at = asyncio.get_running_loop().time()


class Answers:
    """The launcher's probe, and the scraper and event log the healer tells."""

    def __init__(self) -> None:
        self.answering = True
        self.events: list[str] = []

    async def probe(self, replica: Replica) -> bool:
        return self.answering

    async def scrape(self, url: str) -> None:
        pass

    async def record(self, component: str, kind: str, source: str, text: str, **_: Any) -> None:
        self.events.append(text)


def cared_for(startup_seconds: float) -> tuple[HealthWatch, Deployment, Processes, Answers]:
    processes, answers = Processes(), Answers()
    health = HealthWatch(processes, answers, answers, answers, startup_seconds)  # type: ignore[arg-type]
    replica = Replica("dep_1", 0, 9, "http://127.0.0.1:9", Path("replica.log"), ready=True)
    deployment = Deployment("dep_1", "hoardwell", "1.0.0", 1, Autoscaling(), {}, status="ready")
    deployment.members.append(replica)
    return health, deployment, processes, answers


async def test_a_replica_restarted_is_given_time_to_start_then_watched_as_before() -> None:
    health, deployment, processes, answers = cared_for(startup_seconds=30)
    replica = deployment.members[0]
    processes.exit = -9
    await health.heal(deployment)
    assert (processes.started, replica.last_exit) == (1, "exited with code -9")
    answers.answering = False  # importing its modules on a busy machine
    for _ in range(UNANSWERED_PROBES + 2):
        await health.heal(deployment)
    assert processes.started == 1 and not replica.ready
    answers.answering = True
    await health.heal(deployment)
    assert replica.ready
    answers.answering = False  # answered once, then hung
    for _ in range(UNANSWERED_PROBES):
        await health.heal(deployment)
    assert processes.started == 2 and replica.restarts == 2
    assert replica.last_exit == f"missed {UNANSWERED_PROBES} health probes"


async def test_a_replica_that_never_answers_is_restarted_at_the_startup_bound() -> None:
    health, deployment, processes, answers = cared_for(startup_seconds=0.05)
    replica = deployment.members[0]
    processes.exit = -9
    await health.heal(deployment)
    answers.answering = False
    await health.heal(deployment)
    assert processes.started == 1
    await asyncio.sleep(0.06)
    await health.heal(deployment)
    assert processes.started == 2
    assert replica.last_exit == "did not answer within 0.05 s of starting"
    assert answers.events[-2] == f"replica 0 of dep_1 {replica.last_exit}"
