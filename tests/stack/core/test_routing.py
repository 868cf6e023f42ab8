"""Endpoints declared once, served through ASGI without a stack: literal paths before
templates, input validated into the error envelope, access enforced, the document built."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from pydantic import BaseModel, Field
from starlette.responses import Response

from runeframe_stack.core.app import create_app
from runeframe_stack.core.auth import TokenVerifier
from runeframe_stack.core.routing import Call, Routes, endpoint, json
from runeframe_stack.core.settings import StackSettings

TOKENS = {
    "admin-token": {"user_id": "root", "roles": ["admin"]},
    "user-token": {"user_id": "alice", "roles": ["user"]},
}


class NewThing(BaseModel):
    name: str = Field(min_length=1, max_length=20)


class Thing(BaseModel):
    id: str
    name: str


class ThingRoutes(Routes):
    tag = "things"

    @endpoint("GET", "/things/stats/", responses={200: None}, access="public")
    async def stats(self, call: Call) -> Response:
        return json({"count": 1})

    @endpoint("GET", "/things/{thing_id}/", responses={200: Thing}, access="user")
    async def get_thing(self, call: Call) -> Response:
        return json({"id": call.path["thing_id"], "name": "a thing"})

    @endpoint("POST", "/things/", body=NewThing, responses={201: Thing}, access="admin")
    async def make_thing(self, call: Call) -> Response:
        return json({"id": "t1", "name": call.body.name}, status=201)


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    settings = StackSettings(static_tokens=TOKENS, max_body_bytes=2048)

    async def no_keys(kid: str) -> None:
        return None

    app = create_app("things", settings, TokenVerifier(settings, no_keys), [ThingRoutes()])
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://things") as http:
        yield http


def _as(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _error(reply: httpx.Response) -> dict[str, Any]:
    error: dict[str, Any] = reply.json()["error"]
    return error


async def test_a_literal_path_is_matched_before_a_template(client: httpx.AsyncClient) -> None:
    assert (await client.get("/things/stats/")).json() == {"count": 1}
    got = await client.get("/things/t9/", headers=_as("user-token"))
    assert got.json() == {"id": "t9", "name": "a thing"}


async def test_access_is_enforced_with_the_envelope(client: httpx.AsyncClient) -> None:
    anonymous = await client.get("/things/t9/")
    assert anonymous.status_code == 401 and _error(anonymous)["code"]
    user = await client.post("/things/", json={"name": "x"}, headers=_as("user-token"))
    assert user.status_code == 403
    admin = await client.post("/things/", json={"name": "x"}, headers=_as("admin-token"))
    assert admin.status_code == 201 and admin.json()["name"] == "x"


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        (b'{"name": ""}', 400, "validation_error"),
        (b'{"name": "x", "extra": 1', 400, None),  # not JSON
        (b'{"name": "' + b"x" * 4096 + b'"}', 413, None),
    ],
)
async def test_bad_input_is_a_4xx_envelope_never_a_500(
    client: httpx.AsyncClient, body: bytes, status: int, code: str | None
) -> None:
    headers = {**_as("admin-token"), "Content-Type": "application/json"}
    reply = await client.post("/things/", content=body, headers=headers)
    assert reply.status_code == status
    error = _error(reply)
    assert error["message"] and (code is None or error["code"] == code)


async def test_unknown_routes_and_methods_answer_in_the_envelope(
    client: httpx.AsyncClient,
) -> None:
    missing = await client.get("/nothing/")
    assert missing.status_code == 404 and _error(missing)["message"].startswith("no route")
    wrong = await client.delete("/things/stats/")
    assert wrong.status_code == 405 and _error(wrong)["message"]


async def test_the_document_describes_each_declared_endpoint(client: httpx.AsyncClient) -> None:
    paths = (await client.get("/openapi.json")).json()["paths"]
    assert set(paths["/things/{thing_id}/"]) == {"get"}
    made = paths["/things/"]["post"]
    assert "201" in made["responses"] and "requestBody" in made
