"""Jonar's deployment routes: the proxy to a deployment's service before any replica is
ready is a 409 with Retry-After (found by fuzzing)."""

from __future__ import annotations

import runeframe_nb as rf


async def test_a_proxy_call_before_any_replica_is_ready_is_a_409_with_retry_after(
    own_environment: rf.Environment,
) -> None:
    async with rf.JonarClient(environment=own_environment) as jonar:
        accepted = await jonar.call(
            "POST",
            "/deployments/",
            json={"component": "hoardwell", "version": "1.0.0", "replicas": 1},
        )
        reply = await jonar.http.get(f"/deployments/{accepted['id']}/service/healthz")
        assert reply.status_code == 409 and reply.headers["retry-after"] == "1"
        assert "no ready replica (progressing)" in reply.json()["error"]["message"]
        await jonar.delete_deployment(accepted["id"])
