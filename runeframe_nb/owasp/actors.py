"""Who attacks whom: users A (the attacker) and B (the victim) and the admin, with the
requests and verdict helpers every probe shares."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx

from ..environment import Environment
from .cases import Outcome

PROTECTED = {  # a route of each service that needs a token
    "api": "/api/v1/users/",
    "distilera": "/users/",
    "hoardwell": "/messages/",
    "mercatrix": "/accounts/",
    "jonar": "/alerts/",
}


@dataclass
class Actors:
    """Two users, the attacker and the victim (ids and tokens), and the admin's token,
    on one environment."""

    env: Environment
    http: httpx.AsyncClient
    admin_token: str
    attacker: str
    attacker_token: str
    victim: str
    victim_token: str

    def url(self, service: str, path: str) -> str:
        return self.env.url(service) + path

    def as_(self, token: str | None) -> dict[str, str]:
        return {"Authorization": f"Bearer {token}"} if token else {}

    async def status(
        self, method: str, service: str, path: str, token: str | None, **kw: Any
    ) -> int:
        headers = {**self.as_(token), **kw.pop("headers", {})}
        reply = await self.http.request(method, self.url(service, path), headers=headers, **kw)
        return reply.status_code


async def user_with_token(
    env: Environment, http: httpx.AsyncClient, admin: str, name: str, email: str
) -> tuple[str, str]:
    """A new user made by the admin, and a token issued to it: (id, token)."""
    headers = {"Authorization": f"Bearer {admin}"}
    base = env.url("distilera")
    reply = await http.post(f"{base}/users/", json={"name": name, "email": email}, headers=headers)
    reply.raise_for_status()
    user = reply.json()["id"]
    issued = await http.post(f"{base}/auth/tokens/", json={"user_id": user}, headers=headers)
    issued.raise_for_status()
    return user, issued.json()["token"]


async def actors(env: Environment, http: httpx.AsyncClient) -> Actors:
    """Create the attacker and the victim (tokens, accounts) with the environment's admin
    token."""
    admin = env.token or ""
    made: list[str] = []
    for who in ("attacker", "victim"):
        email = f"owasp-{who}-{uuid.uuid4().hex[:8]}@{env.run_id or 'probe'}.example"
        made += await user_with_token(env, http, admin, f"Probe {who.title()}", email)
    return Actors(env, http, admin, *made)


def every(check: Callable[[int], bool], statuses: dict[str, int]) -> Outcome:
    """Passed when every status passes `check`; the detail lists them all."""
    return all(map(check, statuses.values())), ", ".join(f"{s} {c}" for s, c in statuses.items())


async def refused_everywhere(x: Actors, token: str | None) -> Outcome:
    """Every service's protected route answers 401 to `token`."""
    statuses = {s: await x.status("GET", s, path, token) for s, path in PROTECTED.items()}
    return every(lambda code: code == 401, statuses)


def json_or_none(reply: httpx.Response) -> Any:
    try:
        return reply.json()
    except ValueError:
        return None
