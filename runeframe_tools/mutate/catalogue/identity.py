"""Mutants of authentication and authorization: tokens that should not work, callers that
should be refused, permissions that lie. Most act on a refusal by sending the request
again as an admin, which is what a service that skipped the check would have done."""

from __future__ import annotations

import base64
import json
from typing import Any

from ..mutants import answer_mutant, mutant
from ..proxy import Call, Reply

SERVICES = ("api", "distilera", "hoardwell", "mercatrix", "jonar")


def _claims(token: str) -> dict[str, object]:
    try:
        part = token.split(".")[1]
        return dict(json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))))
    except (IndexError, ValueError):
        return {}


@mutant(
    "anonymous-allowed",
    "a request without a token is served as if it carried one",
    "*",
    "* *",
)
async def anonymous_allowed(call: Call) -> Reply:
    if call.header("authorization") is None and call.path not in ("/healthz", "/metrics"):
        return await call.forward(token=call.admin_token)
    return await call.forward()


@mutant(
    "token-signature-unchecked",
    "a token that fails verification (forged, unsigned, expired, revoked) is accepted",
    "*",
    "* *",
)
async def signature_unchecked(call: Call) -> Reply:
    answer = await call.forward()
    if answer.status == 401 and call.header("authorization"):
        return await call.forward(token=call.admin_token)
    return answer


@answer_mutant(
    "token-expiry-unchecked",
    "token verification ignores expiry: an expired token is valid",
    "*",
    "POST /auth/verify/",
    statuses=(200,),
)
def expiry_unchecked(body: dict[str, Any], call: Call) -> dict[str, Any] | None:
    reason = str(body.get("error") or "")
    if body.get("is_valid") or "expire" not in reason.lower():
        return None
    claims = _claims(str((call.json() or {}).get("token", "")))
    return {**body, "is_valid": True, "user_id": claims.get("sub"), "error": None}


@answer_mutant(
    "permission-check-lies",
    "a permission check allows what the caller may not do",
    "*",
    "POST /auth/permissions/check/",
    statuses=(200,),
)
def permission_lies(body: dict[str, Any], call: Call) -> dict[str, Any] | None:
    return {**body, "allowed": True} if body.get("allowed") is False else None


async def _as_admin_when_refused(call: Call) -> Reply:
    answer = await call.forward()
    if answer.status == 403:
        return await call.forward(token=call.admin_token)
    return answer


for _service in ("api", "distilera", "hoardwell", "mercatrix"):
    mutant(
        f"object-authz-missing-{_service}",
        f"{_service} serves one user's objects to another (no ownership check)",
        _service,
        "* *",
    )(_as_admin_when_refused)

mutant(
    "function-authz-missing-jonar",
    "jonar lets a plain user deploy, alert and report (no role check)",
    "jonar",
    "* *",
)(_as_admin_when_refused)
