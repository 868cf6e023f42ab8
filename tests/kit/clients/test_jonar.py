"""Jonar's client: a change is watched until Jonar has carried it out, and ends in the
deployment, Jonar's reason, or a line naming how far it got (on a fake Jonar that
settles as told); alerts and events filter all and only their own (on a real stack)."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from runeframe_nb import JonarClient
from runeframe_nb.errors import ApiError, ClientError

DEPLOYMENT = {
    "id": "dep_1",
    "component": "distilera",
    "version": "1.0",
    "replicas": 2,
    "ready_replicas": 0,
    "available_replicas": 0,
    "status": "progressing",
    "generation": 2,
    "observed_generation": 1,
    "service_url": "http://jonar/deployments/dep_1/service",
}


def fake_jonar(*states: dict[str, Any]) -> JonarClient:
    """A Jonar that accepts every change and then answers the deployment's status with
    `states` in turn (the last one from then on)."""
    seen: Iterator[dict[str, Any]] = iter(states)
    last = DEPLOYMENT

    def answer(request: httpx.Request) -> httpx.Response:
        nonlocal last
        if request.method != "GET":
            accepted = {**DEPLOYMENT, **json.loads(request.content or b"{}")}
            return httpx.Response(202, json=accepted)
        last = {**DEPLOYMENT, **next(seen, last)}
        return httpx.Response(200, json=last)

    return JonarClient(base_url="http://jonar", token="t", transport=httpx.MockTransport(answer))


async def test_a_change_is_watched_until_jonar_has_carried_it_out() -> None:
    jonar = fake_jonar(
        {},  # still at the previous generation, though its status already reads ready
        {"status": "ready", "ready_replicas": 1},
        {"status": "ready", "observed_generation": 2, "ready_replicas": 2},
    )
    done = await jonar.scale_component("dep_1", 2, within=5)
    assert (done.observed_generation, done.ready_replicas) == (2, 2)


async def test_a_failed_rollout_raises_jonar_s_reason() -> None:
    jonar = fake_jonar({"status": "failed", "observed_generation": 2, "reason": "quota of 8"})
    with pytest.raises(ApiError, match="rollout_failed: quota of 8") as failed:
        await jonar.deploy_component({"component": "distilera"}, within=5)
    assert failed.value.status == 422


async def test_a_scale_that_settles_elsewhere_raises_where_it_settled() -> None:
    jonar = fake_jonar({"status": "ready", "observed_generation": 2, "replicas": 3})
    with pytest.raises(ApiError, match="Jonar settled at 3 replicas"):
        await jonar.scale_component("dep_1", 2, within=5)


async def test_a_change_not_carried_out_in_time_says_how_far_it_got() -> None:
    jonar = fake_jonar({"ready_replicas": 1})
    with pytest.raises(ClientError) as late:
        await jonar.delete_deployment("dep_1", within=0.3)
    assert str(late.value) == (
        "jonar deployment dep_1: still progressing after 0.3 s (1 of 2 replicas ready)"
    )


async def test_alerts_and_events_filter_all_and_only_their_own(jonar_client: JonarClient) -> None:
    component = f"probe_{uuid.uuid4().hex[:8]}"
    raised = [
        await jonar_client.raise_alert(kind, where, f"über {kind} ⚠", severity="warning")
        for kind, where in [("high_cpu", component), ("error_rate", component), ("high_cpu", "x")]
    ]
    mine = await jonar_client.get_system_alerts(component=component)
    assert [a.id for a in mine] == [a.id for a in raised[:2]]
    assert [a.id for a in await jonar_client.get_system_alerts(component, "high_cpu")] == [
        raised[0].id
    ]
    event = f"evt_{uuid.uuid4().hex[:12]}"
    reported = [
        await jonar_client.report_event(component, kind, "test", "naïve", id=f"{event}_{kind}")
        for kind in ("scale_up", "restart", "scale_down")
    ]
    again = await jonar_client.report_event(
        component, "scaling", "test", "naïve", id=reported[0].id
    )
    assert again.id == reported[0].id
    assert [e.id for e in await jonar_client.get_component_events(component)] == [
        e.id for e in reported
    ]
    scaling = await jonar_client.get_scaling_events(component)
    assert [e.id for e in scaling] == [reported[0].id, reported[2].id]
