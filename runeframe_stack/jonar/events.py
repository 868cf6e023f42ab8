"""What happened to components: rollouts, scaling, failing and restarted replicas, workload.

Kept in Jonar's database, newest last, queryable by component, type and time; components
report their own (Distilera's workload) at POST /events/.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from starlette.requests import Request
from starlette.responses import Response

from ..core.clock import now_iso
from ..core.ids import new_id
from ..core.listing import Where, count, page_of
from ..core.pagination import Page, SinceQuery
from ..core.routing import Call, Routes, endpoint, json
from ..core.storage import Database, Row, insert_once

MIGRATIONS = [
    """
    CREATE TABLE events (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        component TEXT NOT NULL,
        deployment_id TEXT,
        type TEXT NOT NULL,
        reason TEXT NOT NULL,
        message TEXT NOT NULL,
        created_at TEXT NOT NULL
    );
    CREATE INDEX events_component ON events (component, type)
    """,
]
SCALING = ("scale_up", "scale_down")


class NewEvent(BaseModel):
    """A component's own report, e.g. Distilera's completed simulations (type workload)."""

    model_config = ConfigDict(extra="forbid")

    id: str | None = Field(None, pattern=r"^[A-Za-z0-9_.:-]{1,64}$")
    component: str = Field(pattern=r"^[a-z][a-z0-9_-]{0,63}$")
    type: str = Field(pattern=r"^[a-z][a-z0-9_]{0,63}$")
    reason: str = Field(min_length=1, max_length=200)
    message: str = Field(min_length=1, max_length=2000)


class Event(BaseModel):
    id: str
    component: str
    deployment_id: str | None
    type: str
    reason: str
    message: str
    created_at: str


class EventQuery(SinceQuery):
    component: str | None = Field(None, max_length=64)
    type: str | None = Field(None, max_length=64)
    deployment_id: str | None = Field(None, max_length=64)


def public(row: Row) -> dict[str, Any]:
    return {k: v for k, v in row.items() if k != "seq"}


class EventLog:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def record(
        self,
        component: str,
        type: str,
        reason: str,
        message: str,
        *,
        deployment_id: str | None = None,
        event_id: str | None = None,
    ) -> tuple[dict[str, Any], bool]:
        row = {
            "id": event_id or new_id("evt"),
            "component": component,
            "deployment_id": deployment_id,
            "type": type,
            "reason": reason,
            "message": message,
            "created_at": now_iso(),
        }
        stored, created = await insert_once(self.db, "events", row)
        return public(stored), created

    async def page(self, request: Request, query: EventQuery) -> dict[str, Any]:
        """One page of the events the query names, oldest first (type `scaling`: both
        directions)."""
        where = Where()
        if query.type == "scaling":
            where.add("type IN ({}, {})", *SCALING)
        else:
            where.equals(type=query.type)
        where.equals(component=query.component, deployment_id=query.deployment_id)
        where.since(query)
        return await page_of(self.db, request, query, "events", where, public)

    async def count(self) -> int:
        return await count(self.db, "events")


class EventRoutes(Routes):
    tag = "infrastructure"

    def __init__(self, log: EventLog) -> None:
        self.log = log

    @endpoint("GET", "/events/", query=EventQuery, responses={200: Page[Event]}, access="user")
    async def list_events(self, call: Call) -> Response:
        """Component events, oldest first: rollouts, scaling, failures, restarts, workload."""
        return json(await self.log.page(call.request, call.query))

    @endpoint(
        "POST", "/events/", body=NewEvent, responses={201: Event, 200: Event}, access="trusted"
    )
    async def report_event(self, call: Call) -> Response:
        """A component reports something that happened to it (idempotent on the id)."""
        new: NewEvent = call.body
        event, created = await self.log.record(
            new.component, new.type, new.reason, new.message, event_id=new.id
        )
        return json(event, status=201 if created else 200)
