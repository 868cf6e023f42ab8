"""Mercatrix: balances, transfers, rewards and market listings."""

from __future__ import annotations

import uuid
from typing import Any

from ..models import Balance, Entity, LedgerSummary, Listing, Transaction, id_of
from ._service import ServiceClient


class MercatrixClient(ServiceClient):
    service = "mercatrix"

    async def process_transaction(
        self, transaction_data: dict[str, Any], idempotency_key: str | None = None
    ) -> Transaction:
        """Transfer essence_coins; a refusal raises ApiError naming the failed record.

        Every transfer carries an idempotency key (a fresh one unless given), so a retry
        after a lost answer returns the first outcome and never pays twice."""
        headers = {"Idempotency-Key": idempotency_key or f"rf-{uuid.uuid4().hex}"}
        return await self.fetch(
            Transaction, "POST", "/transactions/", json=transaction_data, headers=headers
        )

    async def get_user_balance(self, user_id: Entity | str) -> Balance:
        return await self.fetch(Balance, "GET", f"/accounts/{id_of(user_id)}/")

    async def get_transaction(self, transaction_id: Entity | str) -> Transaction:
        return await self.fetch(Transaction, "GET", f"/transactions/{id_of(transaction_id)}/")

    async def query_transactions(self, **filters: Any) -> list[Transaction]:
        return await self.collect(Transaction, "/transactions/", since=self.since, **filters)

    async def get_user_transactions(self, user_id: Entity | str) -> list[Transaction]:
        return await self.query_transactions(user_id=id_of(user_id))

    async def get_all_transactions(self) -> list[Transaction]:
        return await self.query_transactions()

    async def get_failed_transactions(self) -> list[Transaction]:
        return await self.query_transactions(status="failed")

    async def create_market_listing(self, listing_data: dict[str, Any]) -> Listing:
        return await self.fetch(Listing, "POST", "/listings/", json=listing_data)

    async def get_listing(self, listing_id: Entity | str) -> Listing:
        return await self.fetch(Listing, "GET", f"/listings/{id_of(listing_id)}/")

    async def withdraw_listing(self, listing_id: Entity | str) -> None:
        await self.call("DELETE", f"/listings/{id_of(listing_id)}/")

    async def get_listings(self, **filters: Any) -> list[Listing]:
        return await self.collect(Listing, "/listings/", **filters)

    async def open_account(self, user_id: Entity | str) -> Balance:
        return await self.fetch(Balance, "POST", "/accounts/", json={"user_id": id_of(user_id)})

    async def pay_reward(
        self, user_id: Entity | str, amount: float, reference: str, reason: str = "reward"
    ) -> Transaction:
        body = {
            "user_id": id_of(user_id),
            "amount": amount,
            "reference": reference,
            "reason": reason,
        }
        return await self.fetch(Transaction, "POST", "/rewards/", json=body)

    async def get_ledger_summary(self) -> LedgerSummary:
        return await self.fetch(LedgerSummary, "GET", "/ledger/")

    async def get_all_balances(self) -> list[Balance]:
        return await self.collect(Balance, "/accounts/")
