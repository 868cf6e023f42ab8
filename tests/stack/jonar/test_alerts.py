"""Jonar's alerts: stored and counted once per id, their details read back as sent, on
SQLite and PostgreSQL; over HTTP, details no JSON writer can store are a 400, not a 500
(found by fuzzing)."""

from __future__ import annotations

import httpx

from runeframe_stack.contracts import NewAlert
from runeframe_stack.core.storage import Database, migrate
from runeframe_stack.jonar.alerts import MIGRATIONS, AlertStore

HUGE = 10**30  # beyond 64 bits: Python reads it, orjson cannot write it (found by fuzzing)


def test_alert_details_beyond_64_bit_integers_are_a_400_not_a_500(
    urls: dict[str, str], admin: httpx.Client
) -> None:
    body = {"type": "probe", "component": "jonar", "message": "m", "details": [HUGE]}
    reply = httpx.post(f"{urls['jonar']}/alerts/", json=body, headers=admin.headers)
    assert reply.status_code == 400, reply.text


async def test_an_alert_raised_twice_under_one_id_is_kept_and_counted_once(
    database: Database,
) -> None:
    await migrate(database, MIGRATIONS)
    alerts = AlertStore(database)
    details = {"n": 1, "name": "Ünïcode ✓", "nested": [None, 2.5]}
    sent = {"id": "alr_x", "type": "probe", "component": "jonar", "message": "m"}
    first, created = await alerts.add(NewAlert(**sent, details=details))
    again, created_again = await alerts.add(NewAlert(**{**sent, "message": "other"}))
    assert (created, created_again) == (True, False)
    assert again == first and first["details"] == details
    await alerts.add(NewAlert(type="probe", component="jonar", message="no id: a new one"))
    assert await alerts.count() == 2
