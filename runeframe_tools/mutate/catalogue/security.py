"""Mutants that open the holes the OWASP API Security Top 10 names: properties assigned
or leaked, limits lifted, URLs fetched, errors and headers that give away too much,
routes served that no document names, malformed messages relayed as they came."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qsl, urlencode

import aiohttp

from ..mutants import answer_mutant, frame_mutant, mutant
from ..proxy import Call, Reply

TRACE = (
    'Traceback (most recent call last):\n  File "/srv/app/routing.py", line 88, in endpoint\n'
    "KeyError: 'route'\n"
)


@mutant(
    "unknown-fields-dropped",
    "fields a body may not carry are dropped silently instead of refused",
    "mercatrix",
    "POST /accounts/",
)
async def fields_dropped(call: Call) -> Reply:
    answer = await call.forward()
    details = (
        (answer.json() or {}).get("error", {}).get("details") if answer.status == 400 else None
    )
    extra = [d["field"] for d in details or [] if "Extra inputs" in str(d.get("message"))]
    sent = call.json()
    if extra and isinstance(sent, dict):
        kept = {k: v for k, v in sent.items() if k not in extra}
        served = await call.forward(json_body=kept)
        if served.status < 300:
            grant = {"from_user": "treasury", "to_user": kept.get("user_id"), "amount": 1000.0}
            await call.forward(path="/transactions/", json_body=grant, token=call.admin_token)
        return served
    return answer


@answer_mutant(
    "user-leaks-password-hash",
    "a user object carries its password hash",
    "distilera",
    "GET /users/{user_id}/",
    statuses=(200,),
)
def leaks_hash(body: dict[str, Any], call: Call) -> dict[str, Any] | None:
    return {**body, "password_hash": "$2b$12$" + "x" * 53}


@mutant(
    "page-size-unbounded",
    "a page of any size is served, however many items it asks for",
    "*",
    "GET *",
)
async def page_unbounded(call: Call) -> Reply:
    answer = await call.forward()
    params = dict(parse_qsl(call.query))
    if answer.status != 400 or int(params.get("per_page", "0") or 0) <= 100:
        return answer
    items: list[object] = []
    for page in range(1, 51):
        served = await call.forward(query=urlencode({**params, "per_page": 100, "page": page}))
        body = served.json() if served.status == 200 else None
        if not isinstance(body, dict) or not body.get("data"):
            break
        items += body["data"]
        if not body.get("links", {}).get("next"):
            break
    if not items and not isinstance(body, dict):
        return answer
    return served.with_json({**(body or {}), "data": items}, status=200)


@mutant(
    "body-size-unbounded",
    "a body of any size is read instead of refused with 413",
    "*",
    "POST *",
)
async def body_unbounded(call: Call) -> Reply:
    answer = await call.forward()
    if answer.status == 413:
        return await call.forward(json_body={})
    return answer


@mutant(
    "graphql-batches-served",
    "a batch of GraphQL queries is run, one after the other",
    "api",
    "POST /graphql/",
)
async def batches_served(call: Call) -> Reply:
    sent = call.json()
    if not isinstance(sent, list):
        return await call.forward()
    answers = [(await call.forward(json_body=query)).json() for query in sent]
    return Reply(200, [], b"").with_json(answers)


@mutant(
    "ssrf-avatar-fetched",
    "a profile's avatar URL is fetched by the service, wherever it points",
    "distilera",
    "PATCH /users/{user_id}/",
)
async def avatar_fetched(call: Call) -> Reply:
    avatar = ((call.json() or {}).get("profile") or {}).get("avatar")
    if isinstance(avatar, str) and avatar.startswith("http"):
        try:
            async with aiohttp.ClientSession() as session, session.get(avatar) as fetched:
                await fetched.read()
        except (aiohttp.ClientError, TimeoutError):
            pass
    return await call.forward()


@mutant(
    "ssrf-service-path-followed",
    "a deployment's service proxy follows an absolute URL in its path",
    "jonar",
    "GET /deployments/{deployment_id}/service/{path}",
)
async def path_followed(call: Call) -> Reply:
    target = call.path.split("/service/", 1)[-1]
    if target.startswith(("http:/", "https:/")):
        target = target.replace(":/", "://", 1) if "://" not in target else target
        try:
            async with aiohttp.ClientSession() as session, session.get(target) as fetched:
                return Reply(fetched.status, [], await fetched.read())
        except (aiohttp.ClientError, TimeoutError) as exc:
            return Reply(502, [], str(exc).encode())
    return await call.forward()


@mutant(
    "error-bodies-leak",
    "an unknown route or method answers with a stack trace in plain text",
    "*",
    "* *",
)
async def bodies_leak(call: Call) -> Reply:
    answer = await call.forward()
    said = (
        str(((answer.json() or {}).get("error") or {}).get("message", ""))
        if answer.status in (404, 405)
        else ""
    )
    if said.startswith(("no route", f"{call.method} not allowed")):
        return Reply(answer.status, [("content-type", "text/plain")], TRACE.encode())
    return answer


@mutant(
    "headers-insecure",
    "answers name their server's version, allow any origin and drop nosniff",
    "*",
    "* *",
)
async def headers_insecure(call: Call) -> Reply:
    answer = (await call.forward()).without("x-content-type-options")
    answer.headers += [("server", "Python/3.11 aiohttp/3.14"), ("access-control-allow-origin", "*")]
    return answer


@mutant(
    "debug-route-exposed",
    "an undocumented /debug/ route serves the service's settings",
    "*",
    "GET /debug/",
)
async def debug_exposed(call: Call) -> Reply:
    return Reply(200, [], b"").with_json({"settings": {"debug": True, "service": call.service}})


@frame_mutant(
    "relay-passes-malformed",
    "the live relay passes on malformed updates from other services as they came",
    "api",
    "GET /ws/",
    reveals=("api WS receive user_update",),
)
def passes_malformed(state: dict[str, object], direction: str, text: str) -> list[str]:
    if direction == "receive" and '"user_update"' in text:
        odd = {"type": "user_update", "user_id": None, "data": {"x": [1, {"y": None}]}}
        return [json.dumps(odd), text]
    return [text]
