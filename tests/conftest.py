"""Shared fixtures: one real stack per session, configured and seeded as the local profile says."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

import runeframe_nb as rf
from runeframe_nb import fixtures
from runeframe_nb.environment import open_environment
from runeframe_nb.profiles import Profile, load_profile
from runeframe_nb.stack import EmbeddedStack

PARAMS = Path(__file__).parents[1] / "params"
ADMIN_TOKEN = "suite_token"  # the suite's service identity (params/local.yaml)


@pytest.fixture(scope="session")
def profile() -> Profile:
    return load_profile(os.environ.get("RUNEFRAME_PROFILE", "local"), PARAMS)


@pytest.fixture(scope="session")
def stack(profile: Profile) -> Iterator[EmbeddedStack]:
    with EmbeddedStack(profile.stack_settings) as running:
        yield running


@pytest.fixture(scope="session")
def urls(stack: EmbeddedStack) -> dict[str, str]:
    return stack.urls


@pytest.fixture(scope="session")
def environment(profile: Profile, urls: dict[str, str]) -> rf.Environment:
    """The session stack as the kit's active environment, with the profile's fixtures."""
    env = rf.connect(profile, urls=urls)
    fixtures.create_fixture_users(env)
    return env


@pytest.fixture
def own_environment(profile: Profile) -> Iterator[rf.Environment]:
    """A stack of the test's own, not made active: for tests that flood or attack it
    (fuzzing, security probes), so the session stack the others read stays as it was."""
    env = open_environment(profile)
    try:
        yield env
    finally:
        env.close()


@pytest.fixture
def admin(environment: rf.Environment) -> Iterator[httpx.Client]:
    """A client of the public edge holding the admin test token."""
    headers = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    with httpx.Client(base_url=environment.url("api"), headers=headers, timeout=10) as client:
        yield client


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"
