"""Mutants of the public REST contract: statuses, the error envelope, pagination, filters,
validation, deletes and updates that do not take, rate limits and their headers."""

from __future__ import annotations

import asyncio
from typing import Any
from urllib.parse import parse_qsl, urlencode

from ...mutants import answer_mutant, mutant
from ...proxy import Call, Reply

Body = dict[str, Any]

USER = "/api/v1/users/{user_id}/"
USERS = "/api/v1/users/"


@mutant(
    "edge-unknown-user-200", "an unknown user answers 200 with an empty body", "api", f"GET {USER}"
)
async def unknown_user_200(call: Call) -> Reply:
    answer = await call.forward()
    return answer.with_json({}, status=200) if answer.status == 404 else answer


@mutant(
    "edge-error-envelope-flat",
    "errors lose their envelope: {message, code} at the top level",
    "api",
    f"* {USERS}",
    f"* {USER}",
)
async def flat_envelope(call: Call) -> Reply:
    answer = await call.forward()
    body = answer.json() if answer.status >= 400 else None
    if isinstance(body, dict) and isinstance(body.get("error"), dict):
        return answer.with_json(body["error"])
    return answer


@mutant("edge-create-200", "creating a user answers 200 without Location", "api", f"POST {USERS}")
async def create_200(call: Call) -> Reply:
    answer = await call.forward()
    if answer.status == 201:
        return Reply(200, answer.without("location").headers, answer.body)
    return answer


@mutant("edge-validation-422", "invalid input answers 422 instead of 400", "api", f"POST {USERS}")
async def validation_422(call: Call) -> Reply:
    answer = await call.forward()
    return Reply(422, answer.headers, answer.body) if answer.status == 400 else answer


@answer_mutant(
    "pagination-total-pages-floor",
    "total_pages rounds down: the last, partial page is never announced",
    "api",
    f"GET {USERS}",
)
def total_pages_floor(body: Body, call: Call) -> Body | None:
    pages = (body.get("meta") or {}).get("pagination")
    if not pages:
        return None
    pages["total_pages"] = pages["total_items"] // max(pages["per_page"], 1)
    return body


@answer_mutant(
    "pagination-next-skips-a-page",
    "links.next points two pages on: a page is never visited",
    "api",
    f"GET {USERS}",
)
def next_skips(body: Body, call: Call) -> Body | None:
    following = (body.get("links") or {}).get("next")
    if not following:
        return None
    path, _, query = following.partition("?")
    params = dict(parse_qsl(query))
    params["page"] = str(int(params.get("page", "1")) + 1)
    body["links"]["next"] = f"{path}?{urlencode(params)}"
    return body


@mutant(
    "users-search-ignored", "the q filter is ignored: every user is listed", "api", f"GET {USERS}"
)
async def search_ignored(call: Call) -> Reply:
    params = [(k, v) for k, v in parse_qsl(call.query, keep_blank_values=True) if k != "q"]
    return await call.forward(query=urlencode(params))


@mutant(
    "edge-delete-ignored",
    "deleting a user answers 204 and deletes nothing",
    "api",
    f"DELETE {USER}",
)
async def delete_ignored(call: Call) -> Reply:
    return Reply(204, [], b"")


@mutant(
    "edge-update-not-stored",
    "an update answers with the change but does not store it",
    "api",
    f"PATCH {USER}",
)
async def update_not_stored(call: Call) -> Reply:
    current = await call.forward(method="GET", body=b"")
    body = current.json()
    if current.status != 200 or not isinstance(body, dict):
        return current
    return current.with_json({**body, **(call.json() or {})})


@mutant(
    "rate-limit-off",
    "rate limiting is not enforced: a caller past its budget is served",
    "api",
    "* *",
)
async def rate_limit_off(call: Call) -> Reply:
    answer = await call.forward()
    if answer.status != 429:
        return answer
    served = await call.forward(token=call.admin_token)
    return served.without(
        "retry-after", "x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset"
    )


@mutant(
    "rate-limit-one-late",
    "a caller's first request past its budget is still served, as if the budget were one more",
    "api",
    "* *",
)
async def rate_limit_one_late(call: Call) -> Reply:
    answer = await call.forward()
    caller = call.header("authorization")
    spared = call.memory.setdefault("spared", set())
    if answer.status != 429 or caller in spared:
        return answer
    spared.add(caller)
    served = await call.forward(token=call.admin_token)
    announced = [(k, v) for k, v in answer.headers if k.lower().startswith("x-ratelimit-")]
    return Reply(
        served.status,
        [(k, v) for k, v in served.headers if not k.lower().startswith("x-ratelimit-")] + announced,
        served.body,
    )


@mutant("retry-after-missing", "a 429 comes without Retry-After", "api", "* *")
async def retry_after_missing(call: Call) -> Reply:
    answer = await call.forward()
    return answer.without("retry-after") if answer.status == 429 else answer


@mutant(
    "ratelimit-headers-missing",
    "answers no longer announce the rate limit (X-RateLimit-*)",
    "api",
    "* *",
)
async def ratelimit_headers_missing(call: Call) -> Reply:
    answer = await call.forward()
    return answer.without("x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset")


@mutant(
    "slow-edge-tail",
    "one user read in ten takes 600 ms more: the p95 regresses",
    "api",
    f"GET {USER}",
)
async def slow_tail(call: Call) -> Reply:
    if call.rng.random() < 0.1:
        await asyncio.sleep(0.6)
    return await call.forward()
