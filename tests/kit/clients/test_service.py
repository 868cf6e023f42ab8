"""Clients on httpx's MockTransport: seed-shaped methods, models, one-line errors, timing."""

from __future__ import annotations

import json

import httpx
import pytest

from runeframe_nb import DistileraClient
from runeframe_nb.errors import ApiError, ClientError
from runeframe_nb.models import User
from runeframe_nb.timing import log

USER = {
    "id": "user_123",
    "name": "U",
    "email": "u@runeframe.example",
    "role": "user",
    "is_active": True,
    "profile": {"avatar": None, "bio": None},
}


def distilera(handler: httpx.MockTransport) -> DistileraClient:
    return DistileraClient(
        test_mode=True, base_url="http://distilera", transport=handler, token="t"
    )


async def test_create_user_posts_the_seed_dict_and_returns_a_model() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(201, json=USER)

    client = distilera(httpx.MockTransport(handler))
    user = await client.create_user({"name": "U", "email": "u@runeframe.example"})
    assert isinstance(user, User)
    assert (user.id, user.name, user["email"]) == ("user_123", "U", "u@runeframe.example")
    assert seen[0].url.path == "/users/"
    assert json.loads(seen[0].content) == {"name": "U", "email": "u@runeframe.example"}
    assert seen[0].headers["authorization"] == "Bearer t"


async def test_an_entity_is_also_its_id() -> None:
    client = distilera(httpx.MockTransport(lambda r: httpx.Response(200, json=USER)))
    user = await client.get_user("user_123")
    assert user == "user_123" and str(user) == "user_123"
    assert {user: 1}["user_123"] == 1
    again = await client.get_user(user)
    assert again == user


async def test_an_error_envelope_becomes_api_error_with_its_fields() -> None:
    envelope = {"error": {"code": "not_found", "message": "user x not found", "details": None}}
    client = distilera(httpx.MockTransport(lambda r: httpx.Response(404, json=envelope)))
    with pytest.raises(ApiError) as caught:
        await client.get_user("x")
    assert (caught.value.status, caught.value.code) == (404, "not_found")
    assert str(caught.value) == "distilera GET /users/x/: 404 not_found: user x not found"


async def test_a_refused_connection_is_one_line_naming_the_service() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("Connection refused", request=request)

    client = distilera(httpx.MockTransport(refuse))
    expected = r"^distilera: GET /users/x/: Connection refused \(gave up after 4 attempts\)$"
    with pytest.raises(ClientError, match=expected):
        await client.get_user("x")


async def test_every_request_is_timed() -> None:
    log.clear()
    client = distilera(httpx.MockTransport(lambda r: httpx.Response(200, json=USER)))
    await client.get_user("user_123")
    frame = log.frame()
    assert frame[["service", "method", "path", "status"]].iloc[0].tolist() == [
        "distilera",
        "GET",
        "/users/user_123/",
        200,
    ]
    assert frame["ms"].iloc[0] >= 0
