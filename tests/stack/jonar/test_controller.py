"""Jonar's deployments controller over real sockets: every change is accepted at once
(202, its generation raised) and carried out in the background; a deployment deleted
while it rolls out stops and leaves nothing; and the replica quota holds across new
deployments and scaling, a deletion giving its share back."""

from __future__ import annotations

import time

import runeframe_nb as rf
from runeframe_nb.environment import open_environment
from runeframe_nb.profiles import Profile

from ..conftest import ProcessTable


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
