"""The fault proxy before the session's stack: with no mutant it changes nothing, it relays
the WebSocket, and a mutant changes what it names and nothing else."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import websockets

from runeframe_nb.profiles import SERVICES
from runeframe_nb.stack import free_port_block
from runeframe_tools.mutate.harness import ProxyProcess
from runeframe_tools.mutate.proxy import Route


@pytest.fixture
def admin(admin_token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {admin_token}"}


@pytest.fixture
def proxy(
    request: pytest.FixtureRequest, urls: dict[str, str], admin_token: str, tmp_path: Path
) -> Iterator[dict[str, str]]:
    """The session stack behind the fault proxy, with the mutant `request.param` (or none)."""
    first = free_port_block(len(SERVICES))
    routes = [Route(s, "front", first + i, urls[s]) for i, s in enumerate(SERVICES)]
    process = ProxyProcess(routes, getattr(request, "param", None), admin_token, tmp_path / "p.log")
    process.start()
    try:
        yield {r.service: f"http://127.0.0.1:{r.port}" for r in routes}
    finally:
        process.stop()


def test_with_no_mutant_the_proxy_changes_nothing(
    proxy: dict[str, str], urls: dict[str, str], admin: dict[str, str], environment: object
) -> None:
    for path in ("/api/v1/users/user_123/", "/api/v1/users/nobody/", "/nothing/"):
        direct = httpx.get(urls["api"] + path, headers=admin)
        relayed = httpx.get(proxy["api"] + path, headers=admin)
        assert (relayed.status_code, relayed.json()) == (direct.status_code, direct.json())
        kept = {"content-type", "x-content-type-options", "x-ratelimit-limit"}
        assert {k: relayed.headers.get(k) for k in kept} == {k: direct.headers.get(k) for k in kept}
        assert "server" not in relayed.headers


async def test_the_proxy_relays_the_websocket(
    proxy: dict[str, str], admin_token: str, environment: object
) -> None:
    async with websockets.connect(proxy["api"].replace("http", "ws", 1) + "/ws/") as ws:
        await ws.send(json.dumps({"type": "auth", "token": admin_token}))
        assert json.loads(await ws.recv())["status"] == "authenticated"
        await ws.send(json.dumps({"type": "ping"}))
        assert json.loads(await ws.recv()) == {"type": "pong"}


@pytest.mark.parametrize("proxy", ["edge-create-200"], indirect=True)
def test_a_mutant_changes_what_it_names_and_nothing_else(
    proxy: dict[str, str], admin: dict[str, str], environment: object
) -> None:
    made = httpx.post(
        proxy["api"] + "/api/v1/users/",
        json={"name": "Mutant Probe", "email": "mutant-probe@runeframe.example"},
        headers=admin,
    )
    assert made.status_code == 200 and "location" not in made.headers
    read = httpx.get(proxy["api"] + f"/api/v1/users/{made.json()['id']}/", headers=admin)
    assert read.status_code == 200
    assert (
        httpx.delete(
            proxy["api"] + f"/api/v1/users/{made.json()['id']}/", headers=admin
        ).status_code
        == 204
    )


def test_the_proxy_starts_without_the_kit() -> None:
    """A proxy starts for every mutation trial and every OWASP probe's target: loading
    the kit with it cost each start a third of a CPU-second."""
    loaded = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, runeframe_tools.mutate.proxy, runeframe_tools.mutate.catalogue;"
            "print(sorted(m for m in sys.modules if m.startswith('runeframe_nb')))",
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert loaded.stdout.strip() == "[]"
