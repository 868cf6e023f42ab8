"""Alerts raised by components (e.g. `distilera_error`), queryable by component and type.

Raising is idempotent on the alert id, so a component's retried report counts once.
"""

from __future__ import annotations

from typing import Any

import orjson
from pydantic import BaseModel, Field
from starlette.requests import Request
from starlette.responses import Response

from ..contracts import NewAlert, Severity
from ..core.clock import now_iso
from ..core.ids import new_id
from ..core.listing import Where, count, page_of
from ..core.pagination import Page, SinceQuery
from ..core.routing import Call, Routes, endpoint, json
from ..core.storage import Database, Row, insert_once

MIGRATIONS = [
    """
    CREATE TABLE alerts (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        type TEXT NOT NULL,
        component TEXT NOT NULL,
        severity TEXT NOT NULL,
        message TEXT NOT NULL,
        details TEXT,
        created_at TEXT NOT NULL
    );
    CREATE INDEX alerts_component ON alerts (component, type)
    """,
]


class Alert(BaseModel):
    id: str
    type: str
    component: str
    severity: Severity
    message: str
    details: Any
    created_at: str


class AlertQuery(SinceQuery):
    component: str | None = Field(None, max_length=64)
    type: str | None = Field(None, max_length=64)
    severity: Severity | None = None


def _public(row: Row) -> dict[str, Any]:
    alert = {k: v for k, v in row.items() if k != "seq"}
    alert["details"] = orjson.loads(row["details"]) if row["details"] else None
    return alert


class AlertStore:
    """Alerts in Jonar's database: raised once per id, paged, counted."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def add(self, new: NewAlert) -> tuple[dict[str, Any], bool]:
        """The alert stored, and whether it is new (a known id keeps the first)."""
        row = {
            **new.model_dump(exclude={"details"}),
            "id": new.id or new_id("alr"),
            "details": orjson.dumps(new.details).decode() if new.details is not None else None,
            "created_at": now_iso(),
        }
        stored, created = await insert_once(self.db, "alerts", row)
        return _public(stored), created

    async def page(self, request: Request, query: AlertQuery) -> dict[str, Any]:
        """One page of the alerts the query names, oldest first."""
        where = Where().equals(component=query.component, type=query.type, severity=query.severity)
        where.since(query)
        return await page_of(self.db, request, query, "alerts", where, _public)

    async def count(self) -> int:
        return await count(self.db, "alerts")


class AlertRoutes(Routes):
    tag = "alerts"

    def __init__(self, alerts: AlertStore) -> None:
        self.alerts = alerts

    @endpoint(
        "POST", "/alerts/", body=NewAlert, responses={201: Alert, 200: Alert}, access="trusted"
    )
    async def raise_alert(self, call: Call) -> Response:
        """Record an alert; an id seen before returns the stored alert."""
        alert, created = await self.alerts.add(call.body)
        return json(alert, status=201 if created else 200)

    @endpoint("GET", "/alerts/", query=AlertQuery, responses={200: Page[Alert]}, access="trusted")
    async def list_alerts(self, call: Call) -> Response:
        """Alerts, oldest first, by component, type, severity or time."""
        return json(await self.alerts.page(call.request, call.query))
