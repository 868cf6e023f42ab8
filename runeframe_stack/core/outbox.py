"""Notifications to other services, stored with the change that caused them.

A service adds a notification (a message for Hoardwell, a reward for Mercatrix, an alert
for Jonar) in the same database transaction as its own change, then delivers it right
after commit, so a reader sees it at once. If the peer is down, delivery is retried in
the background until it succeeds: a crash or an outage delays a notification, never
loses it. Receivers are idempotent on the notification's key, so a retried delivery
whose first reply was lost does no harm.
"""

from __future__ import annotations

import asyncio
import logging
from contextlib import AbstractAsyncContextManager
from typing import Any

import orjson

from .errors import ApiError
from .lifecycle import in_background
from .peers import Peers
from .storage import Database

log = logging.getLogger("runeframe_stack.outbox")

MIGRATION = """
CREATE TABLE outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    service TEXT NOT NULL,
    path TEXT NOT NULL,
    body TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT
)
"""
RETRY_SECONDS = 1.0
_FINAL = frozenset({400, 401, 403, 404, 409, 413, 422})  # the peer will never take it


class Outbox:
    def __init__(self, db: Database, peers: Peers) -> None:
        self.db = db
        self.peers = peers
        self._lock = asyncio.Lock()

    async def add(self, service: str, path: str, body: dict[str, Any]) -> None:
        """Queue a notification; call inside the transaction that makes the change."""
        await self.db.execute(
            "INSERT INTO outbox (service, path, body) VALUES ($1, $2, $3)",
            service,
            path,
            orjson.dumps(body).decode(),
        )

    async def flush(self) -> int:
        """Deliver what is pending, oldest first; returns how many are still pending."""
        async with self._lock:
            rows = await self.db.fetch_all("SELECT * FROM outbox ORDER BY id LIMIT 200")
            for row in rows:
                try:
                    reply = await self.peers.request(
                        row["service"], "POST", row["path"], json=orjson.loads(row["body"])
                    )
                except ApiError as exc:  # peer unreachable: keep it, try again later
                    await self._failed(row["id"], exc.message)
                    break
                if reply.status >= 500 or reply.status == 429:
                    await self._failed(row["id"], f"{row['service']} answered {reply.status}")
                    break
                if reply.status in _FINAL:
                    log.error(
                        "%s refused %s %s: %s",
                        row["service"],
                        row["path"],
                        row["body"],
                        reply.body[:200],
                    )
                await self.db.execute("DELETE FROM outbox WHERE id = $1", row["id"])
            pending = await self.db.fetch_value("SELECT COUNT(*) FROM outbox")
            return int(pending)

    async def _failed(self, row_id: int, error: str) -> None:
        await self.db.execute(
            "UPDATE outbox SET attempts = attempts + 1, last_error = $2 WHERE id = $1",
            row_id,
            error,
        )

    async def _retry_forever(self) -> None:
        while True:
            await asyncio.sleep(RETRY_SECONDS)
            try:
                await self.flush()
            except Exception:  # a retry loop that dies would lose every later delivery
                log.exception("outbox delivery failed")

    def running(self) -> AbstractAsyncContextManager[None]:
        """Retry pending deliveries in the background while the service runs."""
        return in_background(self._retry_forever())
