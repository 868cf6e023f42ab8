"""Storage on SQLite and on PostgreSQL alike: $n placeholders, dict rows, atomic
transactions that serialize, versioned migrations, SQLite's number types."""

from __future__ import annotations

import asyncio
import collections
import contextlib
import itertools
from collections.abc import AsyncIterator

import pytest

from runeframe_stack.core.postgres import PostgresDatabase
from runeframe_stack.core.storage import Database, migrate

STEPS = [
    "CREATE TABLE t (seq INTEGER PRIMARY KEY AUTOINCREMENT, k TEXT UNIQUE, v INTEGER NOT NULL)",
    "ALTER TABLE t ADD w TEXT",
]


@pytest.fixture
async def db(database: Database) -> Database:
    await migrate(database, STEPS)
    return database


async def test_numbered_placeholders_and_dict_rows(db: Database) -> None:
    await db.execute("INSERT INTO t (k, v, w) VALUES ($1, $2, $1)", "a", 1)
    assert await db.fetch_one("SELECT k, v, w FROM t WHERE k = $1", "a") == {
        "k": "a",
        "v": 1,
        "w": "a",
    }
    assert await db.fetch_value("SELECT COUNT(*) FROM t") == 1


async def test_sums_are_integers_and_counts_come_back(db: Database) -> None:
    for key in "abc":
        await db.execute("INSERT INTO t (k, v) VALUES ($1, $2)", key, 10**10)
    total = await db.fetch_value("SELECT SUM(v) FROM t")
    assert total == 3 * 10**10 and isinstance(total, int)  # 64-bit: balances in cents
    assert await db.execute("UPDATE t SET v = 0 WHERE k <> $1", "a") == 2
    assert [r["seq"] for r in await db.fetch_all("SELECT seq FROM t ORDER BY seq")] == [1, 2, 3]


async def test_a_failed_transaction_leaves_nothing(db: Database) -> None:
    with pytest.raises(RuntimeError):
        async with db.transaction():
            await db.execute("INSERT INTO t (k, v) VALUES ('x', 1)")
            raise RuntimeError("abort")
    assert await db.fetch_all("SELECT * FROM t") == []


async def test_interleaved_transactions_never_see_half_done_work(db: Database) -> None:
    await db.execute("INSERT INTO t (k, v) VALUES ('total', 0)")

    async def add_one() -> None:
        async with db.transaction():
            value = await db.fetch_value("SELECT v FROM t WHERE k = 'total'")
            await asyncio.sleep(0)  # another task would interleave here
            await db.execute("UPDATE t SET v = $1 WHERE k = 'total'", value + 1)

    await asyncio.gather(*(add_one() for _ in range(50)))
    assert await db.fetch_value("SELECT v FROM t WHERE k = 'total'") == 50


async def test_migrations_run_once(db: Database) -> None:
    await migrate(db, STEPS)
    assert await db.fetch_value("SELECT MAX(version) FROM schema_migrations") == 2


class BargingPool:
    """A pool that, as asyncpg's does, hands a freed connection to whoever asks at once,
    ahead of the waiter it woke; its connections answer a query with its arguments."""

    def __init__(self, size: int) -> None:
        self.free = size
        self.waiting: collections.deque[asyncio.Future[None]] = collections.deque()

    @contextlib.asynccontextmanager
    async def acquire(self) -> AsyncIterator[BargingPool]:
        while self.free == 0:
            woken = asyncio.get_running_loop().create_future()
            self.waiting.append(woken)
            await woken
        self.free -= 1
        try:
            yield self
        finally:
            self.free += 1
            if self.waiting:
                self.waiting.popleft().set_result(None)

    async def fetchval(self, sql: str, *args: object) -> object:
        await asyncio.sleep(0)  # the round trip
        return args[0]


async def test_connections_are_served_first_come_first_served() -> None:
    """Thirty users asking again and again through two connections of a pool that lets a
    running request barge in: each request is served after at most the two in flight and
    those that asked before it, so nobody starves (without the gate some wait for ~100)."""
    database = PostgresDatabase("postgresql://unused", "svc", pool_size=2)
    database._pool = BargingPool(2)  # type: ignore[assignment]
    tickets = itertools.count()
    served: list[int] = []

    async def user() -> None:
        for _ in range(20):
            served.append(await database.fetch_value("SELECT $1", next(tickets)))

    await asyncio.gather(*(user() for _ in range(30)))
    # for each request: how many that asked after it were served before it
    overtaken = max(sum(1 for t in served[:n] if t > ticket) for n, ticket in enumerate(served))
    assert overtaken <= 2, f"a request was overtaken by {overtaken} that asked after it"
