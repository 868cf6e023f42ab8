"""A deployment that asks every client for a certificate (mutual TLS): a notebook runs
against it with the profile's client certificate, and without one it is told why."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from runeframe_nb import fuzz, load
from runeframe_nb.environment import open_environment
from runeframe_nb.profiles import Profile
from runeframe_nb.stack import EmbeddedStack
from runeframe_tools.runner import RunOptions, run

from .conftest import Params, Pki, deployment_settings, serving

NOTEBOOKS = Path(__file__).parents[2] / "notebooks"


@pytest.fixture(scope="module")
def mutual_stack(pki: Pki, token: str, profile: Profile) -> Iterator[EmbeddedStack]:
    settings = deployment_settings(profile, token, **serving(pki, client_ca=True))
    with EmbeddedStack(settings) as stack:
        yield stack


def test_a_notebook_runs_with_the_profiles_client_certificate(
    mutual_stack: EmbeddedStack, params: Params, pki: Pki, tmp_path: Path
) -> None:
    """The WebSocket notebook: REST, the edge's socket and Hoardwell's stream, each
    showing the certificate."""
    tls = {"ca_bundle": str(pki.ca), "client_cert": str(pki.client)}
    name = params.write("mutual", mutual_stack.urls, tls=tls)
    options = RunOptions(
        profile=name, only=["04_websocket_api"], notebooks=NOTEBOOKS, output=tmp_path, jobs=1
    )
    result = run(options)
    record = json.loads((result.folder / "results.json").read_text())
    failed = [c for c in record["test_details"] if c["status"] != "passed"]
    assert record["status"] == "passed" and not failed, failed
    assert record["passed_tests"] > 10


def test_the_load_engines_and_the_fuzzer_show_the_certificate_too(
    mutual_stack: EmbeddedStack, params: Params, pki: Pki, tmp_path: Path
) -> None:
    tls = {"ca_bundle": str(pki.ca), "client_cert": str(pki.client)}
    env = open_environment(params.write("mutual", mutual_stack.urls, tls=tls))
    for engine, size in (("runeframe", {"requests": 20}), ("locust", {"duration": 1.0})):
        plan = load.LoadPlan(env.url("api") + "/healthz", users=2, tls=env.tls, **size)
        summary = load.run_sync(plan, engine).summary()
        assert summary["errors"] == 0 and summary["ok"] > 0, (engine, summary)
    [fuzzed] = fuzz.fuzz(env, tmp_path, only=["hoardwell"], max_examples=1)
    assert fuzzed.cases > 0 and not fuzzed.fatal, fuzzed.fatal


def test_without_a_client_certificate_it_is_told_what_the_server_asked_for(
    mutual_stack: EmbeddedStack, params: Params, pki: Pki
) -> None:
    said, _ = params.refusal("no-certificate", mutual_stack.urls, tls={"ca_bundle": str(pki.ca)})
    assert said == (
        f"api at {mutual_stack.urls['api']}: TLS: the server requires a client certificate "
        "(set tls.client_cert and tls.client_key in the profile)"
    )
