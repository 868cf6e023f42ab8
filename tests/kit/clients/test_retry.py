"""Retries: what is safe to repeat is repeated on connection failures and 503s, within a
budget; a transfer always carries an idempotency key, so a retry never pays twice."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

import runeframe_nb as rf
from runeframe_nb import DistileraClient, MercatrixClient
from runeframe_nb.clients._retry import RetryPolicy
from runeframe_nb.errors import ApiError, ClientError

FAST = RetryPolicy(attempts=4, budget_seconds=5, first_wait=0.001, max_wait=0.01)
USERS = {"data": [], "meta": {"pagination": {}}, "links": {"next": None}}


def failing(times: int, then: Callable[[httpx.Request], httpx.Response]) -> httpx.MockTransport:
    """A service that refuses `times` connections, then answers with `then`."""
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if len(seen) <= times:
            raise httpx.ConnectError("connection refused", request=request)
        return then(request)

    transport = httpx.MockTransport(handler)
    transport.seen = seen  # type: ignore[attr-defined]
    return transport


def client(kind: type[rf.ServiceClient], transport: httpx.MockTransport) -> rf.ServiceClient:
    return kind(base_url="http://svc", transport=transport, token="t", retry=FAST)


async def test_a_read_is_retried_until_the_service_answers() -> None:
    transport = failing(2, lambda r: httpx.Response(200, json=USERS))
    users = await client(DistileraClient, transport).call("GET", "/users/")
    assert users == USERS and len(transport.seen) == 3  # type: ignore[attr-defined]


async def test_a_post_without_an_idempotency_key_is_never_repeated() -> None:
    transport = failing(1, lambda r: httpx.Response(201, json={}))
    with pytest.raises(ClientError, match=r"connection refused$"):
        await client(DistileraClient, transport).call("POST", "/users/", json={"name": "x"})
    assert len(transport.seen) == 1  # type: ignore[attr-defined]


async def test_a_spent_budget_is_one_clear_error_naming_the_attempts() -> None:
    transport = failing(100, lambda r: httpx.Response(200))
    with pytest.raises(ClientError) as failure:
        await client(DistileraClient, transport).call("GET", "/users/")
    assert str(failure.value) == (
        "distilera: GET /users/: connection refused (gave up after 4 attempts)"
    )


async def test_a_503_is_retried_and_a_lasting_one_is_reported_with_its_envelope() -> None:
    answers = iter([503, 503, 200])
    transport = httpx.MockTransport(lambda r: httpx.Response(next(answers), json=USERS))
    assert await client(DistileraClient, transport).call("GET", "/users/") == USERS
    envelope = {"error": {"code": "unavailable", "message": "draining"}}
    down = httpx.MockTransport(lambda r: httpx.Response(503, json=envelope))
    with pytest.raises(ApiError) as failure:
        await client(DistileraClient, down).call("GET", "/users/")
    assert failure.value.status == 503
    assert str(failure.value) == (
        "distilera GET /users/ after 4 attempts: 503 unavailable: draining"
    )


async def test_a_transfer_carries_an_idempotency_key_and_is_retried_with_the_same_one() -> None:
    order = {"from_user": "a", "to_user": "b", "amount": 1.0}
    reply = {
        "id": "txn_1",
        **order,
        "currency": "essence_coins",
        "transaction_type": "payment",
        "status": "completed",
        "created_at": "2026-01-01T00:00:00Z",
    }
    transport = failing(2, lambda r: httpx.Response(201, json=reply))
    await client(MercatrixClient, transport).process_transaction(order)  # type: ignore[attr-defined]
    keys = {r.headers["idempotency-key"] for r in transport.seen}  # type: ignore[attr-defined]
    assert len(transport.seen) == 3 and len(keys) == 1  # type: ignore[attr-defined]


class LosesFirstAnswer(httpx.AsyncHTTPTransport):
    """Carries each request to the real service, but loses the first answer on the way
    back: the service did the work, the client saw a broken connection."""

    def __init__(self) -> None:
        super().__init__()
        self.sent = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        reply = await super().handle_async_request(request)
        self.sent += 1
        if self.sent == 1:
            await reply.aread()
            raise httpx.ReadError("connection reset before the answer", request=request)
        return reply


async def test_a_transfer_whose_answer_was_lost_is_retried_and_pays_once(
    environment: rf.Environment,
) -> None:
    async with rf.DistileraClient() as distilera, rf.MercatrixClient() as mercatrix:
        payer = await distilera.create_user({"name": "Payer", "email": "payer@retry.example"})
        payee = await distilera.create_user({"name": "Payee", "email": "payee@retry.example"})
        before = (await mercatrix.get_user_balance(payer)).essence_coins
        lossy = LosesFirstAnswer()
        async with MercatrixClient(transport=lossy, retry=FAST) as flaky:
            order = {"from_user": payer.id, "to_user": payee.id, "amount": 12.5}
            paid = await flaky.process_transaction(order)
        assert lossy.sent == 2 and paid.status == "completed"
        assert (await mercatrix.get_user_balance(payer)).essence_coins == before - 12.5
        mine = await mercatrix.get_user_transactions(payer)
        assert [t.id for t in mine if t.transaction_type != "welcome_grant"] == [paid.id]
