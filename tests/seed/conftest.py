"""Fixtures the seed's test bodies ask for, built on the kit against the session's stack.

The seed's own fixtures construct clients from packages of each component
(`from distilera.client import DistileraClient`) or from production URLs; here each
fixture returns the kit's client for the same name, on the active environment.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import pytest
from websockets.asyncio.client import ClientConnection

import runeframe_nb as rf
from runeframe_nb.clients.websocket import connect_websocket


@pytest.fixture
async def distilera_client(environment: rf.Environment) -> AsyncIterator[rf.DistileraClient]:
    async with rf.DistileraClient(test_mode=True) as client:
        yield client


@pytest.fixture
async def hoardwell_client(environment: rf.Environment) -> AsyncIterator[rf.HoardwellClient]:
    async with rf.HoardwellClient(test_mode=True) as client:
        yield client


@pytest.fixture
async def mercatrix_client(environment: rf.Environment) -> AsyncIterator[rf.MercatrixClient]:
    async with rf.MercatrixClient(test_mode=True) as client:
        yield client


@pytest.fixture
async def jonar_client(environment: rf.Environment) -> AsyncIterator[rf.JonarClient]:
    async with rf.JonarClient(test_mode=True) as client:
        yield client


@pytest.fixture
async def api_client(environment: rf.Environment) -> AsyncIterator[rf.ApiClient]:
    async with rf.ApiClient(anonymous=True) as client:
        yield client


@pytest.fixture
def auth_headers() -> dict[str, str]:
    """The seed's own: `test_token`, the profile's ordinary test user, held to the ordinary
    rate limit (the suite's own work uses a service identity of its own)."""
    return {"Authorization": "Bearer test_token", "Content-Type": "application/json"}


@pytest.fixture
async def graphql_client(environment: rf.Environment) -> rf.GraphQLClient:
    return rf.GraphQLClient(test_mode=True)


@pytest.fixture
async def websocket_client(environment: rf.Environment) -> AsyncIterator[ClientConnection]:
    async with connect_websocket() as websocket:
        yield websocket


@pytest.fixture
async def test_environment(environment: rf.Environment) -> AsyncIterator[dict[str, Any]]:
    """The four components, each client reading only what happened since the test began."""
    since = datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    components = {
        "distilera": rf.DistileraClient(test_mode=True, since=since),
        "hoardwell": rf.HoardwellClient(test_mode=True, since=since),
        "mercatrix": rf.MercatrixClient(test_mode=True, since=since),
        "jonar": rf.JonarClient(test_mode=True, since=since),
    }
    yield components
    for client in components.values():
        await client.aclose()
