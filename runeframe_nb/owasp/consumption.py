"""Limits on what one caller may consume (API4) and flows worth money, abused (API6)."""

from __future__ import annotations

import uuid

from .actors import PROTECTED, Actors, every
from .cases import Outcome, case


@case("API4", "all five", "a page of 100,000 items")
async def page_size_cap(x: Actors) -> Outcome:
    statuses = {
        s: await x.status("GET", s, f"{p}?per_page=100000", x.admin_token)
        for s, p in PROTECTED.items()
    }
    return every(lambda code: code == 400, statuses)


OVERSIZED = b'{"pad": "' + b"x" * 2_000_000 + b'"}'  # twice a service's body limit
BODY_POSTS = {  # a route of each service that reads a body
    "api": "/api/v1/users/",
    "distilera": "/users/",
    "hoardwell": "/messages/",
    "mercatrix": "/transactions/",
    "jonar": "/alerts/",
}


@case("API4", "all five", "a 2 MB body")
async def body_size_cap(x: Actors) -> Outcome:
    big, posts = OVERSIZED, BODY_POSTS
    statuses = {
        s: await x.status(
            "POST", s, p, x.admin_token, content=big, headers={"Content-Type": "application/json"}
        )
        for s, p in posts.items()
    }
    return every(lambda code: code == 413, statuses)


@case("API4", "api", "70 requests a minute from one user")
async def rate_limit(x: Actors) -> Outcome:
    codes = [
        await x.status("GET", "api", "/api/v1/users/?per_page=1", x.victim_token) for _ in range(70)
    ]
    reply = await x.http.get(x.url("api", "/api/v1/users/"), headers=x.as_(x.victim_token))
    limited = codes.count(429)
    return (
        limited > 0 and "retry-after" in reply.headers,
        f"{limited} of 70 answered 429; Retry-After {reply.headers.get('retry-after')}",
    )


@case("API4", "api", "GraphQL aliases, depth and batches")
async def graphql_limits(x: Actors) -> Outcome:
    """Each limit refuses with its own reason: an error about something else (a typo, a
    missing field) would be no evidence that the limit exists."""
    aliases = "{ " + " ".join(f"a{i}: users {{ id }}" for i in range(60)) + " }"
    depth = "{ __schema { types { fields { type { fields { type { fields { name } } } } } } } }"
    results = {}
    for name, query, reason in (
        ("60 aliases", aliases, "aliases"),
        ("deep introspection", depth, "depth"),
    ):
        reply = await x.http.post(
            x.url("api", "/graphql/"), json={"query": query}, headers=x.as_(x.admin_token)
        )
        said = " ".join(str(e.get("message", "")) for e in reply.json().get("errors") or [])
        results[name] = reply.json().get("data") is None and reason in said.lower()
    batch = [{"query": "{ users { id } }"}, {"query": "{ users { name } }"}]
    reply = await x.http.post(x.url("api", "/graphql/"), json=batch, headers=x.as_(x.admin_token))
    results["a batch of queries"] = reply.status_code == 400 and "error" in reply.json()
    return all(results.values()), ", ".join(
        f"{k}: {'refused' if v else 'served'}" for k, v in results.items()
    )


@case("API6", "mercatrix", "welcome grant farming")
async def welcome_grant_farming(x: Actors) -> Outcome:
    codes = [
        await x.status(
            "POST", "mercatrix", "/accounts/", x.admin_token, json={"user_id": x.attacker}
        )
        for _ in range(3)
    ]
    grants = (
        await x.http.get(
            x.url(
                "mercatrix", f"/transactions/?user_id={x.attacker}&transaction_type=welcome_grant"
            ),
            headers=x.as_(x.admin_token),
        )
    ).json()
    count = grants["meta"]["pagination"]["total_items"]
    return (
        count == 1,
        f"account opened again {len(codes)} times ({', '.join(map(str, codes))}); grants: {count}",
    )


@case("API6", "mercatrix", "reward replay")
async def reward_replay(x: Actors) -> Outcome:
    reward = {"user_id": x.victim, "amount": 5.0, "reference": f"probe-{uuid.uuid4().hex}"}
    replies = [
        await x.http.post(
            x.url("mercatrix", "/rewards/"), json=reward, headers=x.as_(x.admin_token)
        )
        for _ in range(3)
    ]
    ids = {r.json()["id"] for r in replies}
    return len(ids) == 1, f"the same reward sent 3 times: {len(ids)} transaction(s)"
