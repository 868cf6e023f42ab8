"""Notifications to other services, stored with the change that caused them.

A service adds a notification (a message for Hoardwell, a reward for Mercatrix, an alert
for Jonar) in the same database transaction as its own change. Delivery is the
background loop's, never the request's: after commit, the request hands its rows over
and waits at most `wait` seconds (100 ms by default) for them, so a reader usually sees
the effect at once. It does not wait for a peer whose deliveries have lately taken that
long, or one of which has been under way that long, nor for a row in line behind such a
delivery: a slow or absent peer costs a write nothing once it is known, and that bound
before. A request never waits for another request's deliveries.

A delivery that fails (the peer is down, answers 5xx or 429, resets the connection or
times out) is tried again after an exponential backoff with full jitter: a crash or an
outage delays a notification, never loses it. Notifications about the same subject (a
user, say: the account is opened before the reward is paid) are delivered in the order
they were made; a failed one holds back only those behind it on its subject, never the
rest of the queue. Each delivery carries an `Idempotency-Key` naming its row, and
receivers are idempotent on the notification's own id, so a retried delivery whose
first reply was lost does no harm.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import time
from collections import defaultdict
from contextlib import AbstractAsyncContextManager
from contextvars import ContextVar
from typing import Any

import orjson

from .errors import ApiError
from .lifecycle import in_background
from .metrics import Gauged
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
# when it was made: the age of the oldest pending notification is the outage's
AGE_MIGRATION = "ALTER TABLE outbox ADD COLUMN created_at DOUBLE PRECISION NOT NULL DEFAULT 0"
MIGRATIONS = (MIGRATION, RETRY_MIGRATION, AGE_MIGRATION)
FIRST_BACKOFF = 0.05  # seconds before the first retry, at most (full jitter)
MAX_BACKOFF = 2.0
IDLE_SECONDS = 1.0  # how often the background loop looks when nothing is due
DELIVERY_SECONDS = 10.0  # a delivery not answered by then is tried again
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
# the rows the current request added, with their peers and subjects, which it waits for
# (a request is a task: its own)
_ADDED: ContextVar[dict[int, tuple[str, str | None]] | None] = ContextVar(
    "outbox_added", default=None
)
SLOW_WEIGHT = 0.3  # of the latest delivery in a peer's running delivery time


def backoff(attempts: int) -> float:
    """Seconds before attempt `attempts + 1`: full jitter over an exponential ceiling."""
    return random.uniform(0, min(MAX_BACKOFF, FIRST_BACKOFF * 2 ** (attempts - 1)))


def subject_of(body: dict[str, Any]) -> str | None:
    """What orders a notification among others: the most specific reference it carries."""
    return next((str(body[f]) for f in _SUBJECT_FIELDS if body.get(f)), None)


class Outbox:
    """`wait`: the most a request waits for its own deliveries after commit."""

    def __init__(self, db: Database, peers: Peers, wait: float = 0.1) -> None:
        self.db = db
        self.peers = peers
        self.wait = wait
        self._in_flight: set[int] = set()  # rows being delivered by this process
        self._waiters: dict[int, asyncio.Future[None]] = {}  # row id: a request waiting
        self._wake = asyncio.Event()
        self.depth = 0  # pending rows and the oldest one's creation, as last seen
        self.oldest: float | None = None
        self.delivery_seconds: dict[str, float] = {}  # per peer, a running average
        # row id: its peer and subject, and since when it is being delivered
        self._under_way: dict[int, tuple[str, str | None, float]] = {}

    async def add(self, service: str, path: str, body: dict[str, Any]) -> None:
        """Queue a notification; call inside the transaction that makes the change."""
        subject = subject_of(body)
        row_id = await self.db.fetch_value(
            "INSERT INTO outbox (service, path, body, subject, created_at)"
            " VALUES ($1, $2, $3, $4, $5) RETURNING id",
            service,
            path,
            orjson.dumps(body).decode(),
            subject,
            time.time(),
        )
        added = _ADDED.get()
        if added is None:
            added = {}
            _ADDED.set(added)
        added[int(row_id)] = (service, subject)

    async def handed_over(self) -> None:
        """After commit: have the rows this request added delivered, waiting for them at
        most `wait` seconds (never for other requests'), and only for those that can be
        quick: a row for a slow peer, or in line behind one, costs the write nothing."""
        added = _ADDED.get()
        if not added:
            return
        _ADDED.set(None)
        self._wake.set()
        slow_peers, slow_subjects = self._slow()
        slow_subjects |= {subject for service, subject in added.values() if service in slow_peers}
        quick = [
            row_id
            for row_id, (service, subject) in added.items()
            if service not in slow_peers and (subject is None or subject not in slow_subjects)
        ]
        if not quick:
            return
        loop = asyncio.get_running_loop()
        waiting = {row_id: loop.create_future() for row_id in quick}
        self._waiters.update(waiting)
        try:
            marks = ", ".join(f"${n}" for n in range(1, len(quick) + 1))
            left = await self.db.fetch_all(f"SELECT id FROM outbox WHERE id IN ({marks})", *quick)
            still = {row["id"] for row in left}
            open_ = [f for row_id, f in waiting.items() if row_id in still]
            if open_:
                await asyncio.wait(open_, timeout=self.wait)
        finally:
            for row_id in waiting:
                self._waiters.pop(row_id, None)

    def _slow(self) -> tuple[set[str], set[str | None]]:
        """The peers whose deliveries have lately taken `wait` or longer, or one of which
        has been under way that long, and the subjects of those under way that long."""
        now = time.perf_counter()
        late = [
            (peer, subject) for peer, subject, t in self._under_way.values() if now - t >= self.wait
        ]
        peers = {peer for peer, t in self.delivery_seconds.items() if t >= self.wait}
        return peers | {peer for peer, _ in late}, {subject for _, subject in late}

    def gauges(self) -> list[Gauged]:
        """The outbox's depth and its oldest pending notification's age, for /metrics."""
        return [
            ("outbox_pending", "Notifications not yet delivered.", lambda: self.depth),
            (
                "outbox_oldest_pending_seconds",
                "How long the oldest notification not yet delivered has waited.",
                lambda: 0.0 if self.oldest is None else max(0.0, time.time() - self.oldest),
            ),
        ]

    async def pending(self) -> int:
        return int(await self.db.fetch_value("SELECT COUNT(*) FROM outbox"))

    def _due(self, rows: list[Row], now: float) -> list[list[Row]]:
        """The rows to deliver now, in runs per subject: a row waits while an earlier row
        of its subject is pending (not yet due, or being delivered)."""
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

    async def _look(self) -> tuple[list[list[Row]], float]:
        """The runs due now (their rows not yet being delivered), and the seconds until
        the next row falls due (at most IDLE_SECONDS); notes the depth and oldest age."""
        rows = await self.db.fetch_all("SELECT * FROM outbox ORDER BY id LIMIT $1", BATCH)
        self.depth = len(rows) if len(rows) < BATCH else await self.pending()
        self.oldest = min((float(r["created_at"]) for r in rows), default=None)
        now = time.time()
        runs = self._due(rows, now)
        later = [
            float(r["next_attempt_at"]) - now
            for r in rows
            if r["next_attempt_at"] > now and r["id"] not in self._in_flight
        ]
        return runs, min([*later, IDLE_SECONDS])

    async def _deliver_run(self, run: list[Row]) -> None:
        try:
            for row in run:
                if not await self._deliver(row):
                    return  # the rest of this subject waits behind it
        finally:
            self._in_flight.difference_update(row["id"] for row in run)
            self._wake.set()  # what waited behind this run may be due

    async def _deliver(self, row: Row) -> bool:
        """One delivery; True when the row is done with (delivered, or refused for good)."""
        headers = {**self.peers.own_headers, "idempotency-key": f"outbox-{row['id']}"}
        started = time.perf_counter()
        self._under_way[row["id"]] = (row["service"], row["subject"], started)
        try:
            reply = await self.peers.request(
                row["service"],
                "POST",
                row["path"],
                json=orjson.loads(row["body"]),
                headers=headers,
                within=DELIVERY_SECONDS,
            )
        except ApiError as exc:  # unreachable, reset, timed out, its circuit open
            self._took(row["service"], DELIVERY_SECONDS)  # as slow as can be
            await self._failed(row, exc.message)
            return False
        finally:
            del self._under_way[row["id"]]
        self._took(row["service"], time.perf_counter() - started)
        if reply.status >= 500 or reply.status == 429:
            await self._failed(row, f"{row['service']} answered {reply.status}")
            return False
        if reply.status in _FINAL:
            log.error(
                "%s refused %s %s: %s", row["service"], row["path"], row["body"], reply.body[:200]
            )
        await self.db.execute("DELETE FROM outbox WHERE id = $1", row["id"])
        waiter = self._waiters.get(row["id"])
        if waiter is not None and not waiter.done():
            waiter.set_result(None)
        return True

    def _took(self, service: str, seconds: float) -> None:
        before = self.delivery_seconds.get(service, seconds)
        self.delivery_seconds[service] = before + SLOW_WEIGHT * (seconds - before)

    async def _failed(self, row: Row, error: str) -> None:
        attempts = row["attempts"] + 1
        await self.db.execute(
            "UPDATE outbox SET attempts = $2, last_error = $3, next_attempt_at = $4 WHERE id = $1",
            row["id"],
            attempts,
            error,
            time.time() + backoff(attempts),
        )

    async def _deliver_forever(self) -> None:
        deliveries: set[asyncio.Task[None]] = set()
        try:
            while True:
                try:
                    self._wake.clear()
                    runs, pause = await self._look()
                    for run in runs:
                        self._in_flight.update(row["id"] for row in run)
                        task = asyncio.create_task(self._deliver_run(run))
                        deliveries.add(task)
                        task.add_done_callback(deliveries.discard)
                    # a handed-over row or a finished run wakes the loop early; rows no
                    # process of ours added (another's, on PostgreSQL, or left by a
                    # crash) are seen within IDLE_SECONDS
                    # (asyncio.timeout: wait_for may swallow a cancellation in 3.11)
                    with contextlib.suppress(TimeoutError):
                        async with asyncio.timeout(pause):
                            await self._wake.wait()
                except Exception:  # a delivery loop that dies would lose every later one
                    log.exception("outbox delivery failed")
                    await asyncio.sleep(IDLE_SECONDS)
        finally:
            for task in deliveries:
                task.cancel()

    def running(self) -> AbstractAsyncContextManager[None]:
        """Deliver in the background while the service runs."""
        return in_background(self._deliver_forever())
