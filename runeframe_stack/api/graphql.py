"""GraphQL at /graphql/: users read and created through Distilera, as the seed queries them.

The schema is strawberry's; requests are parsed and executed here so the endpoint is
declared, rate limited, measured and documented like every other. Introspection is on
only when the settings say so (test profiles); query depth and aliases are capped.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import strawberry
from graphql import GraphQLError
from pydantic import BaseModel, ConfigDict, Field
from starlette.responses import Response
from strawberry.extensions import DisableIntrospection, MaxAliasesLimiter, QueryDepthLimiter
from strawberry.types import Info

from ..core.hop import Reply
from ..core.peers import Peers
from ..core.routing import Call, Routes, endpoint, json

MAX_DEPTH = 8
MAX_ALIASES = 20


@strawberry.type
class Profile:
    avatar: str | None
    bio: str | None


@strawberry.type(name="User")  # the GraphQL type; contracts.User is the REST one
class UserNode:
    id: strawberry.ID
    name: str
    email: str
    role: str
    is_active: bool
    profile: Profile
    created_at: str | None

    @classmethod
    def of(cls, data: dict[str, Any]) -> UserNode:
        profile = Profile(**data.get("profile") or {"avatar": None, "bio": None})
        return cls(
            id=strawberry.ID(data["id"]),
            name=data["name"],
            email=data["email"],
            role=data["role"],
            is_active=data["is_active"],
            profile=profile,
            created_at=data.get("created_at"),
        )


@strawberry.type
class FieldError:
    field: str
    message: str


@strawberry.type
class CreateUserPayload:
    user: UserNode | None
    errors: list[FieldError]


@strawberry.input
class CreateUserInput:
    name: str
    email: str
    id: strawberry.ID | None = None
    role: str | None = None


async def _distilera(info: Info, method: str, path: str, **kwargs: Any) -> Reply:
    """A call to Distilera on behalf of the GraphQL caller (their token, not the edge's)."""
    peers: Peers = info.context["peers"]
    headers = Peers.forwarded_headers(info.context["request"].headers)
    return await peers.request("distilera", method, path, headers=headers, **kwargs)


def _refused(reply: Reply) -> GraphQLError:
    """The service's refusal as a GraphQL error: its code, and a classification saying
    whether the caller's input was refused (ValidationError) or the server failed."""
    error = (reply.json() or {}).get("error", {})
    refused = 400 <= reply.status < 500
    extensions = {
        "code": error.get("code"),
        "classification": "ValidationError" if refused else "DataFetchingException",
    }
    return GraphQLError(error.get("message", "refused"), extensions=extensions)


@strawberry.type
class Query:
    @strawberry.field(description="One user by id; null when there is none.")
    async def user(self, info: Info, id: strawberry.ID) -> UserNode | None:
        reply = await _distilera(info, "GET", f"/users/{quote(str(id), safe='')}/")
        if reply.status == 404:
            return None
        if reply.status != 200:
            raise _refused(reply)
        return UserNode.of(reply.json())

    @strawberry.field(description="One page of users, oldest first.")
    async def users(self, info: Info, page: int = 1, per_page: int = 20) -> list[UserNode]:
        reply = await _distilera(info, "GET", "/users/", query=f"page={page}&per_page={per_page}")
        if reply.status != 200:
            raise _refused(reply)
        return [UserNode.of(item) for item in reply.json()["data"]]


@strawberry.type
class Mutation:
    @strawberry.mutation(description="Register a user; invalid input comes back as errors.")
    async def create_user(self, info: Info, input: CreateUserInput) -> CreateUserPayload:
        body = {k: v for k, v in vars(input).items() if v is not None}
        reply = await _distilera(info, "POST", "/users/", json=body)
        if reply.status == 201:
            return CreateUserPayload(user=UserNode.of(reply.json()), errors=[])
        if reply.status >= 500 or reply.status == 401:
            raise _refused(reply)
        error = reply.json()["error"]
        details = error.get("details") or []
        if isinstance(details, list) and details:
            errors = [FieldError(field=d["field"], message=d["message"]) for d in details]
        else:
            field = {"duplicate_email": "email", "duplicate_id": "id"}.get(error["code"], "input")
            errors = [FieldError(field=field, message=error["message"])]
        return CreateUserPayload(user=None, errors=errors)


def schema(introspection: bool) -> strawberry.Schema:
    extensions: list[Any] = [
        lambda: QueryDepthLimiter(max_depth=MAX_DEPTH),
        lambda: MaxAliasesLimiter(MAX_ALIASES),
    ]
    if not introspection:
        extensions.append(DisableIntrospection)
    return strawberry.Schema(query=Query, mutation=Mutation, extensions=extensions)


class GraphQLRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    query: str = Field(min_length=1, max_length=20_000)
    variables: dict[str, Any] | None = None
    operationName: str | None = Field(None, max_length=100)


class GraphQLResponse(BaseModel):
    data: dict[str, Any] | None = None
    errors: list[dict[str, Any]] | None = None


class GraphQLRoutes(Routes):
    tag = "graphql"

    def __init__(self, peers: Peers, introspection: bool) -> None:
        self.peers = peers
        self.schema = schema(introspection)

    @endpoint("POST", "/graphql/", body=GraphQLRequest, responses={200: GraphQLResponse})
    async def graphql(self, call: Call) -> Response:
        """Execute a GraphQL query or mutation (one per request; batches are refused)."""
        request: GraphQLRequest = call.body
        result = await self.schema.execute(
            request.query,
            variable_values=request.variables,
            operation_name=request.operationName,
            context_value={"request": call.request, "peers": self.peers},
        )
        body: dict[str, Any] = {"data": result.data}
        if result.errors:
            body["errors"] = [error.formatted for error in result.errors]
        return json(body)
