"""Mutants of the edge's GraphQL: errors swallowed, nobody answered with an error, a
createUser that answers but does not create."""

from __future__ import annotations

import json
from typing import Any

from ...mutants import answer_mutant, mutant
from ...proxy import Call, Reply


def _asks(call: Call, field: str) -> bool:
    return field in str((call.json() or {}).get("query", ""))


@answer_mutant(
    "graphql-errors-swallowed",
    "createUser answers bad input with no user and no errors",
    "api",
    "POST /graphql/",
    statuses=(200,),
)
def errors_swallowed(body: dict[str, Any], call: Call) -> dict[str, Any] | None:
    made = (body.get("data") or {}).get("createUser")
    if not _asks(call, "createUser") or not isinstance(made, dict) or not made.get("errors"):
        return None
    return {**body, "data": {**body["data"], "createUser": {**made, "errors": []}}}


@answer_mutant(
    "graphql-unknown-user-error",
    "user(id) for nobody answers an error instead of null",
    "api",
    "POST /graphql/",
    statuses=(200,),
)
def nobody_error(body: dict[str, Any], call: Call) -> dict[str, Any] | None:
    if body.get("data") != {"user": None}:
        return None
    return {"data": None, "errors": [{"message": "user not found"}]}


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
