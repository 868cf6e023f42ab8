"""Shared fixtures: one real stack per session, started the way the kit starts it."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from runeframe_nb.stack import EmbeddedStack

ADMIN_TOKEN = "test_token"
STACK_SETTINGS: dict[str, Any] = {
    "rate_limit": {"requests": 60, "window_seconds": 60},
    "rate_limit_overrides": {"test_user": {"requests": 1_000_000, "window_seconds": 60}},
    "static_tokens": {"test_token": {"user_id": "test_user", "roles": ["admin", "user"]}},
}


@pytest.fixture(scope="session")
def stack() -> Iterator[EmbeddedStack]:
    with EmbeddedStack(STACK_SETTINGS) as running:
        admin = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
        fixture = {
            "id": "test_user",
            "name": "Test User",
            "email": "test_user@runeframe.example",
            "role": "admin",
        }
        httpx.post(f"{running.urls['distilera']}/users/", json=fixture, headers=admin)
        yield running


@pytest.fixture(scope="session")
def urls(stack: EmbeddedStack) -> dict[str, str]:
    return stack.urls


@pytest.fixture
def admin(urls: dict[str, str]) -> Iterator[httpx.Client]:
    """A client of the public edge holding the admin test token."""
    headers = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    with httpx.Client(base_url=urls["api"], headers=headers, timeout=10) as client:
        yield client


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"
