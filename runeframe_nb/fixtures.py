"""A profile's fixtures (the seed's users user_123, test_user, ...), and a run's clean-up.

Seeding is idempotent: a fixture that already exists is left as it is. Sweeping removes
the users a run created (their ids and emails carry the run's id), whatever its
notebooks managed to clean up themselves.
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


def sweep(env: Environment, marker: str) -> int:
    """Delete every user whose id or email contains `marker` (a run's leftovers)."""
    if not marker:
        return 0
    removed = 0
    with httpx.Client(base_url=env.url("distilera"), headers=env.headers, timeout=10) as client:
        while True:
            page = client.get("/users/", params={"q": marker, "per_page": 100})
            if page.status_code != 200:
                raise ClientError(f"cannot list users to sweep {marker}: {page.status_code}")
            users = page.json()["data"]
            if not users:
                return removed
            for user in users:
                reply = client.delete(f"/users/{user['id']}/")
                if reply.status_code in (204, 404):
                    removed += 1
                else:
                    raise ClientError(f"cannot delete {user['id']}: {reply.status_code}")
