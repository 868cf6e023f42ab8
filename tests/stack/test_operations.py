"""Every service's operational surface: /healthz, /metrics, /openapi.json, the envelope."""

from __future__ import annotations

import re

import httpx
import pytest

SERVICES = ["api", "distilera", "hoardwell", "mercatrix", "jonar"]


@pytest.mark.parametrize("service", SERVICES)
def test_each_service_answers_healthz_metrics_and_openapi(
    urls: dict[str, str], service: str
) -> None:
    base = urls[service]
    health = httpx.get(f"{base}/healthz")
    assert health.status_code == 200
    assert health.json()["service"] == service
    metrics = httpx.get(f"{base}/metrics")
    assert metrics.headers["content-type"].startswith("text/plain")
    assert 'route="/healthz"' in metrics.text
    document = httpx.get(f"{base}/openapi.json").json()
    assert document["openapi"].startswith("3.1")


def test_metrics_count_requests_by_path_template(urls: dict[str, str], admin_token: str) -> None:
    admin = {"Authorization": f"Bearer {admin_token}"}
    httpx.get(f"{urls['distilera']}/users/nobody/", headers=admin)
    text = httpx.get(f"{urls['distilera']}/metrics").text
    line = re.search(
        r'http_requests_total\{[^}]*route="/users/\{user_id\}/"[^}]*status="404"', text
    )
    assert line is not None


@pytest.mark.parametrize("service", SERVICES)
def test_every_documented_operation_is_routed(urls: dict[str, str], service: str) -> None:
    """No documented operation falls through to the router's 404 or 405."""
    document = httpx.get(f"{urls[service]}/openapi.json").json()
    for template, operations in document["paths"].items():
        path = re.sub(r"{\w+}", "test_user", template)
        for method, operation in operations.items():
            if "101" in operation["responses"]:
                continue  # a WebSocket: not reachable with plain HTTP
            reply = httpx.request(method, f"{urls[service]}{path}")
            error = reply.json().get("error", {}) if reply.status_code >= 400 else {}
            said = error.get("message", "") if isinstance(error, dict) else ""  # OAuth's: a word
            routed = reply.status_code != 405 and not said.startswith("no route")
            assert routed, (method, template, reply.status_code)


def test_documented_errors_use_the_envelope_schema(urls: dict[str, str]) -> None:
    document = httpx.get(f"{urls['api']}/openapi.json").json()
    get_user = document["paths"]["/api/v1/users/{user_id}/"]["get"]
    assert get_user["responses"]["404"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ErrorEnvelope"
    }
    assert get_user["security"] == [{"bearer": []}]
