"""Distilera: users and tokens (simulations and the rest in their own methods)."""

from __future__ import annotations

from typing import Any

from ._service import ServiceClient
from .models import Entity, Page, Token, User, id_of


class DistileraClient(ServiceClient):
    service = "distilera"

    async def create_user(self, data: dict[str, Any]) -> User:
        return await self.fetch(User, "POST", "/users/", json=data)

    async def get_user(self, user_id: Entity | str) -> User:
        return await self.fetch(User, "GET", f"/users/{id_of(user_id)}/")

    async def list_users(self, page: int = 1, per_page: int = 20) -> Page[User]:
        params = {"page": page, "per_page": per_page}
        return await self.fetch(Page[User], "GET", "/users/", params=params)

    async def update_user(self, user_id: Entity | str, changes: dict[str, Any]) -> User:
        return await self.fetch(User, "PATCH", f"/users/{id_of(user_id)}/", json=changes)

    async def delete_user(self, user_id: Entity | str) -> None:
        await self.call("DELETE", f"/users/{id_of(user_id)}/")

    async def issue_token(self, user_id: Entity | str, expires_in: int | None = None) -> Token:
        body: dict[str, Any] = {"user_id": id_of(user_id)}
        if expires_in is not None:
            body["expires_in"] = expires_in
        return await self.fetch(Token, "POST", "/auth/tokens/", json=body)

    async def create_auth_token(self, user_id: Entity | str) -> str:
        """A signed token for the user (the seed's name); `issue_token` gives its details."""
        return (await self.issue_token(user_id)).token
