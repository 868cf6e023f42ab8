"""The public users API over real sockets: lifecycle, pagination, errors, rate limits."""

from __future__ import annotations

import uuid

import httpx
import pytest


def new_user(admin: httpx.Client, **extra: object) -> dict[str, object]:
    email = f"u-{uuid.uuid4().hex[:10]}@runeframe.example"
    reply = admin.post("/api/v1/users/", json={"name": "Someone", "email": email, **extra})
    assert reply.status_code == 201, reply.text
    body: dict[str, object] = reply.json()
    return body


def token_for(urls: dict[str, str], admin: httpx.Client, user_id: object) -> str:
    reply = httpx.post(
        f"{urls['distilera']}/auth/tokens/", json={"user_id": user_id}, headers=admin.headers
    )
    assert reply.status_code == 201, reply.text
    token: str = reply.json()["token"]
    return token


def test_a_user_is_created_read_updated_and_deleted(admin: httpx.Client) -> None:
    user = new_user(admin)
    path = f"/api/v1/users/{user['id']}/"
    assert admin.get(path).json() == user
    changed = admin.patch(path, json={"name": "Renamed", "profile": {"bio": "alchemist"}})
    assert changed.status_code == 200
    assert changed.json()["name"] == "Renamed"
    assert changed.json()["profile"] == {"avatar": None, "bio": "alchemist"}
    assert admin.delete(path).status_code == 204
    assert admin.get(path).status_code == 404


def test_a_patch_changes_only_the_profile_fields_it_names(admin: httpx.Client) -> None:
    """Found by schemathesis: an empty profile with null fields was a 500."""
    user = new_user(admin, profile={"avatar": "a.png", "bio": "old"})
    path = f"/api/v1/users/{user['id']}/"
    nulls = {"email": None, "is_active": None, "name": None, "profile": {}, "role": None}
    unchanged = admin.patch(path, json=nulls)
    assert unchanged.status_code == 200, unchanged.text
    assert unchanged.json()["profile"] == {"avatar": "a.png", "bio": "old"}
    bio_only = admin.patch(path, json={"profile": {"bio": "new"}}).json()
    assert bio_only["profile"] == {"avatar": "a.png", "bio": "new"}
    cleared = admin.patch(path, json={"profile": None}).json()
    assert cleared["profile"] == {"avatar": None, "bio": None}


def test_an_admin_may_choose_the_id_and_a_duplicate_is_409(admin: httpx.Client) -> None:
    chosen = f"chosen_{uuid.uuid4().hex[:6]}"
    user = new_user(admin, id=chosen)
    assert user["id"] == chosen
    again = admin.post(
        "/api/v1/users/", json={"id": chosen, "name": "Twin", "email": "twin@runeframe.example"}
    )
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "duplicate_id"


def test_the_same_email_twice_is_409(admin: httpx.Client) -> None:
    user = new_user(admin)
    twin = admin.post("/api/v1/users/", json={"name": "Twin", "email": str(user["email"]).upper()})
    assert twin.status_code == 409
    assert twin.json()["error"]["code"] == "duplicate_email"


def test_pages_link_to_each_other_and_cover_every_item_once(admin: httpx.Client) -> None:
    tag = uuid.uuid4().hex[:8]
    ids = [
        admin.post(
            "/api/v1/users/", json={"name": f"P{i}", "email": f"{tag}-{i}@runeframe.example"}
        ).json()["id"]
        for i in range(7)
    ]
    seen, link, pages = [], f"/api/v1/users/?q={tag}&per_page=3", 0
    while link:
        body = admin.get(link).json()
        assert body["meta"]["pagination"] == {
            "current_page": pages + 1,
            "per_page": 3,
            "total_pages": 3,
            "total_items": 7,
        }
        assert body["links"]["first"].endswith(f"q={tag}&page=1&per_page=3")
        assert body["links"]["last"].endswith("page=3&per_page=3")
        seen += [u["id"] for u in body["data"]]
        link, pages = body["links"]["next"], pages + 1
    assert seen == ids
    assert pages == 3


def test_a_page_past_the_end_is_empty_with_a_link_back(admin: httpx.Client) -> None:
    body = admin.get("/api/v1/users/", params={"q": "nobody-has-this", "page": 5}).json()
    assert body["data"] == []
    assert body["links"]["next"] is None
    assert body["links"]["prev"].endswith("page=1&per_page=20")


@pytest.mark.parametrize(
    ("params", "field"),
    [({"page": 0}, "page"), ({"per_page": 1000}, "per_page"), ({"page": "x"}, "page")],
)
def test_bad_paging_is_400_naming_the_parameter(
    admin: httpx.Client, params: dict[str, object], field: str
) -> None:
    reply = admin.get("/api/v1/users/", params=params)
    assert reply.status_code == 400
    assert reply.json()["error"]["details"][0]["field"] == field


def test_unknown_user_is_404_in_the_envelope(admin: httpx.Client) -> None:
    reply = admin.get("/api/v1/users/999999/")
    assert reply.status_code == 404
    assert reply.json() == {
        "error": {"code": "not_found", "message": "user 999999 not found", "details": None}
    }


@pytest.mark.parametrize(
    "body",
    [
        b'{"email": "invalid_email"}',
        b'{"name": "x", "email": "a@b.io", "balance": 1000}',
        b"{not json",
        b"",
        b"[]",
    ],
)
def test_invalid_bodies_are_400_never_500(admin: httpx.Client, body: bytes) -> None:
    reply = admin.post("/api/v1/users/", content=body, headers={"content-type": "application/json"})
    assert reply.status_code == 400
    assert reply.json()["error"]["code"] == "validation_error"


def test_a_body_over_the_cap_is_413(admin: httpx.Client) -> None:
    reply = admin.post("/api/v1/users/", content=b"x" * 2_000_000)
    assert reply.status_code == 413
    assert reply.json()["error"]["code"] == "payload_too_large"


def test_paths_without_the_trailing_slash_are_served(admin: httpx.Client) -> None:
    assert admin.get("/api/v1/users").status_code == 200


def test_unknown_routes_and_methods_answer_the_envelope(admin: httpx.Client) -> None:
    assert admin.get("/api/v1/nothing/").json()["error"]["code"] == "not_found"
    reply = admin.put("/api/v1/users/")
    assert reply.status_code == 405
    assert reply.json()["error"]["code"] == "method_not_allowed"


def test_a_user_cannot_change_another_user(urls: dict[str, str], admin: httpx.Client) -> None:
    alice, bob = new_user(admin), new_user(admin)
    token = token_for(urls, admin, alice["id"])
    as_alice = {"Authorization": f"Bearer {token}"}
    target = f"{urls['api']}/api/v1/users/{bob['id']}/"
    assert httpx.patch(target, json={"name": "pwned"}, headers=as_alice).status_code == 403
    assert httpx.delete(target, headers=as_alice).status_code == 403
    assert admin.get(f"/api/v1/users/{bob['id']}/").json()["name"] == "Someone"


def test_only_an_admin_may_grant_roles(urls: dict[str, str], admin: httpx.Client) -> None:
    user = new_user(admin)
    token = token_for(urls, admin, user["id"])
    own = f"{urls['api']}/api/v1/users/{user['id']}/"
    reply = httpx.patch(own, json={"role": "admin"}, headers={"Authorization": f"Bearer {token}"})
    assert reply.status_code == 403
    signup = httpx.post(
        f"{urls['api']}/api/v1/users/",
        json={"name": "Eve", "email": "eve@runeframe.example", "role": "admin"},
    )
    assert signup.status_code == 403


def test_the_rate_limit_answers_429_with_retry_after(
    urls: dict[str, str], admin: httpx.Client
) -> None:
    user = new_user(admin)
    headers = {"Authorization": f"Bearer {token_for(urls, admin, user['id'])}"}
    with httpx.Client(base_url=urls["api"], headers=headers) as client:
        replies = [client.get("/api/v1/users/", params={"per_page": 1}) for _ in range(61)]
    assert [r.status_code for r in replies[:60]] == [200] * 60
    limited = replies[60]
    assert limited.status_code == 429
    assert int(limited.headers["retry-after"]) > 0
    assert limited.headers["x-ratelimit-limit"] == "60"
    assert limited.headers["x-ratelimit-remaining"] == "0"
    assert limited.json()["error"]["code"] == "rate_limited"


def test_a_service_account_quota_is_separate(admin: httpx.Client) -> None:
    reply = admin.get("/api/v1/users/", params={"per_page": 1})
    assert reply.headers["x-ratelimit-limit"] == "100000"


def test_text_with_a_nul_character_is_a_400_on_every_backend(admin: httpx.Client) -> None:
    """Found by fuzzing the ci profile: PostgreSQL cannot store NUL, and it was a 500."""
    body = {"name": "\u0000", "email": "nul@runeframe.example"}
    created = admin.post("/api/v1/users/", json=body)
    assert created.status_code == 400, created.text
    assert created.json()["error"]["details"][0]["field"] == "body"
    listed = admin.get("/api/v1/users/", params={"q": "a\x00b"})
    assert listed.status_code == 400, listed.text
