"""The ledger: a refused transfer is recorded with a typed refusal, answered again the
same on a replay, and a database written before refusals had a column of their own
reads as it did."""

from __future__ import annotations

from typing import Any

from runeframe_stack.core.storage import Database, migrate
from runeframe_stack.mercatrix.ledger import (
    MIGRATIONS,
    TREASURY,
    Ledger,
    Outcome,
    Refusal,
    public_transaction,
)


class Messages:
    """A notifier that keeps what it is told."""

    def __init__(self) -> None:
        self.sent: list[str] = []

    async def message(self, event: str, text: str, **ids: Any) -> None:
        self.sent.append(text)


async def test_a_refusal_is_typed_and_a_replay_answers_it_again(database: Database) -> None:
    await migrate(database, MIGRATIONS)
    ledger = Ledger(database, Messages())  # type: ignore[arg-type]
    await ledger.ensure_treasury(10)
    assert await ledger.open_account("ada", 5)
    refused = await ledger.transfer("ada", TREASURY, 600, "purchase", idempotency_key="k1")
    assert (refused.refusal, refused.reason) == (
        Refusal.INSUFFICIENT_FUNDS,
        "ada has 5.00, needs 6.00",
    )
    assert refused.transaction["error"] == "insufficient_funds: ada has 5.00, needs 6.00"
    replay = await ledger.transfer("ada", TREASURY, 600, "purchase", idempotency_key="k1")
    assert (replay.created, replay.refusal, replay.reason) == (
        False,
        refused.refusal,
        refused.reason,
    )
    missing = await ledger.transfer("nobody", "ada", 1, "gift")
    assert (missing.refusal, missing.reason) == (Refusal.ACCOUNT_NOT_FOUND, "no account for nobody")
    done = await ledger.transfer("ada", TREASURY, 500, "purchase")
    assert (done.refusal, done.reason, done.transaction["error"]) == (None, None, None)


async def test_refusals_written_as_text_before_the_column_existed_read_the_same(
    database: Database,
) -> None:
    await migrate(database, MIGRATIONS[:1])
    columns = (
        "id, from_user, to_user, amount, currency, transaction_type, status, error, created_at"
    )
    for n, error in enumerate(
        [
            "insufficient_funds: ada has 0.00, needs 1.00",
            "account_not_found: no account for zoë",
            None,
        ]
    ):
        await database.execute(
            f"INSERT INTO transactions ({columns}) VALUES ($1, 'a', 'b', 1, 'c', 't', $2, $3, 'x')",
            f"txn{n}",
            "failed" if error else "completed",
            error,
        )
    await migrate(database, MIGRATIONS)
    rows = await database.fetch_all("SELECT * FROM transactions ORDER BY id")
    read = [(r["refusal"], r["error"]) for r in rows]
    assert read == [
        ("insufficient_funds", "ada has 0.00, needs 1.00"),
        ("account_not_found", "no account for zoë"),
        (None, None),
    ]
    assert public_transaction(rows[1])["error"] == "account_not_found: no account for zoë"
    assert Outcome.of(rows[0], created=False).refusal is Refusal.INSUFFICIENT_FUNDS
