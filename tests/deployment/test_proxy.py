"""A forward proxy on the way, as HTTPS_PROXY and HTTP_PROXY name it: the clients, the
WebSocket, the fuzzer and the load engine go through it (a CONNECT tunnel to an https
deployment, absolute-form requests to a plain one), and NO_PROXY sends a host direct."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

import runeframe_nb as rf
from runeframe_nb import fuzz, load
from runeframe_nb.clients.websocket import connect_websocket
from runeframe_nb.environment import open_environment
from runeframe_nb.stack import EmbeddedStack

from .conftest import Params, Pki
from .proxy import ForwardProxy


@pytest.fixture
def proxy(monkeypatch: pytest.MonkeyPatch) -> Iterator[ForwardProxy]:
    with ForwardProxy() as running:
        for variable in ("NO_PROXY", "no_proxy", "http_proxy", "https_proxy"):
            monkeypatch.delenv(variable, raising=False)
        monkeypatch.setenv("HTTPS_PROXY", running.url)
        monkeypatch.setenv("HTTP_PROXY", running.url)
        yield running


async def test_every_path_to_an_https_deployment_tunnels_through_the_proxy(
    https_stack: EmbeddedStack, params: Params, pki: Pki, proxy: ForwardProxy, tmp_path: Path
) -> None:
    env = open_environment(
        params.write("proxied", https_stack.urls, tls={"ca_bundle": str(pki.ca)})
    )
    async with rf.JonarClient(environment=env) as jonar:
        assert (await jonar.get_system_metrics()).services["api"] == "up"
    async with connect_websocket(environment=env) as socket:
        assert await socket.ask({"type": "ping"}) == {"type": "pong"}
    plan = load.LoadPlan(env.url("api") + "/healthz", users=2, requests=20, tls=env.tls)
    assert (await load.run(plan)).summary()["ok"] == 20
    [fuzzed] = fuzz.fuzz(env, tmp_path, only=["mercatrix"], max_examples=1)
    assert fuzzed.cases > 0 and not fuzzed.fatal, fuzzed.fatal
    tunnels = {
        what.split(":")[-1]: count for what, count in proxy.seen.items()
    }  # by port: which service was reached through it
    ports = {url.rsplit(":", 1)[1]: name for name, url in https_stack.urls.items()}
    assert {ports[port] for port in tunnels} >= {"api", "jonar", "mercatrix"}
    assert tunnels[https_stack.urls["api"].rsplit(":", 1)[1]] >= 4  # health, socket, 2 users


def test_the_load_engine_sends_plain_http_through_the_proxy_in_absolute_form(
    urls: dict[str, str], proxy: ForwardProxy
) -> None:
    plan = load.LoadPlan(urls["api"] + "/healthz", users=2, requests=20)
    assert load.run_sync(plan).summary()["ok"] == 20
    assert proxy.seen[f"GET {urls['api']}"] == 2  # a connection each, kept alive


def test_no_proxy_sends_a_host_direct(
    urls: dict[str, str], proxy: ForwardProxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NO_PROXY", "localhost,127.0.0.1")
    plan = load.LoadPlan(urls["api"] + "/healthz", users=2, requests=20)
    assert load.run_sync(plan).summary()["ok"] == 20
    assert not proxy.seen
