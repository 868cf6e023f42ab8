"""Everything the kit speaks, over HTTPS to a stack it did not start, trusting the run's CA
as a profile or the standard variables name it; a CA it must not trust, or a name the
certificate was not issued for, is one line naming the URL and the reason."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import runeframe_nb as rf
from runeframe_nb import fuzz, load
from runeframe_nb.clients.websocket import connect_websocket
from runeframe_nb.environment import open_environment
from runeframe_nb.network import Tls
from runeframe_nb.stack import EmbeddedStack

from .conftest import Params, Pki


@pytest.fixture
def https_env(https_stack: EmbeddedStack, params: Params, pki: Pki) -> rf.Environment:
    name = params.write("https", https_stack.urls, tls={"ca_bundle": str(pki.ca)})
    return open_environment(name)


async def test_the_clients_graphql_and_the_websocket_speak_https(https_env: rf.Environment) -> None:
    async with rf.DistileraClient(environment=https_env) as distilera:
        user = await distilera.create_user({"name": "Tls Tester", "email": "tls@example.com"})
    answer = await rf.GraphQLClient(
        environment=https_env, fetch_schema_from_transport=False
    ).execute_async("query ($id: ID!) { user(id: $id) { id name } }", {"id": user.id})
    assert answer["user"] == {"id": user.id, "name": "Tls Tester"}
    async with connect_websocket(environment=https_env) as socket:
        await socket.subscribe(user.id)
        await socket.send(json.dumps({"type": "user_update", "user_id": user.id, "data": {}}))
        assert json.loads(await socket.recv())["user_id"] == user.id
    async with (
        rf.HoardwellClient(environment=https_env) as hoardwell,
        hoardwell.follow(after_seq=0, user_id=user.id) as stream,
    ):
        assert json.loads(await stream.recv())["user_id"] == user.id


def test_the_standard_variable_names_the_ca_when_the_profile_does_not(
    https_stack: EmbeddedStack, params: Params, pki: Pki, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SSL_CERT_FILE", str(pki.ca))
    env = open_environment(params.write("https-by-variable", https_stack.urls))
    assert set(env.health()) == {"api", "distilera", "hoardwell", "mercatrix", "jonar"}


@pytest.mark.parametrize("engine", ["runeframe", "locust"])
def test_both_load_engines_load_an_https_target(https_env: rf.Environment, engine: str) -> None:
    plan = load.LoadPlan(
        https_env.url("api") + "/healthz", users=4, duration=1.5, tls=https_env.tls
    )
    summary = load.run_sync(plan, engine).summary()
    assert summary["errors"] == 0 and summary["ok"] > 10, summary


@pytest.mark.parametrize("engine", ["runeframe", "locust"])
def test_both_load_engines_refuse_a_certificate_they_do_not_trust(
    https_stack: EmbeddedStack, pki: Pki, engine: str
) -> None:
    """Locust's own default is to verify nothing (FastHttpUser.insecure)."""
    size = {"requests": 4} if engine == "runeframe" else {"duration": 1.0}
    plan = load.LoadPlan(
        https_stack.urls["api"] + "/healthz", users=2, tls=Tls(ca_bundle=pki.stranger), **size
    )
    summary = load.run_sync(plan, engine).summary()
    assert summary["ok"] == 0 and summary["errors"] > 0, summary
    if engine == "runeframe":
        assert summary["error_kinds"] == {
            "TLS: the server's certificate is not trusted: unable to get local issuer "
            "certificate (name its CA in the profile's tls.ca_bundle, or in SSL_CERT_FILE)": 4
        }


def test_the_fuzzer_trusts_the_profiles_ca(https_env: rf.Environment, tmp_path: Path) -> None:
    [result] = fuzz.fuzz(https_env, tmp_path, only=["hoardwell"], max_examples=1)
    assert result.cases > 0 and not result.fatal, result.fatal


async def test_the_resource_sampler_reads_metrics_over_https(https_env: rf.Environment) -> None:
    async with load.Resources(https_env.urls, interval=0.2, tls=https_env.tls) as watched:
        pass
    assert {service for _, service, _ in watched.raw} == set(https_env.urls)


def test_an_untrusted_ca_is_one_line_naming_the_url_and_the_reason(
    https_stack: EmbeddedStack, params: Params, pki: Pki
) -> None:
    said, name = params.refusal("stranger", https_stack.urls, tls={"ca_bundle": str(pki.stranger)})
    api = https_stack.urls["api"]
    assert said == (
        f"api at {api}: TLS: the server's certificate is not trusted: unable to get local "
        "issuer certificate (name its CA in the profile's tls.ca_bundle, or in SSL_CERT_FILE)"
    )
    tiny = Path(__file__).parents[1] / "tools" / "notebooks"
    command = [
        sys.executable,
        "-m",
        "runeframe_tools",
        "run",
        "--env",
        name,
        "--notebooks",
        str(tiny),
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, cwd=params.folder)
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [f"runeframe-nb: error: {said}"]


def test_a_name_the_certificate_was_not_issued_for_is_one_line(
    https_stack: EmbeddedStack, params: Params, pki: Pki
) -> None:
    urls = {s: url.replace("127.0.0.1", "localhost") for s, url in https_stack.urls.items()}
    said, _ = params.refusal("misnamed", urls, tls={"ca_bundle": str(pki.ca)})
    assert said == (
        f"api at {urls['api']}: TLS: the server's certificate is not trusted: Hostname "
        "mismatch, certificate is not valid for 'localhost'. (the URL must use a name the "
        "certificate was issued for)"
    )
