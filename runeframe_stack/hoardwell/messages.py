"""Messages between components: posted by services, queried by reference, streamed live.

A message may concern a user (`user_id`) and a counterparty; a user reads only the
messages that concern them, services and admins read all. Posting is idempotent on the
message id, so a sender's retried delivery never duplicates a message.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any, Literal

import orjson
from pydantic import BaseModel, ConfigDict, Field
from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket, WebSocketDisconnect

from ..contracts import REFERENCE, NewMessage
from ..core.clock import now_iso
from ..core.errors import Forbidden
from ..core.ids import new_id
from ..core.listing import Where, by_id, page_of
from ..core.pagination import Page, SinceQuery
from ..core.routing import Call, Routes, endpoint, json
from ..core.storage import Database, Row, insert_once
from .hub import Hub

REFERENCES = (
    "user_id",
    "counterparty_id",
    "simulation_id",
    "coordination_id",
    "collaboration_id",
    "transaction_id",
    "channel",
)
FILTERS = ("type", "sender", *REFERENCES)
MIGRATIONS = [
    """
    CREATE TABLE messages (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        type TEXT NOT NULL,
        content TEXT NOT NULL,
        sender TEXT NOT NULL,
        user_id TEXT,
        counterparty_id TEXT,
        simulation_id TEXT,
        coordination_id TEXT,
        collaboration_id TEXT,
        transaction_id TEXT,
        channel TEXT,
        payload TEXT,
        created_at TEXT NOT NULL
    );
    CREATE INDEX messages_type ON messages (type);
    CREATE INDEX messages_user ON messages (user_id);
    CREATE INDEX messages_simulation ON messages (simulation_id);
    CREATE INDEX messages_coordination ON messages (coordination_id);
    CREATE INDEX messages_transaction ON messages (transaction_id);
    CREATE INDEX messages_created ON messages (created_at)
    """,
]


class Message(BaseModel):
    id: str
    seq: int
    type: str
    content: str
    sender: str
    user_id: str | None
    counterparty_id: str | None
    simulation_id: str | None
    coordination_id: str | None
    collaboration_id: str | None
    transaction_id: str | None
    channel: str | None
    payload: dict[str, Any] | None
    created_at: str


class MessageQuery(SinceQuery):
    type: str | None = Field(None, max_length=64)
    sender: str | None = Field(None, max_length=64)
    user_id: str | None = REFERENCE
    simulation_id: str | None = REFERENCE
    coordination_id: str | None = REFERENCE
    collaboration_id: str | None = REFERENCE
    transaction_id: str | None = REFERENCE
    channel: str | None = Field(None, max_length=64)
    order: Literal["asc", "desc"] = "asc"


class StreamQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    after_seq: int | None = Field(
        None, ge=0, description="Replay stored messages after this seq first (resume)."
    )
    type: str | None = Field(None, max_length=64)
    channel: str | None = Field(None, max_length=64)
    user_id: str | None = REFERENCE
    simulation_id: str | None = REFERENCE


def _public(row: Row) -> dict[str, Any]:
    message = dict(row)
    message["payload"] = orjson.loads(row["payload"]) if row["payload"] else None
    return message


class MessageStore:
    """The messages table, read as the API shows it, in the order stored (`seq`)."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def add(self, new: NewMessage, sender: str) -> tuple[dict[str, Any], bool]:
        """The message stored, and whether it is new (a known id keeps the first)."""
        row = {
            **new.model_dump(exclude={"payload"}),
            "id": new.id or new_id("msg"),
            "sender": sender,
            "payload": orjson.dumps(new.payload).decode() if new.payload is not None else None,
            "created_at": now_iso(),
        }
        stored, created = await insert_once(self.db, "messages", row)
        return _public(stored), created

    async def page(self, request: Request, query: MessageQuery, reader: str | None) -> Any:
        """One page of the messages the query names (those concerning `reader`, if named)."""
        where = Where().equals(**query.model_dump(include=set(FILTERS)))
        where.since(query)
        if reader is not None:
            where.add("(user_id = {} OR counterparty_id = {})", reader, reader)
        order = "seq DESC" if query.order == "desc" else "seq"
        return await page_of(self.db, request, query, "messages", where, _public, order=order)

    async def get(self, message_id: str) -> Row:
        """One message's row, or NotFound."""
        return await by_id(self.db, "messages", message_id, "message")

    async def after(self, seq: int, filters: dict[str, Any]) -> list[Row]:
        """The messages the filters keep stored after `seq`, in order."""
        where = Where().equals(**filters).add("seq > {}", seq)
        return await self.db.fetch_all(
            f"SELECT * FROM messages {where.sql} ORDER BY seq", *where.args
        )


class MessageRoutes(Routes):
    tag = "messages"

    def __init__(self, db: Database, hub: Hub) -> None:
        self.messages = MessageStore(db)
        self.hub = hub

    @endpoint(
        "POST",
        "/messages/",
        body=NewMessage,
        responses={201: Message, 200: Message},
        access="trusted",
    )
    async def post_message(self, call: Call) -> Response:
        """Store a message and fan it out; a known id returns the stored one (200)."""
        new: NewMessage = call.body
        sender = new.sender or call.require_identity().user_id.removeprefix("service:")
        message, created = await self.messages.add(new, sender)
        if created:
            await self.hub.post(message)
        return json(message, status=201 if created else 200)

    @endpoint(
        "GET", "/messages/", query=MessageQuery, responses={200: Page[Message]}, access="user"
    )
    async def list_messages(self, call: Call) -> Response:
        """Messages by type, sender, reference or time, in order; a user's own only."""
        query: MessageQuery = call.query
        identity = call.require_identity()
        if query.user_id and not identity.may_act_for(query.user_id):
            raise Forbidden("a user may read only the messages that concern them")
        reader = None if identity.is_trusted else identity.user_id
        return json(await self.messages.page(call.request, query, reader))

    @endpoint("GET", "/messages/{message_id}/", responses={200: Message}, access="user")
    async def get_message(self, call: Call) -> Response:
        """One message, if it concerns the caller."""
        identity = call.require_identity()
        row = await self.messages.get(call.path["message_id"])
        if not identity.is_trusted and identity.user_id not in (
            row["user_id"],
            row["counterparty_id"],
        ):
            raise Forbidden("this message does not concern you")
        return json(_public(row))

    @endpoint("GET", "/messages/stream/", query=StreamQuery, access="trusted", websocket=True)
    async def stream_messages(self, call: Call) -> None:
        """Messages as they arrive, as JSON frames, filtered by type, channel or reference."""
        websocket: WebSocket = call.request
        query: StreamQuery = call.query
        filters = query.model_dump(exclude={"after_seq"}, exclude_none=True)
        subscription = self.hub.subscribe(filters)  # first, so nothing slips between
        await websocket.accept()
        closed = asyncio.ensure_future(_until_closed(websocket))
        sent = 0
        try:
            if query.after_seq is not None:
                for row in await self.messages.after(query.after_seq, filters):
                    await websocket.send_bytes(orjson.dumps(_public(row)))
                    sent = row["seq"]
            while True:
                get = asyncio.ensure_future(subscription.queue.get())
                done, _ = await asyncio.wait({get, closed}, return_when=asyncio.FIRST_COMPLETED)
                if closed in done:
                    get.cancel()
                    break
                message = get.result()
                if message is None:  # too slow to keep up: dropped by the hub
                    await websocket.close(code=1013, reason="subscriber fell behind")
                    break
                if message["seq"] > sent:  # a replayed message is not sent twice
                    await websocket.send_bytes(orjson.dumps(message))
        finally:
            self.hub.unsubscribe(subscription)
            closed.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await closed


async def _until_closed(websocket: WebSocket) -> None:
    with contextlib.suppress(WebSocketDisconnect):
        while True:
            await websocket.receive()
            if websocket.client_state.name == "DISCONNECTED":
                return
