"""A profile's fixtures (the seed's users user_123, test_user, ...), created through the API.

Seeding is idempotent: a fixture that already exists is left as it is.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import httpx

from .errors import ClientError

if TYPE_CHECKING:
    from .environment import Environment


def seed(env: Environment) -> int:
    """Create the profile's fixture users that are missing; returns how many were created."""
    created = 0
    with httpx.Client(base_url=env.url("distilera"), headers=env.headers, timeout=10) as client:
        for user in env.profile.fixtures.users:
            reply = client.post("/users/", json=user.model_dump())
            if reply.status_code == 201:
                created += 1
            elif reply.status_code != 409:
                raise ClientError(
                    f"cannot create fixture user {user.id}: {reply.status_code} {reply.text[:200]}"
                )
    return created
