"""Tokens that must not work, on every service (API2): none, forged, unsigned, signed
with another key, expired, and a deleted user's."""

from __future__ import annotations

import asyncio
import uuid

from .. import tokens
from ..waits import eventually
from .actors import PROTECTED, Actors, refused_everywhere, user_with_token
from .cases import Outcome, case


@case("API2", "all five", "no token")
async def no_token(x: Actors) -> Outcome:
    return await refused_everywhere(x, None)


@case("API2", "all five", "forged signature")
async def forged_signature(x: Actors) -> Outcome:
    return await refused_everywhere(x, tokens.tampered(x.attacker_token))


@case("API2", "all five", "alg=none")
async def alg_none(x: Actors) -> Outcome:
    return await refused_everywhere(x, tokens.unsigned(tokens.claims(x.attacker, roles=["admin"])))


@case("API2", "all five", "signed with another key")
async def wrong_key(x: Actors) -> Outcome:
    return await refused_everywhere(x, tokens.foreign(x.attacker_token, roles=["admin"]))


@case("API2", "all five", "expired token")
async def expired(x: Actors) -> Outcome:
    issued = await x.http.post(
        x.url("distilera", "/auth/tokens/"),
        json={"user_id": x.attacker, "expires_in": 1},
        headers=x.as_(x.admin_token),
    )
    await asyncio.sleep(2.1)
    return await refused_everywhere(x, issued.json()["token"])


@case("API2", "all five", "token of a deleted user")
async def deleted_user(x: Actors) -> Outcome:
    email = f"gone-{uuid.uuid4().hex[:8]}@probe.example"
    gone, token = await user_with_token(x.env, x.http, x.admin_token, "Gone", email)
    for service, path in PROTECTED.items():  # each service has seen and cached the token
        await x.status("GET", service, path, token)
    await x.status("DELETE", "distilera", f"/users/{gone}/", x.admin_token)
    # each service learns of the deletion from Hoardwell's stream: give it a bounded moment
    return await eventually(lambda: refused_everywhere(x, token), lambda outcome: outcome[0])
