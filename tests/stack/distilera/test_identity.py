"""Distilera's token endpoint grants client credentials as RFC 6749 says (section 4.4):
client authentication by HTTP Basic or in the form, refusals in OAuth's own shape, and a
token every service accepts."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator

import httpx
import pytest

from runeframe_nb.profiles import Profile
from runeframe_nb.stack import EmbeddedStack

SECRET = "correct horse battery staple"
CLIENT = {
    "secret_sha256": hashlib.sha256(SECRET.encode()).hexdigest(),
    "user_id": "runeframe_suite",
    "roles": ["admin", "user"],
}


@pytest.fixture(scope="module")
def issuer(profile: Profile) -> Iterator[EmbeddedStack]:
    settings = {**profile.stack_settings, "oauth_clients": {"suite": CLIENT}}
    with EmbeddedStack(settings) as stack:
        yield stack


def grant(
    stack: EmbeddedStack, form: dict[str, str] | None = None, **kwargs: object
) -> httpx.Response:
    fields = {"grant_type": "client_credentials", **(form or {})}
    url = f"{stack.urls['distilera']}/oauth/token/"
    return httpx.post(url, data=fields, **kwargs)  # type: ignore[arg-type]


def test_a_client_authenticated_by_basic_gets_a_token_every_service_takes(
    issuer: EmbeddedStack,
) -> None:
    answer = grant(issuer, auth=("suite", SECRET))
    assert answer.status_code == 200 and answer.headers["cache-control"] == "no-store"
    body = answer.json()
    assert body["token_type"] == "Bearer" and body["expires_in"] == 3600
    bearer = {"Authorization": f"Bearer {body['access_token']}"}
    for service, url in issuer.urls.items():
        checked = httpx.post(
            f"{url}/auth/permissions/check/",
            headers=bearer,
            json={"token": body["access_token"], "permission": "admin_access"},
        )
        assert checked.json()["allowed"] is True, service


def test_the_credentials_may_come_in_the_form(issuer: EmbeddedStack) -> None:
    answer = grant(issuer, form={"client_id": "suite", "client_secret": SECRET})
    assert answer.status_code == 200, answer.text


@pytest.mark.parametrize(("client", "secret"), [("suite", "wrong"), ("stranger", SECRET), ("", "")])
def test_a_wrong_client_or_secret_is_invalid_client(
    issuer: EmbeddedStack, client: str, secret: str
) -> None:
    answer = grant(issuer, auth=(client, secret))
    assert answer.status_code == 401
    assert answer.json()["error"] == "invalid_client"
    assert answer.headers["www-authenticate"].startswith("Basic")


def test_another_grant_is_unsupported(issuer: EmbeddedStack) -> None:
    answer = grant(issuer, auth=("suite", SECRET), form={"grant_type": "password"})
    assert (answer.status_code, answer.json()["error"]) == (400, "unsupported_grant_type")


def test_the_grant_is_documented_as_a_form(issuer: EmbeddedStack) -> None:
    document = httpx.get(f"{issuer.urls['distilera']}/openapi.json").json()
    operation = document["paths"]["/oauth/token/"]["post"]
    assert list(operation["requestBody"]["content"]) == ["application/x-www-form-urlencoded"]
    assert {"200", "400", "401"} <= set(operation["responses"])
