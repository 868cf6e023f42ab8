"""A service's start and stop: migrate its database, run its background work, close it all."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

from starlette.applications import Starlette

from .peers import Peers
from .storage import Database, migrate


@asynccontextmanager
async def in_background(work: Coroutine[Any, Any, None]) -> AsyncIterator[None]:
    """Run `work` as a task for the duration of the block, then cancel it."""
    task = asyncio.create_task(work)
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


def lifespan(
    db: Database | None,
    migrations: Sequence[str],
    peers: Peers,
    *,
    on_start: Sequence[Callable[[], Awaitable[None]]] = (),
    running: Sequence[Callable[[], AbstractAsyncContextManager[None]]] = (),
) -> Callable[[Starlette], AbstractAsyncContextManager[None]]:
    """Migrate, run the start-up steps, keep `running` contexts open while serving; the
    peers' connections and the database close however it ends (a step that fails too)."""

    @asynccontextmanager
    async def span(app: Starlette) -> AsyncIterator[None]:
        try:
            if db is not None:
                await migrate(db, migrations)
            for step in on_start:
                await step()
            async with contextlib.AsyncExitStack() as stack:
                for context in running:
                    await stack.enter_async_context(context())
                yield
        finally:
            await peers.close()
            if db is not None:
                await db.close()

    return span
