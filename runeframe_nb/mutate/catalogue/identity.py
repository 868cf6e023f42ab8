"""Mutants of authentication and authorization: tokens that should not work, callers that
should be refused, permissions that lie. Most act on a refusal by sending the request
again as an admin, which is what a service that skipped the check would have done."""

from __future__ import annotations

import base64
import json

from ..mutants import mutant
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


@mutant(
    "token-expiry-unchecked",
    "token verification ignores expiry: an expired token is valid",
    "*",
    "POST /auth/verify/",
)
async def expiry_unchecked(call: Call) -> Reply:
    answer = await call.forward()
    body, sent = answer.json(), call.json() or {}
    if answer.status == 200 and isinstance(body, dict) and not body.get("is_valid"):
        reason = str(body.get("error") or body.get("reason") or "")
        if "expire" in reason.lower():
            claims = _claims(str(sent.get("token", "")))
            return answer.with_json(
                {**body, "is_valid": True, "user_id": claims.get("sub"), "error": None}
            )
    return answer


@mutant(
    "permission-check-lies",
    "a permission check allows what the caller may not do",
    "*",
    "POST /auth/permissions/check/",
)
async def permission_lies(call: Call) -> Reply:
    answer = await call.forward()
    body = answer.json()
    if answer.status == 200 and isinstance(body, dict) and body.get("allowed") is False:
        return answer.with_json({**body, "allowed": True})
    return answer


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
