"""Stack fixtures: the process table, read from /proc, for tests that kill and count
services and replicas; an empty database on SQLite and on PostgreSQL alike; Distilera's
and Mercatrix's clients on the session's stack, and a user made for a test; one service
served in the test's own event loop, started and stopped as its process would be."""

from __future__ import annotations

import os
import secrets
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import orjson
import pytest

import runeframe_nb as rf
from runeframe_process import any_free_port
from runeframe_stack.core.postgres import PostgresDatabase, drop_database
from runeframe_stack.core.settings import SERVICES, StackSettings
from runeframe_stack.core.storage import Database, SqliteDatabase
from runeframe_stack.serve import build

SERVER = os.environ.get("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


class ProcessTable:
    @staticmethod
    def children_of(pid: int) -> list[int]:
        found = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                except OSError:
                    continue
                if int(fields[1]) == pid:
                    found.append(int(entry.name))
        return found

    @staticmethod
    def alive(pid: int) -> bool:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            return False
        return state != "Z"

    def wait_gone(self, pids: list[int], timeout: float = 15) -> list[int]:
        """The pids still alive after up to `timeout` seconds."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and any(self.alive(p) for p in pids):
            time.sleep(0.1)
        return [p for p in pids if self.alive(p)]

    @classmethod
    def running(cls, marker: str) -> list[int]:
        """The live processes whose command line holds `marker`."""
        found = []
        for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
            try:
                if marker.encode() in cmdline.read_bytes():
                    found.append(int(cmdline.parent.name))
            except OSError:
                continue
        return [pid for pid in found if cls.alive(pid)]

    def command_line(self, pid: int) -> list[bytes]:
        try:
            return Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        except OSError:
            return []


@pytest.fixture
def processes() -> ProcessTable:
    return ProcessTable()


@pytest.fixture(params=["sqlite", "postgres"])
async def database(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Database]:
    """An empty database of each kind, dropped afterwards (PostgreSQL skips where it is
    not running, but never in CI)."""
    db: Database
    if request.param == "sqlite":
        db = SqliteDatabase(tmp_path / "test.sqlite3")
    else:
        url = SERVER.rsplit("/", 1)[0] + f"/runeframe_test_{secrets.token_hex(3)}"
        db = PostgresDatabase(url, "svc")
        try:
            await db.fetch_value("SELECT 1")  # creates the database
        except (OSError, asyncpg.PostgresError):
            if os.environ.get("CI") == "true":
                raise
            pytest.skip("PostgreSQL is not running")
    yield db
    await db.close()
    if request.param == "postgres":
        await drop_database(url)


@pytest.fixture
async def postgres_url() -> AsyncIterator[str]:
    """A fresh PostgreSQL database's URL (made on first use), dropped afterwards; skipped
    where PostgreSQL is not running, but never in CI."""
    try:
        probe = await asyncpg.connect(SERVER, timeout=2)
    except (OSError, asyncpg.PostgresError):
        if os.environ.get("CI") == "true":
            raise
        pytest.skip("PostgreSQL is not running")
    await probe.close()
    url = SERVER.rsplit("/", 1)[0] + f"/runeframe_test_{secrets.token_hex(3)}"
    yield url
    await drop_database(url)


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest) -> str | None:
    """No URL (a service's own SQLite file), then a fresh PostgreSQL database's."""
    if request.param == "sqlite":
        return None
    url: str = request.getfixturevalue("postgres_url")
    return url


async def new_user(distilera: rf.DistileraClient, label: str) -> rf.models.User:
    email = f"{label}-{uuid.uuid4().hex[:10]}@runeframe.example"
    return await distilera.create_user({"name": label.title(), "email": email})


@pytest.fixture
async def distilera(environment: rf.Environment) -> AsyncIterator[rf.DistileraClient]:
    async with rf.DistileraClient() as client:
        yield client


@pytest.fixture
async def mercatrix(environment: rf.Environment) -> AsyncIterator[rf.MercatrixClient]:
    async with rf.MercatrixClient() as client:
        yield client


ADMIN = "admin-token"


def alone(
    data_dir: Path, database_url: str | None = None, tokens: dict[str, Any] | None = None
) -> StackSettings:
    """Settings for one service on its own (on SQLite in `data_dir`, or the PostgreSQL
    database named), knowing the admin's token and `tokens`: its peers at a port nothing
    listens on."""
    away = f"http://127.0.0.1:{any_free_port()}"
    return StackSettings(
        data_dir=data_dir,
        database_url=database_url,
        static_tokens={ADMIN: {"user_id": "root", "roles": ["admin"]}, **(tokens or {})},
        urls=dict.fromkeys(SERVICES, away),
    )


@asynccontextmanager
async def serving(service: str, settings: StackSettings) -> AsyncIterator[httpx.AsyncClient]:
    """`service` built, started (migrations, background work) and stopped around a client
    that calls it through ASGI with the admin's token."""
    app = build(service, settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        headers = {"Authorization": f"Bearer {ADMIN}"}
        async with httpx.AsyncClient(
            transport=transport, base_url=f"http://{service}", headers=headers
        ) as http:
            yield http


PAGES_WALKED = 100  # a listing whose `next` never ends fails here, not at the timeout


async def every_page(http: httpx.AsyncClient, path: str, per_page: int, **query: str) -> list[str]:
    """The ids a listing gives, walked page by page through its `next` links' numbers."""
    ids: list[str] = []
    for page in range(1, PAGES_WALKED + 1):
        params = {**query, "per_page": per_page, "page": page}
        reply = (await http.get(path, params=params)).json()
        ids += [item["id"] for item in reply["data"]]
        if reply["links"]["next"] is None:
            return ids
    raise AssertionError(f"{path} still links a next page after {PAGES_WALKED}")


async def outbox(data_dir: Path, service: str, to: str) -> list[dict[str, Any]]:
    """What `service` (on SQLite in `data_dir`, its peers away) holds for `to`, in order."""
    db = SqliteDatabase(data_dir / f"{service}.sqlite3")
    try:
        rows = await db.fetch_all("SELECT service, body FROM outbox ORDER BY id")
    finally:
        await db.close()
    return [orjson.loads(r["body"]) for r in rows if r["service"] == to]
