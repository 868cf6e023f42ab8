"""The ledger: every movement of essence_coins is a transfer between two accounts.

Amounts are integer cents. A transfer is one database transaction that debits, credits
and records it, or records it as failed and moves nothing, so the sum over all accounts
(the treasury included) never changes and no balance goes below zero. Welcome grants and
rewards are transfers from the treasury, made once per reference.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any, Literal

from pydantic import Field
from starlette.requests import Request

from ..contracts.notify import Notifier
from ..core.clock import now_iso
from ..core.errors import Conflict
from ..core.ids import new_id
from ..core.listing import Where, by_id, page_of
from ..core.pagination import PageQuery, SinceQuery
from ..core.storage import Database, Row

TREASURY = "treasury"
CURRENCY = "essence_coins"
MIGRATIONS = [
    """
    CREATE TABLE accounts (
        user_id TEXT PRIMARY KEY,
        balance INTEGER NOT NULL CHECK (balance >= 0),
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );
    CREATE TABLE transactions (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        from_user TEXT NOT NULL,
        to_user TEXT NOT NULL,
        amount INTEGER NOT NULL,
        currency TEXT NOT NULL,
        transaction_type TEXT NOT NULL,
        status TEXT NOT NULL,
        error TEXT,
        reference TEXT UNIQUE,
        idempotency_key TEXT UNIQUE,
        request_hash TEXT,
        created_at TEXT NOT NULL
    );
    CREATE INDEX transactions_from ON transactions (from_user);
    CREATE INDEX transactions_to ON transactions (to_user);
    CREATE INDEX transactions_status ON transactions (status)
    """,
    # why a transfer moved nothing, in a column of its own: `error` keeps the reason alone
    """
    ALTER TABLE transactions ADD COLUMN refusal TEXT;
    UPDATE transactions SET refusal = 'insufficient_funds',
        error = substr(error, length('insufficient_funds: ') + 1)
        WHERE error LIKE 'insufficient_funds: %';
    UPDATE transactions SET refusal = 'account_not_found',
        error = substr(error, length('account_not_found: ') + 1)
        WHERE error LIKE 'account_not_found: %'
    """,
]


class Refusal(StrEnum):
    """Why a transfer moved nothing: the error code the API answers a refused one with."""

    INSUFFICIENT_FUNDS = "insufficient_funds"
    ACCOUNT_NOT_FOUND = "account_not_found"


def cents(amount: Decimal | float) -> int:
    return int((Decimal(str(amount)) * 100).to_integral_exact())


def coins(amount_cents: int) -> float:
    return amount_cents / 100


class TransactionQuery(SinceQuery):
    user_id: str | None = Field(None, max_length=64)
    status: Literal["completed", "failed"] | None = None
    transaction_type: str | None = Field(None, max_length=40)


def public_account(row: Row) -> dict[str, Any]:
    return {
        "user_id": row["user_id"],
        "essence_coins": coins(row["balance"]),
        "currency": CURRENCY,
        "created_at": row["created_at"],
        "updated_at": row["updated_at"],
    }


def public_transaction(row: Row) -> dict[str, Any]:
    return {
        "id": row["id"],
        "from_user": row["from_user"],
        "to_user": row["to_user"],
        "amount": coins(row["amount"]),
        "currency": row["currency"],
        "transaction_type": row["transaction_type"],
        "status": row["status"],
        "error": f"{row['refusal']}: {row['error']}" if row["refusal"] else row["error"],
        "reference": row["reference"],
        "created_at": row["created_at"],
    }


@dataclass(frozen=True)
class Outcome:
    """A transfer as recorded: made now (`created`) or earlier, refused or not, and why."""

    transaction: dict[str, Any]
    created: bool
    refusal: Refusal | None = None
    reason: str | None = None

    @classmethod
    def of(cls, row: Row, created: bool) -> Outcome:
        refusal = Refusal(row["refusal"]) if row["refusal"] else None
        return cls(public_transaction(row), created, refusal, row["error"])


class Ledger:
    def __init__(self, db: Database, notify: Notifier) -> None:
        self.db = db
        self.notify = notify

    async def ensure_treasury(self, supply: float) -> None:
        stamp = now_iso()
        await self.db.execute(
            "INSERT INTO accounts (user_id, balance, created_at, updated_at)"
            " VALUES ($1, $2, $3, $3) ON CONFLICT (user_id) DO NOTHING",
            TREASURY,
            cents(supply),
            stamp,
        )

    async def summary(self) -> dict[str, Any]:
        """Accounts, the sum over them (the treasury's part apart) and transfers by outcome."""
        row = await self.db.fetch_one(
            "SELECT COUNT(*) AS accounts, COALESCE(SUM(balance), 0) AS total,"
            " COALESCE(SUM(balance) FILTER (WHERE user_id = $1), 0) AS treasury FROM accounts",
            TREASURY,
        )
        counts = await self.db.fetch_one(
            "SELECT COUNT(*) FILTER (WHERE status = 'completed') AS completed,"
            " COUNT(*) FILTER (WHERE status = 'failed') AS failed FROM transactions"
        )
        assert row is not None and counts is not None
        return {
            "accounts": row["accounts"],
            "total_essence_coins": coins(row["total"]),
            "treasury_essence_coins": coins(row["treasury"]),
            "completed_transactions": counts["completed"],
            "failed_transactions": counts["failed"],
        }

    async def balance(self, user_id: str) -> Row | None:
        return await self.db.fetch_one("SELECT * FROM accounts WHERE user_id = $1", user_id)

    async def accounts(self, request: Request, query: PageQuery) -> dict[str, Any]:
        """One page of every account, the treasury included, by user id."""
        every = Where()
        return await page_of(
            self.db, request, query, "accounts", every, public_account, order="user_id"
        )

    async def transactions(
        self, request: Request, query: TransactionQuery, party: str | None
    ) -> dict[str, Any]:
        """One page of the transactions the query names (those `party` pays or receives, if
        named), oldest first."""
        where = Where().equals(status=query.status, transaction_type=query.transaction_type)
        if party is not None:
            where.add("(from_user = {} OR to_user = {})", party, party)
        where.since(query)
        return await page_of(self.db, request, query, "transactions", where, public_transaction)

    async def transaction(self, transaction_id: str) -> Row:
        """One transaction's row, or NotFound."""
        return await by_id(self.db, "transactions", transaction_id, "transaction")

    async def open_account(self, user_id: str, grant: float) -> bool:
        """Open an account with the welcome grant; False if it was open already."""
        async with self.db.transaction():
            stamp = now_iso()
            opened = await self.db.execute(
                "INSERT INTO accounts (user_id, balance, created_at, updated_at)"
                " VALUES ($1, 0, $2, $2) ON CONFLICT (user_id) DO NOTHING",
                user_id,
                stamp,
            )
            if opened and grant > 0:
                await self.transfer(
                    TREASURY, user_id, cents(grant), "welcome_grant", reference=f"welcome:{user_id}"
                )
        return bool(opened)

    async def _existing(
        self, reference: str | None, idempotency_key: str | None, request_hash: str | None
    ) -> Outcome | None:
        row = None
        if reference is not None:
            row = await self.db.fetch_one(
                "SELECT * FROM transactions WHERE reference = $1", reference
            )
        elif idempotency_key is not None:
            row = await self.db.fetch_one(
                "SELECT * FROM transactions WHERE idempotency_key = $1", idempotency_key
            )
            if row is not None and row["request_hash"] != request_hash:
                raise Conflict(
                    f"idempotency key {idempotency_key} was used for a different request",
                    code="idempotency_conflict",
                )
        if row is None:
            return None
        return Outcome.of(row, created=False)

    async def transfer(
        self,
        from_user: str,
        to_user: str,
        amount: int,
        transaction_type: str,
        *,
        reference: str | None = None,
        idempotency_key: str | None = None,
        request_hash: str | None = None,
    ) -> Outcome:
        """Move `amount` cents, or record why not; a known reference or key returns the first."""
        async with self.db.transaction():
            earlier = await self._existing(reference, idempotency_key, request_hash)
            if earlier is not None:
                return earlier
            source = await self.balance(from_user)
            target = await self.balance(to_user)
            refusal, error = None, None
            if source is None:
                refusal, error = Refusal.ACCOUNT_NOT_FOUND, f"no account for {from_user}"
            elif target is None:
                refusal, error = Refusal.ACCOUNT_NOT_FOUND, f"no account for {to_user}"
            elif source["balance"] < amount:
                refusal = Refusal.INSUFFICIENT_FUNDS
                error = f"{from_user} has {coins(source['balance']):.2f}, needs {coins(amount):.2f}"
            stamp = now_iso()
            if error is None:
                for user, delta in ((from_user, -amount), (to_user, amount)):
                    await self.db.execute(
                        "UPDATE accounts SET balance = balance + $2, updated_at = $3"
                        " WHERE user_id = $1",
                        user,
                        delta,
                        stamp,
                    )
            transaction_id = new_id("txn")
            status = "failed" if error else "completed"
            await self.db.execute(
                "INSERT INTO transactions (id, from_user, to_user, amount, currency,"
                " transaction_type, status, refusal, error, reference, idempotency_key,"
                " request_hash, created_at)"
                " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
                transaction_id,
                from_user,
                to_user,
                amount,
                CURRENCY,
                transaction_type,
                status,
                refusal,
                error,
                reference,
                idempotency_key,
                request_hash,
                stamp,
            )
            event = "transaction_failed" if error else "transaction_processed"
            detail = f"{coins(amount):.2f} {CURRENCY} {from_user} -> {to_user} ({transaction_type})"
            await self.notify.message(
                event,
                f"{event} {transaction_id}: {detail}" + (f"; {refusal}: {error}" if error else ""),
                transaction_id=transaction_id,
                user_id=from_user,
                counterparty_id=to_user,
            )
            row = await self.db.fetch_one(
                "SELECT * FROM transactions WHERE id = $1", transaction_id
            )
            assert row is not None
            return Outcome.of(row, created=True)
