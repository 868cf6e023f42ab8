"""Jonar's rollouts over real sockets: they reflect replies, heal, keep to the quota and
leave no orphans."""

from __future__ import annotations

import asyncio
import os
import signal
import time

import pytest

import runeframe_nb as rf
from runeframe_nb.environment import open_environment
from runeframe_nb.profiles import Profile
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


async def test_long_operations_answer_at_once_and_proceed_in_the_background(
    jonar: rf.JonarClient,
) -> None:
    """Create, scale and delete each answer 202 within a second with the deployment's
    state and its status URL; the status reaches what was asked when the work is done."""
    started = time.monotonic()
    reply = await jonar.http.post(
        "/deployments/", json={"component": "hoardwell", "version": "1.0.0", "replicas": 1}
    )
    assert time.monotonic() - started < 1
    accepted = reply.json()
    assert reply.status_code == 202 and reply.headers["location"] == accepted["status_url"]
    assert (accepted["status"], accepted["generation"], accepted["observed_generation"]) == (
        "progressing",
        1,
        0,
    )
    ready = await jonar.settled(rf.models.Deployment.model_validate(accepted))
    assert (ready.status, ready.ready_replicas, ready.observed_generation) == ("ready", 1, 1)

    started = time.monotonic()
    reply = await jonar.http.patch(f"/deployments/{ready.id}/", json={"replicas": 2})
    assert time.monotonic() - started < 1
    assert reply.status_code == 202 and reply.json()["replicas"] == 2
    scaled = await jonar.settled(rf.models.Deployment.model_validate(reply.json()))
    assert (scaled.ready_replicas, len(scaled.members)) == (2, 2)
    pids = [m.pid or 0 for m in scaled.members]

    started = time.monotonic()
    reply = await jonar.http.delete(f"/deployments/{ready.id}/")
    assert time.monotonic() - started < 1
    assert reply.status_code == 202 and reply.json()["status"] == "deleting"
    gone = await jonar.settled(rf.models.Deployment.model_validate(reply.json()))
    assert (gone.status, gone.members) == ("deleted", [])
    assert not any(ProcessTable.alive(pid) for pid in pids)


async def test_deleting_a_rollout_under_way_stops_it_and_leaves_nothing(
    jonar: rf.JonarClient,
) -> None:
    reply = await jonar.http.post(
        "/deployments/", json={"component": "mercatrix", "version": "1.1.0", "replicas": 3}
    )
    deployment = reply.json()["id"]
    await jonar.delete_deployment(deployment)
    status = await jonar.get_deployment_status(deployment)
    assert (status.status, status.members) == ("deleted", [])
    assert ProcessTable.running(deployment) == []
    events = await jonar.get_component_events("mercatrix", type="deployment_ready")
    assert all(e.deployment_id != deployment for e in events)


async def test_replicas_beyond_the_quota_are_refused_with_the_envelope(
    profile: Profile,
) -> None:
    """A stack of its own whose Jonar may run two replicas: a third is a 409, asked for
    by a new deployment or by scaling; a deleted deployment gives its share back."""
    env = open_environment(profile, stack_settings={"jonar": {"max_replicas": 2}})
    try:
        async with rf.JonarClient(environment=env) as jonar:
            two = await jonar.deploy_component(
                {"component": "hoardwell", "version": "1.0.0", "replicas": 2}
            )
            more = await jonar.http.post(
                "/deployments/", json={"component": "hoardwell", "version": "1.0.0"}
            )
            assert more.status_code == 409
            error = more.json()["error"]
            assert error["message"].startswith("replica quota exceeded: 2 of 2")
            assert error["details"] == {"quota": 2, "asked": 2}
            scale = await jonar.http.patch(f"/deployments/{two.id}/", json={"replicas": 3})
            assert scale.status_code == 409
            await jonar.delete_deployment(two)
            again = await jonar.deploy_component(
                {"component": "hoardwell", "version": "1.0.0", "replicas": 1}
            )
            await jonar.delete_deployment(again)
    finally:
        env.close()


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
