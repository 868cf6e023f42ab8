"""The one way a service becomes an ASGI app, served without a stack: an unexpected
failure is a 500 in the envelope with nothing of the traceback on the wire, health says
starting, ok or degraded (naming the peers), a path without its slash is served, and
requests are counted by their template."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from starlette.responses import Response

from runeframe_stack.core.app import create_app
from runeframe_stack.core.auth import TokenVerifier
from runeframe_stack.core.routing import Call, Routes, endpoint, json
from runeframe_stack.core.settings import StackSettings

TOKENS = {"admin-token": {"user_id": "root", "roles": ["admin"]}}


class Gadgets(Routes):
    tag = "gadgets"

    @endpoint("GET", "/gadgets/{gadget_id}/", responses={200: None}, access="public")
    async def get_gadget(self, call: Call) -> Response:
        if call.path["gadget_id"] == "broken":
            raise RuntimeError("secret-internal-detail at line 42")
        return json({"id": call.path["gadget_id"]})


class Service:
    def __init__(self) -> None:
        self.ready = False
        self.failing: list[str] = []


@pytest.fixture
async def served() -> AsyncIterator[tuple[httpx.AsyncClient, Service]]:
    state = Service()
    settings = StackSettings(static_tokens=TOKENS)

    async def no_keys(kid: str) -> None:
        return None

    app = create_app(
        "gadgets",
        settings,
        TokenVerifier(settings, no_keys),
        [Gadgets()],
        ready=lambda: state.ready,
        degraded=lambda: state.failing,
    )
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://gadgets") as http:
        yield http, state


async def test_an_unexpected_failure_is_a_500_envelope_without_the_traceback(
    served: tuple[httpx.AsyncClient, Service], caplog: pytest.LogCaptureFixture
) -> None:
    http, _ = served
    reply = await http.get("/gadgets/broken/")
    assert reply.status_code == 500
    assert reply.json() == {
        "error": {
            "code": "internal_error",
            "message": "the service failed to answer this request",
            "details": None,
        }
    }
    assert "secret-internal-detail" not in reply.text
    assert "secret-internal-detail" in caplog.text  # the operator's log has it


async def test_health_says_starting_then_ok_then_degraded_naming_the_peers(
    served: tuple[httpx.AsyncClient, Service],
) -> None:
    http, state = served
    starting = await http.get("/healthz")
    assert (starting.status_code, starting.json()["error"]["code"]) == (503, "starting")
    state.ready = True
    assert (await http.get("/healthz")).json()["status"] == "ok"
    state.failing = ["hoardwell"]
    health = (await http.get("/healthz")).json()
    assert (health["status"], health["degraded"]) == ("degraded", ["hoardwell"])


async def test_a_path_without_its_slash_is_served_and_counted_by_template(
    served: tuple[httpx.AsyncClient, Service],
) -> None:
    http, _ = served
    for gadget in ("g1", "g2"):
        assert (await http.get(f"/gadgets/{gadget}")).json() == {"id": gadget}
    metrics = (await http.get("/metrics")).text
    counted = 'method="GET",route="/gadgets/{gadget_id}/",service="gadgets",status="200"} 2.0'
    assert counted in metrics
