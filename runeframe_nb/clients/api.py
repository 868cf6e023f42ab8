"""The public edge as the seed's REST tests use it: an httpx.AsyncClient with a base URL."""

from __future__ import annotations

from typing import Any

import httpx

from ..environment import Environment
from ..models import AuthResult
from ._service import client_settings


class ApiClient(httpx.AsyncClient):
    """`await api.get("/api/v1/users/")`: raw responses, timed, authenticated by default."""

    def __init__(
        self,
        test_mode: bool = True,
        *,
        environment: Environment | None = None,
        base_url: str | None = None,
        token: str | None = None,
        anonymous: bool = False,
        transport: httpx.AsyncBaseTransport | None = None,
        **kwargs: Any,
    ) -> None:
        settings = client_settings(
            "api",
            environment=environment,
            base_url=base_url,
            token=token,
            anonymous=anonymous,
            transport=transport,
        )
        super().__init__(**settings, **kwargs)
        self.test_mode = test_mode

    async def authenticate(self, token: str) -> AuthResult:
        """Whether the edge accepts `token`, and whose it is."""
        reply = await self.post("/auth/verify/", json={"token": token})
        return AuthResult.model_validate(reply.json())

    async def check_permission(self, token: str, permission: str) -> bool:
        """Whether the token's holder has `permission` at the edge."""
        body = {"token": token, "permission": permission}
        reply = await self.post("/auth/permissions/check/", json=body)
        return bool(reply.json()["allowed"])
