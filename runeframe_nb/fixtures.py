"""A profile's fixtures (the seed's users user_123, test_user, ...), and a run's clean-up.

Seeding is idempotent: a fixture that already exists is left as it is. Sweeping removes
the users a run created (their ids and emails carry the run's id), whatever its
notebooks managed to clean up themselves, in a bounded number of passes: what it cannot
remove is the run's residue.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import quote

from .errors import ClientError

if TYPE_CHECKING:
    from .environment import Environment


def create_fixture_users(env: Environment) -> int:
    """Create the profile's fixture users that are missing; returns how many were created."""
    created = 0
    with env.http_client(env.url("distilera"), headers=env.headers, timeout=10) as client:
        for user in env.profile.fixtures.users:
            reply = client.post("/users/", json=user.model_dump())
            if reply.status_code == 201:
                created += 1
            elif reply.status_code != 409:
                raise ClientError(
                    f"cannot create fixture user {user.id}: {reply.status_code} {reply.text[:200]}"
                )
    return created


SWEEP_PASSES = 100  # pages of 100: a run's 10,000 leftover users at most


def sweep(env: Environment, marker: str) -> list[str]:
    """Delete every user whose id or email contains `marker` (a run's leftovers), a page
    at a time; the ids of those still there when a pass finds the page it found before
    (a delete that answers 204 but does not take effect) or the passes run out, so the
    run reports them as residue."""
    if not marker:
        return []
    left: list[str] = []
    with env.http_client(env.url("distilera"), headers=env.headers, timeout=10) as client:
        for _ in range(SWEEP_PASSES):
            page = client.get("/users/", params={"q": marker, "per_page": 100})
            if page.status_code != 200:
                raise ClientError(f"cannot list users to sweep {marker}: {page.status_code}")
            found = [user["id"] for user in page.json()["data"]]
            if not found or found == left:
                return found
            left = found
            for user_id in left:
                reply = client.delete(f"/users/{quote(user_id, safe='')}/")
                if reply.status_code not in (204, 404):
                    raise ClientError(f"cannot delete {user_id}: {reply.status_code}")
    return left
