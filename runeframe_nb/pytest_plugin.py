"""The kit as a pytest plugin: the seed's test functions, unchanged, against any profile.

    pytest --runeframe-env staging tests/

Installed with the kit (the `pytest11` entry point `runeframe`). The fixtures are named as
the seed's tests ask for them: `distilera_client`, `hoardwell_client`, `mercatrix_client`,
`jonar_client`, `api_client`, `graphql_client`, `websocket_client`, `auth_headers` and
`test_environment`, all on `runeframe_environment`: the profile's environment for the
session (an embedded profile's stack started and stopped with it, the profile's fixture
users made where they are missing). A conftest fixture of the same name takes precedence.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

try:  # the seed's tests are coroutines: pytest-asyncio runs them, and these fixtures
    from pytest_asyncio import fixture as async_fixture
except ImportError:  # without it no async test runs anyway; the plugin still loads
    async_fixture = pytest.fixture  # type: ignore[assignment]

OPTION = "--runeframe-env"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.getgroup("runeframe").addoption(
        OPTION,
        dest="runeframe_env",
        default=None,
        metavar="NAME",
        help="The profile the RuneFrame fixtures talk to (params/NAME.yaml, or a path); "
        "default $RUNEFRAME_PROFILE, else local.",
    )


@pytest.fixture(scope="session")
def runeframe_environment(request: pytest.FixtureRequest) -> Iterator[Any]:
    """The profile's environment, active for the session's clients."""
    from .environment import connect
    from .fixtures import create_fixture_users

    name = request.config.getoption("runeframe_env") or os.environ.get("RUNEFRAME_PROFILE", "local")
    env = connect(name)
    if env.stack is None:  # a deployment: its fixture users, where they are missing
        create_fixture_users(env)
    try:
        yield env
    finally:
        env.close()


def _client(kind: str) -> Any:
    @async_fixture
    async def client(runeframe_environment: Any) -> AsyncIterator[Any]:
        from . import clients

        async with getattr(clients, kind)(environment=runeframe_environment) as made:
            yield made

    client.__doc__ = f"The kit's {kind} on the profile's environment."
    return client


distilera_client = _client("DistileraClient")
hoardwell_client = _client("HoardwellClient")
mercatrix_client = _client("MercatrixClient")
jonar_client = _client("JonarClient")


@async_fixture
async def api_client(runeframe_environment: Any) -> AsyncIterator[Any]:
    """The public edge as the seed's REST tests use it (it sends `auth_headers` itself)."""
    from .clients import ApiClient

    async with ApiClient(environment=runeframe_environment, anonymous=True) as client:
        yield client


@pytest.fixture
def auth_headers(runeframe_environment: Any) -> dict[str, str]:
    """The seed's own `Bearer test_token` where the profile's stack names that ordinary
    user; on a deployment, the profile's token."""
    named = runeframe_environment.profile.stack_settings.get("static_tokens", {})
    token = "test_token" if "test_token" in named else runeframe_environment.token
    return {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}


@async_fixture
async def graphql_client(runeframe_environment: Any) -> Any:
    """The edge's GraphQL with the seed's `execute_async(query, variable_values=...)`."""
    from .clients import GraphQLClient

    return GraphQLClient(environment=runeframe_environment)


@async_fixture
async def websocket_client(runeframe_environment: Any) -> AsyncIterator[Any]:
    """The edge's WebSocket, authenticated (the edge takes nothing before `auth`)."""
    from .clients.websocket import connect_websocket

    async with connect_websocket(environment=runeframe_environment) as websocket:
        yield websocket


@async_fixture
async def test_environment(runeframe_environment: Any) -> AsyncIterator[dict[str, Any]]:
    """The four components, each client reading only what happened since the test began."""
    from . import clients

    since = datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    components = {
        name: getattr(clients, f"{name.capitalize()}Client")(
            environment=runeframe_environment, since=since
        )
        for name in ("distilera", "hoardwell", "mercatrix", "jonar")
    }
    yield components
    for client in components.values():
        await client.aclose()
