"""A Jonar client on the session's stack, and a deployment of two replicas on it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

import runeframe_nb as rf


@pytest.fixture
async def jonar(environment: rf.Environment) -> AsyncIterator[rf.JonarClient]:
    async with rf.JonarClient() as client:
        yield client


@pytest.fixture
async def deployment(jonar: rf.JonarClient) -> AsyncIterator[rf.models.Deployment]:
    deployed = await jonar.deploy_component(
        {"component": "hoardwell", "version": "1.0.0", "replicas": 2}
    )
    yield deployed
    await jonar.delete_deployment(deployed)
