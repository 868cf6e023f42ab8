"""Jonar's rollouts over real sockets: one returns when every replica answers, a release
that does not exist or a crash-looping replica fails it and leaves nothing, and a killed
replica is restarted."""

from __future__ import annotations

import asyncio
import os
import signal
import time

import pytest

import runeframe_nb as rf
from runeframe_nb.stack import EmbeddedStack

from ..conftest import ProcessTable


async def test_a_rollout_returns_when_every_replica_answers(
    jonar: rf.JonarClient, deployment: rf.models.Deployment
) -> None:
    assert (deployment.ready_replicas, deployment.available_replicas) == (2, 2)
    assert all(
        member.ready and ProcessTable.alive(member.pid or 0) for member in deployment.members
    )
    service = await jonar.get_service_url(deployment)
    assert (await jonar.test_service_health(service)).status_code == 200


async def test_a_release_that_does_not_exist_times_out_and_leaves_nothing(
    jonar: rf.JonarClient, stack: EmbeddedStack
) -> None:
    config = {
        "component": "hoardwell",
        "version": "9.9.9",
        "replicas": 2,
        "rollout_timeout_seconds": 5,  # enough for a replica to start even on a busy machine
    }
    started = time.monotonic()
    with pytest.raises(rf.errors.ApiError) as failed:
        await jonar.deploy_component(config)
    log = stack.log_file.read_text(errors="replace")[-3000:]  # a 500's traceback is there
    assert failed.value.code == "rollout_failed", log
    assert "no release 9.9.9 of hoardwell" in failed.value.message
    assert time.monotonic() - started < 20
    assert ProcessTable.running("9.9.9") == []
    events = await jonar.get_component_events("hoardwell", type="rollout_failed")
    assert events and "9.9.9" in events[-1].message


async def test_a_crash_looping_replica_fails_its_rollout_long_before_the_deadline(
    jonar: rf.JonarClient,
) -> None:
    """A replica that exits three times fails the rollout at once: waiting out a deadline
    of a minute would only restart it again and again."""
    config = {
        "component": "mercatrix",
        "version": "9.9.8",
        "replicas": 1,
        "rollout_timeout_seconds": 60,
    }
    started = time.monotonic()
    with pytest.raises(rf.errors.ApiError) as failed:
        await jonar.deploy_component(config)
    assert time.monotonic() - started < 25, failed.value.message
    assert "replica 0 exited 3 times while rolling out" in failed.value.message
    assert "no release 9.9.8 of mercatrix" in failed.value.message
    assert ProcessTable.running("9.9.8") == []


async def test_a_killed_replica_is_restarted_and_the_deployment_recovers(
    jonar: rf.JonarClient, deployment: rf.models.Deployment
) -> None:
    victim = deployment.members[0]
    assert victim.pid is not None
    os.kill(victim.pid, signal.SIGKILL)
    started = time.monotonic()
    status = deployment
    while time.monotonic() - started < 15:
        status = await jonar.get_deployment_status(deployment)
        if status.ready_replicas == 2 and status.members[0].pid != victim.pid:
            break
        await asyncio.sleep(0.1)
    assert status.ready_replicas == 2
    assert status.members[0].restarts == 1
    assert "exited with code -9" in (status.members[0].last_exit or "")
    kinds = [e.type for e in await jonar.get_component_events("hoardwell")]
    assert {"replica_failed", "replica_restarted"} <= set(kinds)
