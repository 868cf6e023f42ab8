"""Jonar's event log: a component's report is kept once per id and counted, on SQLite and
PostgreSQL."""

from __future__ import annotations

from runeframe_stack.core.storage import Database, migrate
from runeframe_stack.jonar.events import MIGRATIONS, EventLog


async def test_an_event_reported_twice_under_one_id_is_kept_and_counted_once(
    database: Database,
) -> None:
    await migrate(database, MIGRATIONS)
    log = EventLog(database)
    first, created = await log.record(
        "distilera", "workload", "done", "3 simulations", event_id="e1"
    )
    again, created_again = await log.record("distilera", "workload", "x", "y", event_id="e1")
    assert (created, created_again) == (True, False) and again == first
    assert first["message"] == "3 simulations" and "seq" not in first
    await log.record("hoardwell", "replica_failed", "exit", "exited with code -9")
    assert await log.count() == 2
