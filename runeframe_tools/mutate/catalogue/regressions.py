"""Regressions held out from the checks: committed before the property oracles and not
consulted while they were written, so the share of them killed measures what the suite
catches without having been told. Each is a kind of slip a team makes in practice:

- a value changed on its way in or out (text folded, a number rounded, a stale copy);
- a list filter that is not sound (returns what does not match) or not complete;
- pagination arithmetic on lists other than users;
- a protocol detail wrong in its arithmetic (rate-limit headers, Location, content types);
- a bound off by one, or a value past a bound accepted;
- an outcome the documented rules fix, reported differently;
- an operation several hundred milliseconds slower.
"""

from __future__ import annotations

import asyncio
import secrets
import unicodedata
from typing import Any
from urllib.parse import parse_qsl, urlencode

from ..mutants import answer_mutant, mutant
from ..proxy import Call, Reply, error_reply

Body = dict[str, Any]

USERS = "/api/v1/users/"
USER = "/api/v1/users/{user_id}/"


def _ascii_folded(text: str) -> str:
    """What a careless `unidecode`-style cleanup leaves: accents and marks stripped."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _query(call: Call) -> dict[str, str]:
    return dict(parse_qsl(call.query, keep_blank_values=True))


# values changed on the way in or out


@mutant(
    "user-name-folded",
    "a user's name is stored with its accents and combining marks stripped",
    "api",
    f"POST {USERS}",
    f"PATCH {USER}",
    held_out=True,
)
async def name_folded(call: Call) -> Reply:
    sent = call.json()
    if isinstance(sent, dict) and isinstance(sent.get("name"), str):
        return await call.forward(json_body={**sent, "name": _ascii_folded(sent["name"])})
    return await call.forward()


@mutant(
    "message-emoji-replaced",
    "a message's characters outside the Basic Multilingual Plane are stored as U+FFFD",
    "hoardwell",
    "POST /messages/",
    held_out=True,
)
async def emoji_replaced(call: Call) -> Reply:
    sent = call.json()
    if isinstance(sent, dict) and isinstance(sent.get("content"), str):
        content = "".join(c if ord(c) < 0x10000 else "\ufffd" for c in sent["content"])
        return await call.forward(json_body={**sent, "content": content})
    return await call.forward()


@mutant(
    "alert-message-latin1",
    "an alert's message is stored in Latin-1: what it cannot hold becomes '?'",
    "jonar",
    "POST /alerts/",
    held_out=True,
)
async def alert_latin1(call: Call) -> Reply:
    sent = call.json()
    if isinstance(sent, dict) and isinstance(sent.get("message"), str):
        message = sent["message"].encode("latin-1", "replace").decode("latin-1")
        return await call.forward(json_body={**sent, "message": message})
    return await call.forward()


def _round_prices(body: Body, call: Call) -> Body | None:
    data = body.get("data")
    items = data if isinstance(data, list) else [body]
    for item in items:
        if isinstance(item, dict) and isinstance(item.get("price_per_unit"), int | float):
            item["price_per_unit"] = float(round(item["price_per_unit"]))
    return body


answer_mutant(
    "listing-price-rounded",
    "a listing's price per unit reads back rounded to a whole coin",
    "mercatrix",
    "GET /listings/",
    "GET /listings/{listing_id}/",
    held_out=True,
)(_round_prices)


@answer_mutant(
    "users-list-stale-name",
    "the user list serves each user's name as first listed: updates never show there",
    "api",
    f"GET {USERS}",
    held_out=True,
)
def users_list_stale(body: Body, call: Call) -> Body | None:
    first: dict[str, str] = call.memory.setdefault("names", {})
    for user in body.get("data") or []:
        if isinstance(user, dict) and "id" in user:
            user["name"] = first.setdefault(user["id"], user.get("name", ""))
    return body


@answer_mutant(
    "transaction-type-defaulted",
    "a transaction read by its id says `payment`, whatever type it was written with",
    "mercatrix",
    "GET /transactions/{transaction_id}/",
    held_out=True,
)
def type_defaulted(body: Body, call: Call) -> Body | None:
    return {**body, "transaction_type": "payment"} if "transaction_type" in body else None


@answer_mutant(
    "event-reason-is-type",
    "events listed carry their type where their reason should be",
    "jonar",
    "GET /events/",
    held_out=True,
)
def reason_is_type(body: Body, call: Call) -> Body | None:
    for event in body.get("data") or []:
        if isinstance(event, dict) and "type" in event:
            event["reason"] = event["type"]
    return body


# filters


@mutant(
    "messages-type-filter-lost-with-user",
    "the messages' type filter is ignored when a user_id filter comes with it",
    "hoardwell",
    "GET /messages/",
    held_out=True,
)
async def type_filter_lost(call: Call) -> Reply:
    params = _query(call)
    if "user_id" in params and "type" in params:
        del params["type"]
        return await call.forward(query=urlencode(params))
    return await call.forward()


@mutant(
    "transactions-user-filter-payer-only",
    "transactions filtered by user_id list only those the user paid, not those paid to them",
    "mercatrix",
    "GET /transactions/",
    held_out=True,
)
async def payer_only(call: Call) -> Reply:
    answer = await call.forward()
    user = _query(call).get("user_id")
    body = answer.json() if answer.status == 200 else None
    if not user or not isinstance(body, dict):
        return answer
    body["data"] = [t for t in body.get("data") or [] if t.get("from_user") == user]
    return answer.with_json(body)


@mutant(
    "listings-status-filter-ignored",
    "the listings' status filter is ignored: withdrawn listings show as active",
    "mercatrix",
    "GET /listings/",
    held_out=True,
)
async def status_filter_ignored(call: Call) -> Reply:
    params = _query(call)
    params.pop("status", None)
    return await call.forward(query=urlencode(params))


@answer_mutant(
    "alerts-filter-drops-newest",
    "alerts filtered by component miss the newest match (an off-by-one limit)",
    "jonar",
    "GET /alerts/",
    held_out=True,
)
def drops_newest(body: Body, call: Call) -> Body | None:
    if "component" not in _query(call) or not body.get("data"):
        return None
    newest = max(body["data"], key=lambda a: str(a.get("created_at", "")))
    body["data"] = [a for a in body["data"] if a is not newest]
    return body


# pagination


@mutant(
    "events-pages-overlap",
    "each page of events after the first starts one item early: the previous page's last again",
    "jonar",
    "GET /events/",
    held_out=True,
)
async def pages_overlap(call: Call) -> Reply:
    params = _query(call)
    page, size = int(params.get("page", "1") or 1), int(params.get("per_page", "20") or 20)
    answer = await call.forward()
    body = answer.json() if answer.status == 200 else None
    if page < 2 or not isinstance(body, dict) or not body.get("data"):
        return answer
    before = await call.forward(query=urlencode({**params, "page": str(page - 1)}))
    previous = (before.json() or {}).get("data") or []
    if previous:
        body["data"] = [previous[-1], *body["data"]][:size]
    return answer.with_json(body)


@answer_mutant(
    "transactions-total-items-plus-one",
    "the transactions' pagination counts one item more than there is",
    "mercatrix",
    "GET /transactions/",
    held_out=True,
)
def total_plus_one(body: Body, call: Call) -> Body | None:
    pages = (body.get("meta") or {}).get("pagination")
    if not pages:
        return None
    pages["total_items"] += 1
    return body


# protocol arithmetic


@mutant(
    "ratelimit-reset-in-milliseconds",
    "X-RateLimit-Reset is announced in milliseconds, not seconds",
    "api",
    "* *",
    held_out=True,
)
async def reset_in_ms(call: Call) -> Reply:
    answer = await call.forward()
    reset = answer.header("x-ratelimit-reset")
    if reset is None or not reset.isdigit():
        return answer
    kept = [(k, v) for k, v in answer.headers if k.lower() != "x-ratelimit-reset"]
    return Reply(answer.status, [*kept, ("x-ratelimit-reset", str(int(reset) * 1000))], answer.body)


@mutant(
    "retry-after-zero",
    "a 429 tells the caller to retry at once (Retry-After: 0)",
    "api",
    "* *",
    held_out=True,
)
async def retry_after_zero(call: Call) -> Reply:
    answer = await call.forward()
    if answer.status != 429:
        return answer
    return Reply(
        answer.status, [*answer.without("retry-after").headers, ("retry-after", "0")], answer.body
    )


@mutant(
    "location-names-the-collection",
    "a created user's Location names the collection, not the user",
    "api",
    f"POST {USERS}",
    held_out=True,
)
async def location_collection(call: Call) -> Reply:
    answer = await call.forward()
    if answer.status != 201:
        return answer
    return Reply(201, [*answer.without("location").headers, ("location", USERS)], answer.body)


@mutant(
    "transfer-answered-as-text",
    "a transfer's answer says text/plain, though its body is JSON",
    "mercatrix",
    "POST /transactions/",
    held_out=True,
)
async def answered_as_text(call: Call) -> Reply:
    answer = await call.forward()
    kept = answer.without("content-type").headers
    return Reply(answer.status, [*kept, ("content-type", "text/plain; charset=utf-8")], answer.body)


# bounds


@mutant(
    "listing-quantity-sign-lost",
    "a listing of zero or fewer items is accepted, its quantity made positive",
    "mercatrix",
    "POST /listings/",
    held_out=True,
)
async def quantity_sign_lost(call: Call) -> Reply:
    sent = call.json()
    quantity = sent.get("quantity") if isinstance(sent, dict) else None
    if isinstance(quantity, int) and quantity <= 0:
        return await call.forward(json_body={**sent, "quantity": abs(quantity) or 1})
    return await call.forward()


@mutant(
    "transfer-of-nothing-accepted",
    "a transfer of 0 essence_coins is answered 201 as completed",
    "mercatrix",
    "POST /transactions/",
    held_out=True,
)
async def nothing_accepted(call: Call) -> Reply:
    sent = call.json()
    amount = sent.get("amount") if isinstance(sent, dict) else None
    try:
        zero = amount is not None and float(amount) == 0
    except (TypeError, ValueError):
        zero = False
    if not zero:
        return await call.forward()
    made = {
        "id": f"txn_{secrets.token_hex(6)}",
        "from_user": sent.get("from_user"),
        "to_user": sent.get("to_user"),
        "amount": 0.0,
        "currency": sent.get("currency", "essence_coins"),
        "transaction_type": sent.get("transaction_type", "payment"),
        "status": "completed",
        "error": None,
        "reference": None,
        "created_at": "2026-01-01T00:00:00.000Z",
    }
    return Reply(201, [], b"").with_json(made)


@mutant(
    "user-name-cut-to-fit",
    "a user's name past its maximum length is cut to fit and accepted, not refused",
    "api",
    f"POST {USERS}",
    held_out=True,
)
async def name_cut(call: Call) -> Reply:
    sent = call.json()
    if isinstance(sent, dict) and isinstance(sent.get("name"), str) and len(sent["name"]) > 200:
        return await call.forward(json_body={**sent, "name": sent["name"][:200]})
    return await call.forward()


@mutant(
    "messages-page-size-max-refused",
    "a page of messages at the largest size allowed is refused with 400 (off by one)",
    "hoardwell",
    "GET /messages/",
    held_out=True,
)
async def page_max_refused(call: Call) -> Reply:
    if _query(call).get("per_page") == "100":
        return error_reply(400, "validation_error", "per_page must be less than 100")
    return await call.forward()


# outcomes the rules fix


@answer_mutant(
    "simulation-miss-reported-as-success",
    "a completed simulation that missed its target reports success with the target",
    "distilera",
    "POST /simulations/{simulation_id}/complete/",
    "GET /simulations/{simulation_id}/",
    held_out=True,
)
def miss_as_success(body: Body, call: Call) -> Body | None:
    if body.get("status") != "completed" or body.get("success") is not False:
        return None
    return {**body, "success": True, "result": body.get("target_result")}


@mutant(
    "reward-short-paid",
    "a simulation's reward reaches Mercatrix a tenth short",
    "mercatrix",
    "POST /rewards/",
    side="peer",
    reveals=("mercatrix GET /accounts/{user_id}/", "mercatrix GET /transactions/"),
    held_out=True,
)
async def short_paid(call: Call) -> Reply:
    sent = call.json()
    if isinstance(sent, dict) and sent.get("amount") is not None:
        amount = f"{float(sent['amount']) * 0.9:.2f}"
        return await call.forward(json_body={**sent, "amount": amount})
    return await call.forward()


@answer_mutant(
    "marketplace-total-ignores-quantity",
    "the marketplace's total price of a listing is its price for one",
    "distilera",
    "GET /marketplace/",
    held_out=True,
)
def total_ignores_quantity(body: Body, call: Call) -> Body | None:
    for item in body.get("data") or []:
        if isinstance(item, dict) and "price_per_unit" in item:
            item["total_price"] = item["price_per_unit"]
    return body


# latency


@mutant(
    "transfer-slower",
    "every transfer takes 500 ms more",
    "mercatrix",
    "POST /transactions/",
    held_out=True,
)
async def transfer_slower(call: Call) -> Reply:
    await asyncio.sleep(0.5)
    return await call.forward()


@mutant(
    "message-post-slower",
    "every message posted takes 400 ms more",
    "hoardwell",
    "POST /messages/",
    held_out=True,
)
async def message_post_slower(call: Call) -> Reply:
    await asyncio.sleep(0.4)
    return await call.forward()
