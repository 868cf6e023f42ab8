"""A service's start and stop: migrations before the start-up steps, background work
running while it serves and stopped after, and the database and the peers' connections
closed however it ends, a failed start-up step or a failure while serving included."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest

from runeframe_stack.core.lifecycle import in_background, lifespan
from runeframe_stack.core.storage import SqliteDatabase


class Peers:
    closed = False

    async def close(self) -> None:
        self.closed = True


class Watched:
    """A database that says whether it is closed."""

    def __init__(self, path: Path) -> None:
        self.db = SqliteDatabase(path)
        self.closed = False

    def __getattr__(self, name: str) -> Any:
        return getattr(self.db, name)

    async def close(self) -> None:
        self.closed = True
        await self.db.close()


async def test_it_migrates_starts_runs_and_closes_in_that_order(tmp_path: Path) -> None:
    db, peers, seen = Watched(tmp_path / "s.sqlite3"), Peers(), []

    async def start() -> None:
        seen.append(("start", await db.fetch_value("SELECT COUNT(*) FROM things")))

    @asynccontextmanager
    async def running() -> AsyncIterator[None]:
        seen.append(("running", None))
        yield
        seen.append(("stopped", db.closed))

    span = lifespan(
        db, ["CREATE TABLE things (id TEXT)"], peers, on_start=[start], running=[running]
    )
    async with span(None):
        assert seen == [("start", 0), ("running", None)]
    assert seen[-1] == ("stopped", False)  # background work stops before the database closes
    assert db.closed and peers.closed


@pytest.mark.parametrize("fails", ["a start-up step", "serving"])
async def test_the_database_and_peers_close_however_it_ends(tmp_path: Path, fails: str) -> None:
    db, peers = Watched(tmp_path / "s.sqlite3"), Peers()

    async def start() -> None:
        if fails == "a start-up step":
            raise OSError("treasury unreachable")

    span = lifespan(db, [], peers, on_start=[start])
    with pytest.raises(OSError, match="treasury unreachable"):
        async with span(None):
            raise OSError("treasury unreachable")
    assert db.closed and peers.closed


async def test_background_work_runs_for_the_block_and_is_cancelled_after() -> None:
    ticks: list[int] = []

    async def work() -> None:
        while True:
            ticks.append(1)
            await asyncio.sleep(0.01)

    async with in_background(work()):
        await asyncio.sleep(0.05)
    counted = len(ticks)
    await asyncio.sleep(0.05)
    assert counted >= 2 and len(ticks) == counted
