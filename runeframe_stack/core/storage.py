"""Storage behind every service: one small async interface, SQLite by default.

SQL is written once with numbered `$1` placeholders (PostgreSQL's style); the SQLite
backend rewrites them to `?1`. Each service owns its own database (a file per service
in the data directory, or a schema per service in PostgreSQL: postgres.py), so no
service can read another's tables.

SQLite calls are microseconds long, so they run on the event loop directly: a thread
hop would cost more than the query. A transaction holds an asyncio lock so that
coroutines interleaving on the one connection never see each other's half-done work.
"""

from __future__ import annotations

import asyncio
import contextvars
import re
import sqlite3
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from .registry import Registry

if TYPE_CHECKING:
    from .settings import StackSettings

Row = dict[str, Any]
_PLACEHOLDER = re.compile(r"\$(\d+)")


class Database(Protocol):
    async def execute(self, sql: str, *args: Any) -> int: ...
    async def fetch_one(self, sql: str, *args: Any) -> Row | None: ...
    async def fetch_all(self, sql: str, *args: Any) -> list[Row]: ...
    async def fetch_value(self, sql: str, *args: Any) -> Any: ...
    def transaction(self) -> Any: ...
    async def close(self) -> None: ...


def _dicts(cursor: sqlite3.Cursor, rows: list[Any]) -> list[Row]:
    """Rows as dicts, the column names read once per query rather than once per row."""
    if not rows:
        return []
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in rows]


def _lower(text: str | None) -> str | None:
    return None if text is None else text.lower()


class SqliteDatabase:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA synchronous=NORMAL")
        self._conn.execute("PRAGMA busy_timeout=5000")
        self._conn.execute("PRAGMA foreign_keys=ON")
        # SQLite's own lower() folds ASCII alone; PostgreSQL's folds every script, and a
        # search must find the same rows on both
        self._conn.create_function("lower", 1, _lower, deterministic=True)
        self._lock = asyncio.Lock()
        self._in_tx: contextvars.ContextVar[bool] = contextvars.ContextVar("in_tx", default=False)
        self._sql: dict[str, str] = {}

    def _translate(self, sql: str) -> str:
        cached = self._sql.get(sql)
        if cached is None:
            cached = self._sql[sql] = _PLACEHOLDER.sub(r"?\1", sql)
        return cached

    async def _wait_outside_tx(self) -> None:
        if self._lock.locked() and not self._in_tx.get():
            async with self._lock:
                pass

    async def _run(self, sql: str, args: tuple[Any, ...]) -> sqlite3.Cursor:
        await self._wait_outside_tx()
        return self._conn.execute(self._translate(sql), args)

    async def execute(self, sql: str, *args: Any) -> int:
        return (await self._run(sql, args)).rowcount

    async def fetch_one(self, sql: str, *args: Any) -> Row | None:
        cursor = await self._run(sql, args)
        row = cursor.fetchone()
        return None if row is None else _dicts(cursor, [row])[0]

    async def fetch_all(self, sql: str, *args: Any) -> list[Row]:
        cursor = await self._run(sql, args)
        return _dicts(cursor, cursor.fetchall())

    async def fetch_value(self, sql: str, *args: Any) -> Any:
        row = (await self._run(sql, args)).fetchone()
        return None if row is None else row[0]

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[None]:
        if self._in_tx.get():  # nested: part of the outer transaction
            yield
            return
        async with self._lock:
            token = self._in_tx.set(True)
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            else:
                self._conn.execute("COMMIT")
            finally:
                self._in_tx.reset(token)

    async def close(self) -> None:
        self._conn.close()


async def migrate(db: Database, migrations: Sequence[str]) -> None:
    """Apply the service's versioned schema steps that this database has not seen."""
    async with db.transaction():  # one process of a service migrates, the others wait
        await db.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY)"
        )
        done = await db.fetch_value("SELECT COALESCE(MAX(version), 0) FROM schema_migrations")
        for version, step in enumerate(migrations, start=1):
            if version <= done:
                continue
            for statement in filter(str.strip, step.split(";")):
                await db.execute(statement)
            await db.execute("INSERT INTO schema_migrations (version) VALUES ($1)", version)


async def insert_once(db: Database, table: str, row: dict[str, Any]) -> tuple[Row, bool]:
    """Insert `row` unless one with its id exists; the stored row, and whether it is new.

    What idempotent receivers use: a retried delivery finds the first and changes nothing.
    """
    columns = ", ".join(row)
    marks = ", ".join(f"${n}" for n in range(1, len(row) + 1))
    created = await db.execute(
        f"INSERT INTO {table} ({columns}) VALUES ({marks}) ON CONFLICT (id) DO NOTHING",
        *row.values(),
    )
    stored = await db.fetch_one(f"SELECT * FROM {table} WHERE id = $1", row["id"])
    assert stored is not None
    return stored, created > 0


DATABASES: Registry[Callable[[StackSettings, str], Database]] = Registry("database")


@DATABASES.register("sqlite")
def _sqlite(settings: StackSettings, service: str) -> Database:
    return SqliteDatabase(settings.require_data_dir() / f"{service}.sqlite3")


@DATABASES.register("postgresql", "postgres")
def _postgres(settings: StackSettings, service: str) -> Database:
    from .postgres import PostgresDatabase  # asyncpg, only for a stack that uses it

    assert settings.database_url is not None
    return PostgresDatabase(settings.database_url, settings.schema_of(service))


def open_database(settings: StackSettings, service: str) -> Database:
    """The service's database: its schema in PostgreSQL when the settings give a
    database URL, else its own SQLite file in the data directory."""
    return DATABASES.for_url(settings.database_url, "sqlite")(settings, service)
