"""`authenticate` and `check_permission` as every service answers them.

Each service verifies a token with its own verifier (the keys Distilera publishes), so
a token that one service accepts and another refuses shows up here, per service.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field
from starlette.responses import Response

from .auth import Identity, TokenVerifier
from .errors import Unauthorized
from .routing import Call, Routes, endpoint, json


class TokenQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    token: str = Field(min_length=1, max_length=8192)


class PermissionQuery(TokenQuery):
    permission: str = Field(min_length=1, max_length=100)


class AuthResult(BaseModel):
    is_valid: bool
    user_id: str | None
    roles: list[str]
    error: str | None = None


class PermissionResult(BaseModel):
    permission: str
    allowed: bool
    user_id: str | None


class IntrospectionRoutes(Routes):
    tag = "auth"

    def __init__(self, verifier: TokenVerifier) -> None:
        self.verifier = verifier

    async def _identify(self, token: str) -> tuple[Identity | None, str | None]:
        try:
            return await self.verifier.verify(token), None
        except Unauthorized as exc:
            return None, exc.message

    @endpoint("POST", "/auth/verify/", body=TokenQuery, responses={200: AuthResult})
    async def verify_token(self, call: Call) -> Response:
        """Whether this service accepts a token, and whose it is."""
        identity, error = await self._identify(call.body.token)
        if identity is None:
            return json({"is_valid": False, "user_id": None, "roles": [], "error": error})
        return json({"is_valid": True, "user_id": identity.user_id, "roles": list(identity.roles)})

    @endpoint(
        "POST", "/auth/permissions/check/", body=PermissionQuery, responses={200: PermissionResult}
    )
    async def check_permission(self, call: Call) -> Response:
        """Whether a token's holder has a permission here (admin_access: admins only)."""
        query: PermissionQuery = call.body
        identity, _ = await self._identify(query.token)
        allowed = identity is not None and identity.has_permission(query.permission)
        user_id = identity.user_id if identity else None
        return json({"permission": query.permission, "allowed": allowed, "user_id": user_id})
