"""SQLite storage: $n placeholders, dict rows, atomic transactions, versioned migrations."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from runeframe_stack.core.storage import SqliteDatabase, migrate

STEPS = ["CREATE TABLE t (k TEXT PRIMARY KEY, v INTEGER NOT NULL)", "ALTER TABLE t ADD w TEXT"]


@pytest.fixture
async def db(tmp_path: Path) -> SqliteDatabase:
    database = SqliteDatabase(tmp_path / "s.sqlite3")
    await migrate(database, STEPS)
    return database


async def test_numbered_placeholders_and_dict_rows(db: SqliteDatabase) -> None:
    await db.execute("INSERT INTO t (k, v, w) VALUES ($1, $2, $1)", "a", 1)
    assert await db.fetch_one("SELECT * FROM t WHERE k = $1", "a") == {"k": "a", "v": 1, "w": "a"}
    assert await db.fetch_value("SELECT COUNT(*) FROM t") == 1


async def test_a_failed_transaction_leaves_nothing(db: SqliteDatabase) -> None:
    with pytest.raises(RuntimeError):
        async with db.transaction():
            await db.execute("INSERT INTO t (k, v) VALUES ('x', 1)")
            raise RuntimeError("abort")
    assert await db.fetch_all("SELECT * FROM t") == []


async def test_interleaved_transactions_never_see_half_done_work(db: SqliteDatabase) -> None:
    await db.execute("INSERT INTO t (k, v) VALUES ('total', 0)")

    async def add_one() -> None:
        async with db.transaction():
            value = await db.fetch_value("SELECT v FROM t WHERE k = 'total'")
            await asyncio.sleep(0)  # another task would interleave here
            await db.execute("UPDATE t SET v = $1 WHERE k = 'total'", value + 1)

    await asyncio.gather(*(add_one() for _ in range(50)))
    assert await db.fetch_value("SELECT v FROM t WHERE k = 'total'") == 50


async def test_migrations_run_once(db: SqliteDatabase) -> None:
    await migrate(db, STEPS)
    assert await db.fetch_value("SELECT MAX(version) FROM schema_migrations") == 2
