"""The public edge as the seed's REST tests use it, on a real stack: authenticated by
default, anonymous when asked, and the edge's answer on whose a token is and what it
may do."""

from __future__ import annotations

import uuid

import runeframe_nb as rf
from runeframe_nb import ApiClient, DistileraClient


async def test_a_token_is_sent_unless_anonymous_and_the_edge_says_whose_it_is(
    environment: rf.Environment,
) -> None:
    async with ApiClient(environment=environment) as api:
        assert (await api.get("/api/v1/users/")).status_code == 200
        admin = await api.authenticate(environment.token or "")
        assert admin.is_valid and "admin" in admin.roles
        assert await api.check_permission(environment.token or "", "admin_access")
        async with DistileraClient(environment=environment) as distilera:
            user = await distilera.create_user(
                {"name": "Åsa", "email": f"a{uuid.uuid4().hex[:10]}@runeframe.example"}
            )
            token = await distilera.create_auth_token(user)
        mine = await api.authenticate(token)
        assert (mine.is_valid, mine.user_id, mine.roles) == (True, user.id, ["user"])
        assert not await api.check_permission(token, "admin_access")
        assert not (await api.authenticate("forged")).is_valid
    async with ApiClient(environment=environment, anonymous=True) as anonymous:
        assert "authorization" not in anonymous.headers
        assert (await anonymous.get("/api/v1/users/")).status_code == 401
