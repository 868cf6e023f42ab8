"""A bank, in the spirit of Jepsen's: concurrent transfers between many accounts while a
service is killed with SIGKILL and restarted, on the storage the profile names: SQLite on
the embedded profile, PostgreSQL on the ci profile (CI runs both, the second 12 times
as RUNEFRAME_BANK_KILLS says); 6 times by default.

Every transfer is one of: acknowledged (completed), refused (a definite 4xx), or unknown
(the connection broke or the retry budget ran out). Unknown ones are resolved afterwards
by sending them again with their idempotency key, which answers the first outcome if
there was one. Then the ledger must hold exactly the completed transfers, no refused one
moved money, every balance follows from its transfers, the total is what it was, and
every completed transfer's message reached Hoardwell."""

from __future__ import annotations

import asyncio
import os
import random
import secrets
import signal
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import httpx
import pytest

from runeframe_nb import HoardwellClient, MercatrixClient
from runeframe_nb.clients._retry import RetryPolicy
from runeframe_nb.errors import ApiError, ClientError
from runeframe_nb.stack import EmbeddedStack

if TYPE_CHECKING:
    from conftest import ProcessTable

ACCOUNTS = 12
WORKERS = 8
KILLS = int(os.environ.get("RUNEFRAME_BANK_KILLS", "6"))
TOKEN = "bank-admin"
SETTINGS = {
    "static_tokens": {TOKEN: {"user_id": "bank", "roles": ["admin", "user"]}},
    "rate_limit_overrides": {"bank": {"requests": 10**9, "window_seconds": 60}},
    "restart_limit": KILLS + 5,
}
# short budgets, so that some transfers do end unknown while the service is down
IMPATIENT = RetryPolicy(attempts=2, budget_seconds=1.0, first_wait=0.02, max_wait=0.2)
SERVER = os.environ.get("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


@dataclass
class Transfer:
    source: str
    target: str
    amount: float
    key: str = field(default_factory=lambda: f"bank-{uuid.uuid4().hex}")
    outcome: str = "unknown"  # completed | refused | unknown
    transaction_id: str | None = None


# the profile's storage: one run on each is the README's command's and CI's third pass's
STORAGE = "postgres" if os.environ.get("RUNEFRAME_PROFILE") == "ci" else "sqlite"


@pytest.fixture(params=[STORAGE])
def bank(request: pytest.FixtureRequest) -> Iterator[EmbeddedStack]:
    settings = dict(SETTINGS)
    if request.param == "postgres":
        database = SERVER.rsplit("/", 1)[0] + f"/runeframe_bank_{secrets.token_hex(3)}"
        settings["database_url"] = database
        if not _postgres_up() and os.environ.get("CI") != "true":
            pytest.skip("PostgreSQL is not running")
    with EmbeddedStack(settings) as stack:
        yield stack
    if request.param == "postgres":
        from runeframe_stack.core.postgres import drop_database

        asyncio.run(drop_database(database))


def _postgres_up() -> bool:
    import socket

    try:
        socket.create_connection(("127.0.0.1", 5432), timeout=1).close()
    except OSError:
        return False
    return True


def service_pid(stack: EmbeddedStack, name: str, processes: ProcessTable) -> int:
    assert stack.process is not None
    for pid in processes.children_of(stack.process.pid):
        command = b" ".join(processes.command_line(pid))
        if b"serve " + name.encode() in command:
            return pid
    raise LookupError(f"{name} is not running")


async def wait_healthy(url: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    async with httpx.AsyncClient(timeout=1) as client:
        while time.monotonic() < deadline:
            try:
                if (await client.get(f"{url}/healthz")).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            await asyncio.sleep(0.05)
    raise TimeoutError(f"{url} did not come back")


async def kill_repeatedly(
    stack: EmbeddedStack, victim: str, rng: random.Random, processes: ProcessTable
) -> int:
    kills = 0
    for _ in range(KILLS):
        await wait_healthy(stack.urls[victim])
        await asyncio.sleep(rng.uniform(0.1, 0.4))  # let transfers reach it
        os.kill(service_pid(stack, victim, processes), signal.SIGKILL)
        kills += 1
        await asyncio.sleep(0.3)  # the supervisor notices within 0.2 s
    await wait_healthy(stack.urls[victim])
    return kills


async def attempt(client: MercatrixClient, transfer: Transfer) -> None:
    order = {"from_user": transfer.source, "to_user": transfer.target, "amount": transfer.amount}
    try:
        done = await client.process_transaction(order, idempotency_key=transfer.key)
    except ApiError as exc:
        if 400 <= exc.status < 500 and exc.code == "insufficient_funds":
            transfer.outcome = "refused"
        return  # 5xx or a spent budget: unknown
    except ClientError:
        return
    transfer.outcome, transfer.transaction_id = "completed", done.id


async def transfer_until(
    client: MercatrixClient, accounts: list[str], stop: asyncio.Event, seed: int
) -> list[Transfer]:
    rng = random.Random(seed)
    made = []
    while not stop.is_set():
        source, target = rng.sample(accounts, 2)
        transfer = Transfer(source, target, rng.choice([1.0, 7.5, 20.0, 45.0]))
        made.append(transfer)
        await attempt(client, transfer)
        if transfer.outcome == "unknown":
            await asyncio.sleep(0.05)  # the service is down: do not pile up untried orders
    return made


@pytest.mark.parametrize("victim", ["mercatrix", "hoardwell"])
async def test_no_acknowledged_transfer_is_lost_and_no_money_appears_or_vanishes(
    bank: EmbeddedStack, victim: str, processes: ProcessTable
) -> None:
    urls = bank.urls
    client_args: dict[str, Any] = {"base_url": urls["mercatrix"], "token": TOKEN}
    async with MercatrixClient(**client_args) as steady:
        accounts = [f"acct_{n:02d}_{uuid.uuid4().hex[:6]}" for n in range(ACCOUNTS)]
        for account in accounts:
            await steady.open_account(account)
        start = await steady.get_ledger_summary()

        stop = asyncio.Event()
        async with MercatrixClient(**client_args, retry=IMPATIENT) as impatient:
            workers = [
                asyncio.create_task(transfer_until(impatient, accounts, stop, seed))
                for seed in range(WORKERS)
            ]
            kills = await kill_repeatedly(bank, victim, random.Random(victim), processes)
            stop.set()
            transfers = [t for done in await asyncio.gather(*workers) for t in done]

        unknown = [t for t in transfers if t.outcome == "unknown"]
        for transfer in unknown:  # the same key again: the first outcome, or now
            await attempt(steady, transfer)
        assert all(t.outcome != "unknown" for t in transfers)

        ledger = await steady.get_all_transactions()
        ours = {t.id: t for t in ledger if t.transaction_type == "payment"}
        completed = {t.transaction_id for t in transfers if t.outcome == "completed"}
        refused = [t for t in transfers if t.outcome == "refused"]
        balances = {b.user_id: b.essence_coins for b in await steady.get_all_balances()}
        end = await steady.get_ledger_summary()

    counts = Counter(t.outcome for t in transfers)
    print(
        f"\nbank ({victim} killed {kills}x): {len(transfers)} transfers, "
        f"{counts['completed']} completed, {counts['refused']} refused, "
        f"{len(unknown)} unknown until resolved; money before {start.total_essence_coins:,.2f},"
        f" after {end.total_essence_coins:,.2f}"
    )
    assert kills == KILLS
    assert counts["completed"] > 0 and counts["refused"] > 0  # both kinds were exercised
    # every acknowledged transfer is there, and nothing else moved money
    assert {i for i, t in ours.items() if t.status == "completed"} == completed
    assert all(t.transaction_id not in completed for t in refused)
    # each balance follows from its welcome grant and its completed transfers
    for account in accounts:
        moved = sum(
            t.amount if t.to_user == account else -t.amount
            for t in ours.values()
            if t.status == "completed" and account in (t.from_user, t.to_user)
        )
        assert balances[account] == pytest.approx(100.0 + moved), account
    assert end.total_essence_coins == start.total_essence_coins

    # every completed transfer's message reached Hoardwell (delivered through the outbox)
    async with HoardwellClient(base_url=urls["hoardwell"], token=TOKEN) as hoardwell:
        deadline = time.monotonic() + 30
        while True:
            told = await hoardwell.query_messages(type="transaction_processed")
            missing = completed - {m.transaction_id for m in told}
            if not missing or time.monotonic() > deadline:
                break
            await asyncio.sleep(0.5)
    assert not missing, f"{len(missing)} completed transfers never reached Hoardwell"
