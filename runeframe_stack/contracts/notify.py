"""What services tell each other: messages to Hoardwell, alerts to Jonar, via the outbox.

Each notification carries its own id, so a receiver that sees it twice (a retried
delivery) keeps one.
"""

from __future__ import annotations

from typing import Any

from ..core.ids import new_id
from ..core.outbox import Outbox
from . import ALERTS, MESSAGES, NewAlert, NewMessage, Severity


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
        message = NewMessage(
            id=message_id,
            type=type,
            content=content,
            sender=self.sender,
            payload=payload,
            **{k: v for k, v in refs.items() if v is not None},
        )
        await self.outbox.add("hoardwell", MESSAGES, message.model_dump(exclude_none=True))
        return message_id

    async def alert(
        self, type: str, message: str, *, severity: Severity = "warning", details: Any = None
    ) -> None:
        """Raise an alert in Jonar, e.g. distilera_error."""
        alert = NewAlert(
            id=new_id("alr"),
            type=type,
            component=self.sender,
            severity=severity,
            message=message,
            details=details,
        )
        await self.outbox.add("jonar", ALERTS, alert.model_dump())
