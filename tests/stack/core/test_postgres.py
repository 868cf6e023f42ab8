"""PostgreSQL behind the services' Database interface, on a fresh database: created on
first use, each service's tables in a schema of its own, SQLite's schema steps and
numbers as PostgreSQL's, and a read-check-write transaction atomic across two processes'
pools: concurrent debits never overdraw."""

from __future__ import annotations

import asyncio

import asyncpg

from runeframe_stack.core.postgres import PostgresDatabase, drop_schemas
from runeframe_stack.core.storage import migrate

TABLE = "CREATE TABLE things (seq INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT, cents INTEGER)"


async def test_each_service_keeps_its_own_tables_in_a_database_made_on_first_use(
    postgres_url: str,
) -> None:
    first, second = (
        PostgresDatabase(postgres_url, "first"),
        PostgresDatabase(postgres_url, "second"),
    )
    try:
        for db, name in ((first, "Ærø"), (second, "σοφία")):
            await migrate(db, [TABLE])
            await db.execute("INSERT INTO things (name, cents) VALUES ($1, $2)", name, 2**40)
        assert await first.fetch_all("SELECT seq, name, cents FROM things") == [
            {"seq": 1, "name": "Ærø", "cents": 2**40}
        ]
        assert await second.fetch_value("SELECT name FROM things") == "σοφία"
    finally:
        await first.close()
        await second.close()
    await drop_schemas(postgres_url, ["first", "second"])
    conn = await asyncpg.connect(postgres_url)
    try:
        schemas = await conn.fetch(
            "SELECT nspname FROM pg_namespace WHERE nspname IN ('first', 'second')"
        )
    finally:
        await conn.close()
    assert schemas == []


async def test_a_read_check_write_is_atomic_across_processes(postgres_url: str) -> None:
    pools = [PostgresDatabase(postgres_url, "bank", pool_size=4) for _ in range(2)]
    try:
        await migrate(pools[0], ["CREATE TABLE account (id TEXT PRIMARY KEY, cents INTEGER)"])
        await pools[0].execute("INSERT INTO account VALUES ('a', 1000)")

        async def debit(db: PostgresDatabase) -> bool:
            async with db.transaction():
                balance = await db.fetch_value("SELECT cents FROM account WHERE id = 'a'")
                await asyncio.sleep(0)  # let the other process try to read the same balance
                if balance < 150:
                    return False
                await db.execute("UPDATE account SET cents = $1 WHERE id = 'a'", balance - 150)
                return True

        done = await asyncio.gather(*(debit(pools[i % 2]) for i in range(20)))
        assert sum(done) == 6
        assert await pools[1].fetch_value("SELECT cents FROM account") == 1000 - 6 * 150
    finally:
        for db in pools:
            await db.close()
