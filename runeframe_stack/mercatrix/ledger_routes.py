"""Accounts, transfers and rewards over HTTP: what the ledger does, with who may ask for it."""

from __future__ import annotations

import hashlib
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field
from starlette.responses import Response

from ..core.errors import ApiError, BadRequest, Conflict, Forbidden, NotFound
from ..core.outbox import Outbox
from ..core.pagination import Page, PageQuery
from ..core.routing import Call, Routes, endpoint, json
from .ledger import (
    TREASURY,
    Ledger,
    Refusal,
    TransactionQuery,
    cents,
    public_account,
    public_transaction,
)

Amount = Annotated[Decimal, Field(gt=0, le=1_000_000_000, max_digits=12, decimal_places=2)]
UserRef = Annotated[str, Field(min_length=1, max_length=64)]
_KIND = r"^[a-z][a-z0-9_]{0,39}$"
# the answer to each refusal
_REFUSALS: dict[Refusal, type[ApiError]] = {
    Refusal.INSUFFICIENT_FUNDS: Conflict,
    Refusal.ACCOUNT_NOT_FOUND: NotFound,
}


class NewTransaction(BaseModel):
    model_config = ConfigDict(extra="forbid")

    from_user: UserRef
    to_user: UserRef
    amount: Amount
    currency: Literal["essence_coins"] = "essence_coins"
    transaction_type: str = Field("payment", pattern=_KIND)
    idempotency_key: str | None = Field(None, min_length=8, max_length=128)


class NewReward(BaseModel):
    model_config = ConfigDict(extra="forbid")

    user_id: UserRef
    amount: Amount
    reason: str = Field("reward", pattern=_KIND)
    reference: str = Field(min_length=1, max_length=200)


class NewAccount(BaseModel):
    model_config = ConfigDict(extra="forbid")

    user_id: UserRef


class Transaction(BaseModel):
    id: str
    from_user: str
    to_user: str
    amount: float
    currency: str
    transaction_type: str
    status: Literal["completed", "failed"]
    error: str | None
    reference: str | None
    created_at: str


class Balance(BaseModel):
    user_id: str
    essence_coins: float
    currency: str
    created_at: str
    updated_at: str


class LedgerSummary(BaseModel):
    accounts: int
    total_essence_coins: float
    treasury_essence_coins: float
    completed_transactions: int
    failed_transactions: int


class LedgerRoutes(Routes):
    tag = "economy"

    def __init__(self, ledger: Ledger, outbox: Outbox, welcome_grant: float) -> None:
        self.ledger = ledger
        self.outbox = outbox
        self.welcome_grant = welcome_grant

    @endpoint(
        "POST",
        "/accounts/",
        body=NewAccount,
        responses={201: Balance, 200: Balance},
        access="trusted",
    )
    async def open_account(self, call: Call) -> Response:
        """Open a user's account with the welcome grant from the treasury, once."""
        user_id = call.body.user_id
        if user_id == TREASURY:
            raise Forbidden("the treasury is not a user account")
        opened = await self.ledger.open_account(user_id, self.welcome_grant)
        await self.outbox.handed_over()
        row = await self.ledger.balance(user_id)
        assert row is not None
        return json(public_account(row), status=201 if opened else 200)

    @endpoint("GET", "/accounts/", query=PageQuery, responses={200: Page[Balance]}, access="admin")
    async def list_accounts(self, call: Call) -> Response:
        """Every account and its balance, the treasury included."""
        return json(await self.ledger.accounts(call.request, call.query))

    @endpoint("GET", "/accounts/{user_id}/", responses={200: Balance}, access="user")
    async def getpublic_account(self, call: Call) -> Response:
        """A user's balance: for the user, or an admin."""
        user_id = call.path["user_id"]
        call.require_self_or_admin(user_id)
        row = await self.ledger.balance(user_id)
        if row is None:
            raise NotFound(f"no account for {user_id}")
        return json(public_account(row))

    @endpoint("GET", "/ledger/", responses={200: LedgerSummary}, access="trusted")
    async def ledger_summary(self, call: Call) -> Response:
        """The sum over all accounts, which no transfer changes."""
        return json(await self.ledger.summary())

    @endpoint(
        "POST",
        "/transactions/",
        body=NewTransaction,
        responses={201: Transaction, 200: Transaction},
        access="user",
    )
    async def process_transaction(self, call: Call) -> Response:
        """Transfer essence_coins; refused transfers are recorded as failed and answered 4xx.

        An `Idempotency-Key` header (or `idempotency_key` field) makes a retry safe: the
        same key returns the first outcome and never pays twice.
        """
        new: NewTransaction = call.body
        call.require_self_or_admin(new.from_user)
        if new.from_user == new.to_user:
            raise BadRequest("from_user and to_user must differ")
        if TREASURY in (new.from_user, new.to_user) and not call.require_identity().is_trusted:
            raise Forbidden("only the system moves treasury funds")
        header_key = call.request.headers.get("idempotency-key")
        if header_key and new.idempotency_key and header_key != new.idempotency_key:
            raise BadRequest("Idempotency-Key header and idempotency_key field differ")
        key = new.idempotency_key or header_key
        fingerprint = hashlib.sha256(
            new.model_dump_json(exclude={"idempotency_key"}).encode()
        ).hexdigest()
        outcome = await self.ledger.transfer(
            new.from_user,
            new.to_user,
            cents(new.amount),
            new.transaction_type,
            idempotency_key=key,
            request_hash=fingerprint if key else None,
        )
        await self.outbox.handed_over()
        transaction = outcome.transaction
        if outcome.refusal is not None:
            raise _REFUSALS[outcome.refusal](
                outcome.reason or "",
                code=outcome.refusal.value,
                details={"transaction_id": transaction["id"]},
            )
        return json(transaction, status=201 if outcome.created else 200)

    @endpoint(
        "POST",
        "/rewards/",
        body=NewReward,
        responses={201: Transaction, 200: Transaction},
        access="trusted",
    )
    async def pay_reward(self, call: Call) -> Response:
        """Pay a reward from the treasury, once per reference (a replay pays nothing)."""
        new: NewReward = call.body
        outcome = await self.ledger.transfer(
            TREASURY, new.user_id, cents(new.amount), new.reason, reference=new.reference
        )
        await self.outbox.handed_over()
        if outcome.refusal is not None and outcome.created:
            raise _REFUSALS[outcome.refusal](outcome.reason or "", code=outcome.refusal.value)
        return json(outcome.transaction, status=201 if outcome.created else 200)

    @endpoint(
        "GET",
        "/transactions/",
        query=TransactionQuery,
        responses={200: Page[Transaction]},
        access="user",
    )
    async def list_transactions(self, call: Call) -> Response:
        """Transactions, oldest first; a user sees those they pay or receive."""
        query: TransactionQuery = call.query
        identity = call.require_identity()
        if query.user_id and not identity.may_act_for(query.user_id):
            raise Forbidden("a user may list only their own transactions")
        party = query.user_id if identity.is_trusted else identity.user_id
        return json(await self.ledger.transactions(call.request, query, party))

    @endpoint("GET", "/transactions/{transaction_id}/", responses={200: Transaction}, access="user")
    async def get_transaction(self, call: Call) -> Response:
        """One transaction, for its parties and admins."""
        transaction_id = call.path["transaction_id"]
        row = await self.ledger.transaction(transaction_id)
        identity = call.require_identity()
        if not identity.is_trusted and identity.user_id not in (row["from_user"], row["to_user"]):
            raise Forbidden("only the parties see a transaction")
        return json(public_transaction(row))
