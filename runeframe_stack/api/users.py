"""The public users resource, /api/v1/users/: validated here, served by Distilera."""

from __future__ import annotations

from starlette.responses import Response

from ..contracts import NewUser, User, UserChanges, UserQuery
from ..core.pagination import Page
from ..core.peers import Peers
from ..core.routing import Call, Routes, endpoint

PREFIX = "/api/v1"
_PASSED_HEADERS = ("location", "content-type")


class PublicUserRoutes(Routes):
    tag = "users"

    def __init__(self, peers: Peers) -> None:
        self.peers = peers

    async def _forward(self, call: Call, path: str) -> Response:
        request = call.request
        reply = await self.peers.request(
            "distilera",
            request.method,
            path,
            query=request.scope["query_string"].decode("latin-1"),  # not url: it builds a URL
            body=call.raw_body or None,
            headers=Peers.forwarded_headers(request.headers, **{"x-forwarded-prefix": PREFIX}),
        )
        headers = {k: v for k in _PASSED_HEADERS if (v := reply.headers.get(k)) is not None}
        return Response(reply.body, status_code=reply.status, headers=headers)

    @endpoint(
        "GET", f"{PREFIX}/users/", query=UserQuery, responses={200: Page[User]}, access="user"
    )
    async def list_users(self, call: Call) -> Response:
        """One page of users with pagination metadata and links."""
        return await self._forward(call, "/users/")

    @endpoint("POST", f"{PREFIX}/users/", body=NewUser, responses={201: User})
    async def create_user(self, call: Call) -> Response:
        """Register a user."""
        return await self._forward(call, "/users/")

    @endpoint("GET", f"{PREFIX}/users/{{user_id}}/", responses={200: User}, access="user")
    async def get_user(self, call: Call) -> Response:
        """One user by id."""
        return await self._forward(call, f"/users/{call.path['user_id']}/")

    @endpoint(
        "PATCH",
        f"{PREFIX}/users/{{user_id}}/",
        body=UserChanges,
        responses={200: User},
        access="user",
    )
    async def update_user(self, call: Call) -> Response:
        """Change some of a user's fields."""
        return await self._forward(call, f"/users/{call.path['user_id']}/")

    @endpoint("DELETE", f"{PREFIX}/users/{{user_id}}/", responses={204: None}, access="user")
    async def delete_user(self, call: Call) -> Response:
        """Delete a user."""
        return await self._forward(call, f"/users/{call.path['user_id']}/")
