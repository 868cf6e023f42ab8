"""Notifications to other services, stored with the change that caused them.

A service adds a notification (a message for Hoardwell, a reward for Mercatrix, an alert
for Jonar) in the same database transaction as its own change, then delivers it right
after commit, so a reader sees it at once. A delivery that fails (the peer is down,
answers 5xx or 429, or resets the connection) is tried again after an exponential
backoff with full jitter, in the background: a crash or an outage delays a
notification, never loses it.

Notifications about the same subject (a user, say: the account is opened before the
reward is paid) are delivered in the order they were made; a failed one holds back only
those behind it on its subject, never the rest of the queue. Each delivery carries an
`Idempotency-Key` naming its row, and receivers are idempotent on the notification's
own id, so a retried delivery whose first reply was lost does no harm.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import time
from collections import defaultdict
from contextlib import AbstractAsyncContextManager
from typing import Any

import orjson

from .errors import ApiError
from .lifecycle import in_background
from .peers import Peers
from .storage import Database, Row

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
# when a failed delivery is due again, and the subject that orders it among the others
RETRY_MIGRATION = """
ALTER TABLE outbox ADD COLUMN next_attempt_at DOUBLE PRECISION NOT NULL DEFAULT 0;
ALTER TABLE outbox ADD COLUMN subject TEXT
"""
FIRST_BACKOFF = 0.05  # seconds before the first retry, at most (full jitter)
MAX_BACKOFF = 2.0
IDLE_SECONDS = 1.0  # how often the background loop looks when nothing is due
BATCH = 200
_FINAL = frozenset({400, 401, 403, 404, 409, 413, 422})  # the peer will never take it
# most specific first: a transaction's messages are ordered among themselves, not behind
# every other movement of the treasury that pays it
_SUBJECT_FIELDS = (
    "transaction_id",
    "simulation_id",
    "coordination_id",
    "collaboration_id",
    "user_id",
)


def backoff(attempts: int) -> float:
    """Seconds before attempt `attempts + 1`: full jitter over an exponential ceiling."""
    return random.uniform(0, min(MAX_BACKOFF, FIRST_BACKOFF * 2 ** (attempts - 1)))


def subject_of(body: dict[str, Any]) -> str | None:
    """What orders a notification among others: the most specific reference it carries."""
    return next((str(body[f]) for f in _SUBJECT_FIELDS if body.get(f)), None)


class Outbox:
    def __init__(self, db: Database, peers: Peers) -> None:
        self.db = db
        self.peers = peers
        self._in_flight: dict[int, asyncio.Future[None]] = {}  # row id: its run's delivery
        self._wake = asyncio.Event()

    async def add(self, service: str, path: str, body: dict[str, Any]) -> None:
        """Queue a notification; call inside the transaction that makes the change."""
        await self.db.execute(
            "INSERT INTO outbox (service, path, body, subject) VALUES ($1, $2, $3, $4)",
            service,
            path,
            orjson.dumps(body).decode(),
            subject_of(body),
        )

    def _due(self, rows: list[Row], now: float) -> list[list[Row]]:
        """The rows to deliver now, in runs per subject: a row waits while an earlier row
        of its subject is pending (not yet due, or being delivered elsewhere)."""
        held: set[str] = set()
        runs: dict[str | int, list[Row]] = defaultdict(list)
        for row in rows:
            subject = row["subject"]
            if subject is not None and subject in held:
                continue
            if row["id"] in self._in_flight or row["next_attempt_at"] > now:
                if subject is not None:
                    held.add(subject)
                continue
            runs[subject if subject is not None else -row["id"]].append(row)
        return list(runs.values())

    async def flush(self) -> int:
        """Deliver what is due, each subject's in order and the subjects side by side,
        and wait for deliveries already under way, so that whatever was pending when it
        was called has been tried when it returns; how many are still pending."""
        under_way = set(self._in_flight.values())
        rows = await self.db.fetch_all("SELECT * FROM outbox ORDER BY id LIMIT $1", BATCH)
        runs = self._due(rows, time.time())
        deliveries = [asyncio.ensure_future(self._deliver_run(run)) for run in runs]
        for run, delivery in zip(runs, deliveries, strict=True):
            self._in_flight.update(dict.fromkeys((row["id"] for row in run), delivery))
        try:
            await asyncio.gather(*deliveries, *under_way)
        finally:
            for run in runs:
                for row in run:
                    self._in_flight.pop(row["id"], None)
        pending = await self.db.fetch_value("SELECT COUNT(*) FROM outbox")
        return int(pending)

    async def _deliver_run(self, run: list[Row]) -> None:
        for row in run:
            if not await self._deliver(row):
                return  # the rest of this subject waits behind it

    async def _deliver(self, row: Row) -> bool:
        """One delivery; True when the row is done with (delivered, or refused for good)."""
        headers = {**self.peers.own_headers, "idempotency-key": f"outbox-{row['id']}"}
        try:
            reply = await self.peers.request(
                row["service"], "POST", row["path"], json=orjson.loads(row["body"]), headers=headers
            )
        except ApiError as exc:  # unreachable, reset, timed out
            await self._failed(row, exc.message)
            return False
        if reply.status >= 500 or reply.status == 429:
            await self._failed(row, f"{row['service']} answered {reply.status}")
            return False
        if reply.status in _FINAL:
            log.error(
                "%s refused %s %s: %s", row["service"], row["path"], row["body"], reply.body[:200]
            )
        await self.db.execute("DELETE FROM outbox WHERE id = $1", row["id"])
        return True

    async def _failed(self, row: Row, error: str) -> None:
        attempts = row["attempts"] + 1
        await self.db.execute(
            "UPDATE outbox SET attempts = $2, last_error = $3, next_attempt_at = $4 WHERE id = $1",
            row["id"],
            attempts,
            error,
            time.time() + backoff(attempts),
        )
        self._wake.set()

    async def _pause(self) -> float:
        """Seconds until a pending row may be delivered: 0 when one is due now, else until
        the earliest retry falls due (at most IDLE_SECONDS)."""
        rows = await self.db.fetch_all("SELECT * FROM outbox ORDER BY id LIMIT $1", BATCH)
        now = time.time()
        if self._due(rows, now):
            return 0.0
        later = [float(r["next_attempt_at"]) - now for r in rows if r["next_attempt_at"] > now]
        return min([*later, IDLE_SECONDS])

    async def _retry_forever(self) -> None:
        while True:
            try:
                self._wake.clear()
                pause = await self._pause()
                if pause > 0:
                    # a failed delivery wakes the loop early; rows that no request
                    # delivered (a crash between commit and delivery, or another
                    # process's, on PostgreSQL) are seen within IDLE_SECONDS
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(self._wake.wait(), pause)
                    continue
                await self.flush()
            except Exception:  # a retry loop that dies would lose every later delivery
                log.exception("outbox delivery failed")
                await asyncio.sleep(IDLE_SECONDS)

    def running(self) -> AbstractAsyncContextManager[None]:
        """Retry pending deliveries in the background while the service runs."""
        return in_background(self._retry_forever())
