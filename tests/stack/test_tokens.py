"""Tokens: every service verifies them itself, and refuses forged, expired or unsigned ones."""

from __future__ import annotations

import time

import httpx
import jwt
import pytest

from runeframe_nb import tokens


def issue(urls: dict[str, str], admin: httpx.Client, user_id: str, **body: object) -> str:
    reply = httpx.post(
        f"{urls['distilera']}/auth/tokens/",
        json={"user_id": user_id, **body},
        headers=admin.headers,
    )
    assert reply.status_code == 201, reply.text
    token: str = reply.json()["token"]
    return token


@pytest.fixture
def member(urls: dict[str, str], admin: httpx.Client) -> str:
    """A user of these tests alone: its rate-limit budget is not the one other tests spend
    as `test_user` (the seed's rate-limit test exhausts that on purpose)."""
    user_id = f"tokens_{time.time_ns()}"
    body = {"id": user_id, "name": "Token Holder", "email": f"{user_id}@runeframe.example"}
    assert httpx.post(f"{urls['distilera']}/users/", json=body, headers=admin.headers).is_success
    return user_id


def get_users(urls: dict[str, str], token: str) -> httpx.Response:
    return httpx.get(f"{urls['api']}/api/v1/users/", headers={"Authorization": f"Bearer {token}"})


def test_an_issued_token_is_accepted_at_the_edge(
    urls: dict[str, str], admin: httpx.Client, member: str
) -> None:
    assert get_users(urls, issue(urls, admin, member)).status_code == 200


def test_the_published_key_verifies_the_token(
    urls: dict[str, str], admin: httpx.Client, member: str
) -> None:
    token = issue(urls, admin, member)
    keys = httpx.get(f"{urls['distilera']}/.well-known/jwks.json").json()["keys"]
    key = jwt.PyJWK(keys[0])
    claims = jwt.decode(token, key.key, algorithms=["EdDSA"], audience="runeframe")
    assert claims["sub"] == member
    assert claims["iss"] == "distilera"


def test_an_expired_token_is_401(urls: dict[str, str], admin: httpx.Client, member: str) -> None:
    token = issue(urls, admin, member, expires_in=1)
    time.sleep(2.1)
    reply = get_users(urls, token)
    assert reply.status_code == 401
    assert reply.json()["error"]["message"] == "token expired"


def test_a_token_signed_by_another_key_is_401(
    urls: dict[str, str], admin: httpx.Client, member: str
) -> None:
    real = issue(urls, admin, member)
    forged = tokens.foreign(real)
    assert jwt.get_unverified_header(forged)["kid"] == jwt.get_unverified_header(real)["kid"]
    assert get_users(urls, forged).status_code == 401
    assert get_users(urls, tokens.tampered(real)).status_code == 401


@pytest.mark.parametrize("alg", ["none", "HS256"])
def test_unsigned_and_symmetric_tokens_are_401(urls: dict[str, str], alg: str) -> None:
    token = tokens.unsigned(tokens.claims("test_user", roles=["admin"]), alg=alg)
    reply = get_users(urls, token)
    assert reply.status_code == 401
    assert reply.json()["error"]["code"] == "unauthorized"


@pytest.mark.parametrize("header", ["Bearer", "Basic dGVzdDp0ZXN0", "Bearer not.a.jwt"])
def test_malformed_authorization_is_401(urls: dict[str, str], header: str) -> None:
    reply = httpx.get(f"{urls['api']}/api/v1/users/", headers={"Authorization": header})
    assert reply.status_code == 401


def test_no_token_is_401_on_private_routes(urls: dict[str, str]) -> None:
    assert httpx.get(f"{urls['api']}/api/v1/users/").status_code == 401
    assert httpx.get(f"{urls['distilera']}/users/").status_code == 401


def test_a_user_may_not_mint_tokens_for_others(urls: dict[str, str], admin: httpx.Client) -> None:
    own = issue(urls, admin, "test_user")
    other = admin.post(
        "/api/v1/users/", json={"name": "Mallory", "email": "mallory@runeframe.example"}
    ).json()
    as_user = {"Authorization": f"Bearer {issue(urls, admin, other['id'])}"}
    reply = httpx.post(
        f"{urls['distilera']}/auth/tokens/", json={"user_id": "test_user"}, headers=as_user
    )
    assert reply.status_code == 403
    assert own  # the admin's own token was issued


PROTECTED = {
    "api": "/api/v1/users/",
    "distilera": "/users/",
    "hoardwell": "/messages/",
    "mercatrix": "/accounts/",
    "jonar": "/alerts/",
}


def statuses(urls: dict[str, str], token: str) -> dict[str, int]:
    headers = {"Authorization": f"Bearer {token}"}
    return {
        s: httpx.get(urls[s] + path, headers=headers).status_code for s, path in PROTECTED.items()
    }


def test_a_deleted_users_token_is_refused_everywhere_and_a_new_one_works(
    urls: dict[str, str], admin: httpx.Client
) -> None:
    user_id = f"gone_{int(time.time() * 1000)}"
    body = {"id": user_id, "name": "Gone", "email": f"{user_id}@runeframe.example"}
    assert httpx.post(f"{urls['distilera']}/users/", json=body, headers=admin.headers).is_success
    old = issue(urls, admin, user_id)
    assert 401 not in statuses(urls, old).values()  # seen, and cached, by every service
    assert admin.delete(f"/api/v1/users/{user_id}/").status_code == 204
    deadline = time.monotonic() + 10
    while set(statuses(urls, old).values()) != {401} and time.monotonic() < deadline:
        time.sleep(0.1)
    assert set(statuses(urls, old).values()) == {401}
    assert httpx.post(f"{urls['distilera']}/users/", json=body, headers=admin.headers).is_success
    assert 401 not in statuses(urls, issue(urls, admin, user_id)).values()
