"""Tokens from an identity provider (OAuth 2.0 client credentials, Distilera's grant): asked
for once, renewed before they expire, and shared by a run's processes."""

from __future__ import annotations

import asyncio
import hashlib
import re
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import yaml

import runeframe_nb as rf
from runeframe_nb import load
from runeframe_nb.environment import open_environment
from runeframe_nb.errors import ProfileError
from runeframe_nb.oauth import ClientCredentials
from runeframe_nb.profiles import Profile
from runeframe_nb.stack import EmbeddedStack
from runeframe_tools.runner.suite import kernel_variables

SECRET = "a client's secret, kept in the environment"
# seconds a token lives on this stack: long enough for two spawned load workers to start
# and finish on a busy two-core machine before its renewal (at four fifths), short
# enough to outlive
LIFE = 6


@pytest.fixture(scope="module")
def provider(profile: Profile) -> Iterator[EmbeddedStack]:
    client = {
        "secret_sha256": hashlib.sha256(SECRET.encode()).hexdigest(),
        "user_id": "runeframe_suite",
        "roles": ["admin", "user"],
    }
    settings = {**profile.stack_settings, "oauth_clients": {"suite": client}}
    with EmbeddedStack({**settings, "token_ttl_seconds": LIFE}) as stack:
        yield stack


def credentials(stack: EmbeddedStack, cache: Path | None = None) -> ClientCredentials:
    return ClientCredentials(
        f"{stack.urls['distilera']}/oauth/token/", "suite", SECRET, cache=cache
    )


def grants(stack: EmbeddedStack) -> int:
    """How many token requests Distilera has answered 200, from its own metrics."""
    text = httpx.get(f"{stack.urls['distilera']}/metrics").text
    found = re.findall(
        r'http_requests_total\{[^}]*route="/oauth/token/"[^}]*status="200"[^}]*\} (\S+)', text
    )
    return int(sum(float(n) for n in found))


def test_a_token_is_asked_for_once_and_again_before_it_expires(provider: EmbeddedStack) -> None:
    source = credentials(provider)
    first = source.token()
    assert source.token() == first and source.requests == 1
    assert source.renew_at < time.time() + LIFE  # before its end: at four fifths of its life
    time.sleep(max(0.0, source.renew_at - time.time()) + 0.05)
    assert source.token() != first and source.requests == 2


def test_a_runs_processes_share_one_token(provider: EmbeddedStack, tmp_path: Path) -> None:
    """The runner's source hands its token to the cache; kernels and load workers (other
    processes) take it from there instead of asking again."""
    cache = tmp_path / "token"
    runner, kernel = credentials(provider), credentials(provider, cache)
    before = grants(provider)
    token = runner.token()
    runner.share(cache)
    assert kernel.token() == token and kernel.requests == 0
    plan = load.LoadPlan(
        provider.urls["api"] + "/api/v1/users/", requests=40, workers=2, auth=kernel
    )
    summary = load.run_sync(plan).summary()
    assert summary["ok"] == 40, summary
    assert grants(provider) - before == 1  # the runner's: no process asked again


def test_a_notebook_presents_a_fresh_token_past_the_first_ones_end(
    provider: EmbeddedStack, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RUNEFRAME_CLIENT_SECRET", SECRET)
    monkeypatch.delenv("TEST_TOKEN", raising=False)
    oauth = {
        "token_url": f"{provider.urls['distilera']}/oauth/token/",
        "client_id": "suite",
        "client_secret_env": "RUNEFRAME_CLIENT_SECRET",
    }
    (tmp_path / "idp.yaml").write_text(
        yaml.safe_dump({"stack": "remote", "urls": provider.urls, "oauth": oauth})
    )
    env = open_environment(str(tmp_path / "idp.yaml"))
    told = kernel_variables(env, tmp_path / "masks", tmp_path / "token")
    assert set(told) == {"RUNEFRAME_MASKS", "RUNEFRAME_TOKEN_CACHE"}  # no fixed token

    async def users() -> int:
        async with rf.DistileraClient(environment=env) as distilera:
            return len((await distilera.list_users(per_page=5)).data)

    asyncio.run(users())
    first = env.token
    time.sleep(LIFE + 0.2)  # the first token is dead now: presenting it is a 401
    asyncio.run(users())
    assert env.token != first


def test_a_secret_that_is_wrong_is_one_line(provider: EmbeddedStack) -> None:
    source = ClientCredentials(f"{provider.urls['distilera']}/oauth/token/", "suite", "wrong")
    with pytest.raises(ProfileError) as refused:
        source.token()
    assert str(refused.value) == (
        f"token endpoint {source.token_url} refused client suite: "
        "401 unknown client or wrong secret"
    )
