"""Mutants of Mercatrix: money that moves twice or not at all, replays paid again,
balances read from a stale copy, grants paid twice, refusals with the wrong status."""

from __future__ import annotations

import secrets

from ..mutants import mutant
from ..proxy import Call, Reply


@mutant(
    "transfer-double-applied",
    "a transfer is applied twice: the payer pays double",
    "mercatrix",
    "POST /transactions/",
)
async def double_applied(call: Call) -> Reply:
    first = await call.forward()
    if first.status >= 400:
        return first
    body = call.json() or {}
    body.pop("idempotency_key", None)
    headers = [(k, v) for k, v in call.headers if k.lower() != "idempotency-key"]
    await call.forward(headers=headers, json_body=body)
    return first


@mutant(
    "transfer-acknowledged-not-applied",
    "a transfer is answered 201 but never applied: the money does not move",
    "mercatrix",
    "POST /transactions/",
)
async def not_applied(call: Call) -> Reply:
    sent = call.json() or {}
    made = {
        "id": f"txn_{secrets.token_hex(6)}",
        "from_user": sent.get("from_user"),
        "to_user": sent.get("to_user"),
        "amount": sent.get("amount"),
        "currency": "essence_coins",
        "transaction_type": sent.get("transaction_type", "payment"),
        "status": "completed",
        "error": None,
        "reference": None,
        "created_at": "2026-01-01T00:00:00.000Z",
    }
    return Reply(201, [], b"").with_json(made)


@mutant(
    "reward-idempotency-ignored",
    "a reward sent again under the same reference is paid again",
    "mercatrix",
    "POST /rewards/",
)
async def reward_replayed(call: Call) -> Reply:
    sent = call.json() or {}
    if "reference" in sent:
        sent["reference"] = f"{sent['reference']}:{secrets.token_hex(4)}"
    return await call.forward(json_body=sent)


@mutant(
    "balance-stale",
    "a user's balance is served from the first copy read, never refreshed",
    "mercatrix",
    "GET /accounts/{user_id}/",
)
async def stale_balance(call: Call) -> Reply:
    kept: dict[str, Reply] = call.memory.setdefault("balances", {})
    if call.path in kept:
        return kept[call.path]
    answer = await call.forward()
    if answer.status == 200:
        kept[call.path] = answer
    return answer


@mutant(
    "welcome-grant-repaid",
    "opening an account that exists pays the welcome grant again",
    "mercatrix",
    "POST /accounts/",
)
async def grant_repaid(call: Call) -> Reply:
    answer = await call.forward()
    user = (call.json() or {}).get("user_id")
    if answer.status == 200 and user:
        grant = {
            "from_user": "treasury",
            "to_user": user,
            "amount": 100.0,
            "transaction_type": "welcome_grant",
        }
        await call.forward(path="/transactions/", json_body=grant, token=call.admin_token)
        return await call.forward(method="GET", path=f"/accounts/{user}/", body=b"")
    return answer


@mutant(
    "insufficient-funds-400",
    "an unaffordable transfer is refused with 400 instead of 409",
    "mercatrix",
    "POST /transactions/",
)
async def funds_400(call: Call) -> Reply:
    answer = await call.forward()
    return Reply(400, answer.headers, answer.body) if answer.status == 409 else answer


@mutant(
    "reward-lost",
    "Distilera's reward never reaches Mercatrix, though the delivery is acknowledged",
    "mercatrix",
    "POST /rewards/",
    side="peer",
    reveals=("mercatrix GET /transactions/", "mercatrix GET /accounts/{user_id}/"),
)
async def reward_lost(call: Call) -> Reply:
    return Reply(201, [], b"").with_json({"id": f"txn_{secrets.token_hex(6)}"})


@mutant(
    "listing-withdrawal-ignored",
    "withdrawing a listing answers 204 and leaves it on the market",
    "mercatrix",
    "DELETE /listings/{listing_id}/",
)
async def withdrawal_ignored(call: Call) -> Reply:
    return Reply(204, [], b"")
