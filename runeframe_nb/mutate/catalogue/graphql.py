"""Mutants of the edge's GraphQL: errors swallowed, nobody answered with an error, a
createUser that answers but does not create."""

from __future__ import annotations

import json

from ..mutants import mutant
from ..proxy import Call, Reply


def _asks(call: Call, field: str) -> bool:
    return field in str((call.json() or {}).get("query", ""))


@mutant(
    "graphql-errors-swallowed",
    "createUser answers bad input with no user and no errors",
    "api",
    "POST /graphql/",
)
async def errors_swallowed(call: Call) -> Reply:
    answer = await call.forward()
    body = answer.json() if answer.status == 200 and _asks(call, "createUser") else None
    made = (body.get("data") or {}).get("createUser") if isinstance(body, dict) else None
    if isinstance(body, dict) and isinstance(made, dict) and made.get("errors"):
        body["data"]["createUser"] = {**made, "errors": []}
        return answer.with_json(body)
    return answer


@mutant(
    "graphql-unknown-user-error",
    "user(id) for nobody answers an error instead of null",
    "api",
    "POST /graphql/",
)
async def nobody_error(call: Call) -> Reply:
    answer = await call.forward()
    body = answer.json() if answer.status == 200 else None
    if isinstance(body, dict) and body.get("data") == {"user": None}:
        return answer.with_json({"data": None, "errors": [{"message": "user not found"}]})
    return answer


@mutant(
    "graphql-create-not-stored",
    "createUser answers with a user it never stored",
    "api",
    "POST /graphql/",
)
async def create_not_stored(call: Call) -> Reply:
    if not _asks(call, "createUser"):
        return await call.forward()
    sent = call.json() or {}
    given = (sent.get("variables") or {}).get("input") or {}
    user = {
        "id": f"usr_{abs(hash(json.dumps(given, sort_keys=True))) % 10**12:012d}",
        "name": given.get("name"),
        "email": given.get("email"),
    }
    return Reply(200, [], b"").with_json({"data": {"createUser": {"user": user, "errors": []}}})
