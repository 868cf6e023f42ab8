"""Shared fixtures: one real stack per session, configured and seeded as the local profile says."""

from __future__ import annotations

import os
import re
import secrets
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import closing
from pathlib import Path

import httpx
import pytest
from starlette.routing import Route, WebSocketRoute

import runeframe_nb as rf
from runeframe_nb import fixtures
from runeframe_nb.environment import open_environment
from runeframe_nb.profiles import Profile, load_profile
from runeframe_nb.stack import EmbeddedStack
from runeframe_process import any_free_port

PARAMS = Path(__file__).parents[1] / "params"
# the suite's identity on this process's stacks, made here as the kit makes one
ADMIN_TOKEN = secrets.token_urlsafe(16)


@pytest.fixture(scope="session")
def profile() -> Profile:
    return load_profile(os.environ.get("RUNEFRAME_PROFILE", "local"), PARAMS)


@pytest.fixture(scope="session")
def admin_token() -> str:
    """The token of the suite's identity (params/local.yaml) on the session's stack."""
    return ADMIN_TOKEN


@pytest.fixture(scope="session")
def stack(profile: Profile) -> Iterator[EmbeddedStack]:
    with EmbeddedStack(profile.embedded_settings(ADMIN_TOKEN)) as running:
        yield running


@pytest.fixture(scope="session")
def urls(stack: EmbeddedStack) -> dict[str, str]:
    return stack.urls


@pytest.fixture(scope="session")
def environment(profile: Profile, urls: dict[str, str]) -> rf.Environment:
    """The session stack as the kit's active environment, with the profile's fixtures."""
    env = rf.connect(profile.model_copy(update={"token": ADMIN_TOKEN}), urls=urls)
    fixtures.create_fixture_users(env)
    return env


@pytest.fixture(scope="session")
def runeframe_environment(environment: rf.Environment) -> rf.Environment:
    """The kit's pytest plugin (runeframe_nb.pytest_plugin) gives the seed's tests their
    fixtures on this environment: the session's stack, not one of its own."""
    return environment


@pytest.fixture
def own_environment(profile: Profile) -> Iterator[rf.Environment]:
    """A stack of the test's own, not made active: for tests that flood or attack it
    (fuzzing, security probes), so the session stack the others read stays as it was."""
    with closing(open_environment(profile)) as env:
        yield env


@pytest.fixture
def admin(environment: rf.Environment) -> Iterator[httpx.Client]:
    """A client of the public edge holding the admin test token."""
    headers = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    with httpx.Client(base_url=environment.url("api"), headers=headers, timeout=10) as client:
        yield client


@pytest.fixture
def installed() -> Callable[[str, str], str]:
    """A command's path: a test that needs a missing one skips, and fails in CI."""

    def find(command: str, install: str) -> str:
        found = shutil.which(command)
        if found is None:
            if in_ci():
                pytest.fail(f"{command} is missing in CI ({install})")
            pytest.skip(f"{command} is not installed ({install})")
        return found

    return find


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


# a tiny, fast HTTP target for the load engine and the load command
LOAD_TARGET = Path(__file__).with_name("load_target.py")


def stop(process: subprocess.Popen[str]) -> None:
    process.kill()
    process.wait()
    if process.stdout is not None:
        process.stdout.close()


def start_target(*stall: float) -> tuple[subprocess.Popen[str], str]:
    port = any_free_port()
    process = subprocess.Popen(
        [sys.executable, str(LOAD_TARGET), str(port), *map(str, stall)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None and process.stdout.readline().strip() == "ready"
    return process, f"http://127.0.0.1:{port}/"


@pytest.fixture
def target() -> Iterator[str]:
    process, url = start_target()
    yield url
    stop(process)


@pytest.fixture
def stalling_target() -> Iterator[str]:
    """Stalls once, for one second, a second and a half after its first request."""
    process, url = start_target(1.5, 1.0)
    yield url
    stop(process)


def drawn_tree(doc: str) -> dict[str, tuple[str, int | None]]:
    """Each class an errors module's docstring draws as a tree (after its summary line),
    with the class it hangs from and the HTTP status drawn beside it, if any."""
    drawn: dict[str, tuple[str, int | None]] = {}
    above: list[tuple[int, str]] = []
    for line in doc.split("\n\n", 1)[1].splitlines():
        found = re.match(r"^([│ ]*)(?:[├└]── )?([A-Z]\w+)\s+(\d{3}\b)?", line)
        if found is None:
            continue
        depth = len(found.group(1)) // 4 + (1 if "──" in line else 0)
        while above and above[-1][0] >= depth:
            above.pop()
        status = int(found.group(3)) if found.group(3) else None
        drawn[found.group(2)] = (above[-1][1] if above else "Exception", status)
        above.append((depth, found.group(2)))
    return drawn


def served(app: object) -> set[tuple[str, str]]:
    """Served (method, path template), converters dropped (`{path:path}` is `{path}`)."""
    pairs = set()
    for route in app.routes:  # type: ignore[attr-defined]
        template = re.sub(r":\w+}", "}", route.path)
        if isinstance(route, WebSocketRoute):
            pairs.add(("GET", template))
        elif isinstance(route, Route):
            pairs |= {(m, template) for m in route.methods or () if m != "HEAD"}
    return pairs
