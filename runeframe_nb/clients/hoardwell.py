"""Hoardwell: the messages components exchange, by simulation, coordination, transaction, type."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import urlencode

from ..models import Entity, Message, id_of
from ._service import ServiceClient
from .websocket import RecordedConnection, open_socket


class HoardwellClient(ServiceClient):
    service = "hoardwell"

    async def query_messages(self, **filters: Any) -> list[Message]:
        """Messages matching every filter (type, sender, user_id, simulation_id, ...), in order."""
        return await self.collect(Message, "/messages/", since=self.since, **filters)

    async def get_message(self, message_id: Entity | str) -> Message:
        return await self.fetch(Message, "GET", f"/messages/{id_of(message_id)}/")

    async def get_messages(self, simulation_id: Entity | str) -> list[Message]:
        return await self.query_messages(simulation_id=id_of(simulation_id))

    async def get_simulation_messages(self, simulation_id: Entity | str) -> list[Message]:
        return await self.get_messages(simulation_id)

    async def get_agent_messages(self, coordination_id: Entity | str) -> list[Message]:
        return await self.query_messages(
            coordination_id=id_of(coordination_id), type="agent_message"
        )

    async def get_transaction_messages(self, transaction_id: Entity | str) -> list[Message]:
        return await self.query_messages(transaction_id=id_of(transaction_id))

    async def get_all_messages(self) -> list[Message]:
        return await self.query_messages()

    async def get_error_messages(self) -> list[Message]:
        return await self.query_messages(type="error")

    async def post_message(self, type: str, content: str, **fields: Any) -> Message:
        body = {"type": type, "content": content, **fields}
        return await self.fetch(Message, "POST", "/messages/", json=body)

    @asynccontextmanager
    async def follow(self, **filters: Any) -> AsyncIterator[RecordedConnection]:
        """Hoardwell's live stream of messages matching `filters` (as `query_messages`);
        with `after_seq=0` it first replays every matching message there is. Each
        frame is one message, as JSON."""
        query = urlencode({k: v for k, v in filters.items() if v is not None})
        url = f"{self.http.base_url}".rstrip("/").replace("http", "ws", 1)
        bearer = {k: v for k, v in self.http.headers.items() if k.lower() == "authorization"}
        stream = f"{url}/messages/stream/?{query}"
        async with open_socket("hoardwell", stream, bearer, tls=self.tls) as s:
            yield s
