"""What services tell each other: messages to Hoardwell, alerts to Jonar, via the outbox.

Each notification carries its own id, so a receiver that sees it twice (a retried
delivery) keeps one.
"""

from __future__ import annotations

from typing import Any

from .ids import new_id
from .outbox import Outbox


class Notifier:
    def __init__(self, outbox: Outbox, sender: str) -> None:
        self.outbox = outbox
        self.sender = sender

    async def message(
        self,
        type: str,
        content: str,
        *,
        payload: dict[str, Any] | None = None,
        **refs: str | None,
    ) -> str:
        """Post a message to Hoardwell; `refs` are user_id, simulation_id, transaction_id..."""
        message_id = new_id("msg")
        body: dict[str, Any] = {
            "id": message_id,
            "type": type,
            "content": content,
            "sender": self.sender,
        }
        body.update({k: v for k, v in refs.items() if v is not None})
        if payload is not None:
            body["payload"] = payload
        await self.outbox.add("hoardwell", "/messages/", body)
        return message_id

    async def alert(
        self, type: str, message: str, *, severity: str = "warning", details: Any = None
    ) -> None:
        """Raise an alert in Jonar, e.g. distilera_error."""
        body = {
            "id": new_id("alr"),
            "type": type,
            "component": self.sender,
            "severity": severity,
            "message": message,
            "details": details,
        }
        await self.outbox.add("jonar", "/alerts/", body)
