"""Regressions for what schemathesis found by fuzzing the services' documented schemas.

(The PATCH with an empty profile is pinned in tests/stack/api/test_users.py, the OpenAPI paths
without Starlette converters in test_inventory.py.)"""

from __future__ import annotations

import time

import httpx
import pytest

import runeframe_nb as rf

HUGE = 10**30  # beyond 64 bits: Python reads it, orjson cannot write it


def test_a_message_payload_beyond_64_bit_integers_is_a_400_not_a_500(
    urls: dict[str, str], admin: httpx.Client
) -> None:
    body = {"type": "note", "content": "x", "sender": "mercatrix", "payload": {"n": HUGE}}
    reply = httpx.post(f"{urls['hoardwell']}/messages/", json=body, headers=admin.headers)
    assert reply.status_code == 400, reply.text
    assert reply.json()["error"]["details"][0]["field"] == "payload"


def test_alert_details_beyond_64_bit_integers_are_a_400_not_a_500(
    urls: dict[str, str], admin: httpx.Client
) -> None:
    body = {"type": "probe", "component": "jonar", "message": "m", "details": [HUGE]}
    reply = httpx.post(f"{urls['jonar']}/alerts/", json=body, headers=admin.headers)
    assert reply.status_code == 400, reply.text


@pytest.mark.parametrize("method", ["GET", "PATCH", "DELETE"])
def test_an_id_of_any_unicode_and_control_characters_reaches_distilera_intact(
    admin: httpx.Client, method: str
) -> None:
    """Found by fuzzing the edge: a decoded id with non-ASCII or control characters was
    written into the forwarded request line as it was, and the edge answered 500."""
    path = "/api/v1/users/%D9%81%C3%B6%F0%AE%81%BB%06%7C%20%0D%0Aa%2541/"
    body = {"name": "x"} if method == "PATCH" else None
    reply = admin.request(method, path, json=body)
    assert reply.status_code == 404, reply.text
    assert reply.json()["error"]["message"] == "user \u0641\u00f6\U0002e07b\x06| \r\na%41 not found"


def test_graphql_marks_refused_input_as_a_validation_error(admin: httpx.Client) -> None:
    reply = admin.post("/graphql/", json={"query": "{ users(page: 0, perPage: 0) { id } }"})
    error = reply.json()["errors"][0]
    assert error["extensions"] == {"code": "validation_error", "classification": "ValidationError"}


async def test_load_sent_to_a_deployment_still_rolling_out_waits_for_it(
    own_environment: rf.Environment,
) -> None:
    """No replica is ready yet when the load arrives (it was a 503, then a 409): the load
    run is accepted at once and goes out once the rollout is done. A stack of its own:
    load goes to a component's newest deployment."""
    async with rf.JonarClient(environment=own_environment) as jonar:
        accepted = await jonar.call(
            "POST",
            "/deployments/",
            json={"component": "mercatrix", "version": "1.0.0", "replicas": 1},
        )
        assert (accepted["status"], accepted["ready_replicas"]) == ("progressing", 0)
        started = time.monotonic()
        report = await jonar.simulate_load("mercatrix", load_factor=1.0, duration=0.5)
        assert time.monotonic() - started < 30
        assert (report.deployment_id, report.replicas_before) == (accepted["id"], 1)
        assert report.requests_sent > 0
        await jonar.delete_deployment(accepted["id"])


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


def test_text_with_a_nul_character_is_a_400_on_every_backend(admin: httpx.Client) -> None:
    """Found by fuzzing the ci profile: PostgreSQL cannot store NUL, and it was a 500."""
    body = {"name": "\u0000", "email": "nul@runeframe.example"}
    created = admin.post("/api/v1/users/", json=body)
    assert created.status_code == 400, created.text
    assert created.json()["error"]["details"][0]["field"] == "body"
    listed = admin.get("/api/v1/users/", params={"q": "a\x00b"})
    assert listed.status_code == 400, listed.text
