"""What services send each other is built with the receiver's own model: a wrong field
fails at the sender, where its test sees it, not as a delivery the receiver refuses."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from runeframe_stack.contracts import ALERTS, MESSAGES, NewAlert, NewMessage
from runeframe_stack.contracts.notify import Notifier


class Queue:
    """An outbox that keeps what it is given."""

    def __init__(self) -> None:
        self.added: list[tuple[str, str, dict[str, Any]]] = []

    async def add(self, service: str, path: str, body: dict[str, Any]) -> None:
        self.added.append((service, path, body))


async def test_a_message_goes_to_hoardwell_in_the_shape_hoardwell_accepts() -> None:
    queue = Queue()
    message_id = await Notifier(queue, "mercatrix").message(  # type: ignore[arg-type]
        "reward", "paid", user_id="u1", simulation_id=None, payload={"coins": 5}
    )
    ((service, path, body),) = queue.added
    assert (service, path, body["id"]) == ("hoardwell", MESSAGES, message_id)
    assert "simulation_id" not in body  # a reference not given is not sent
    assert NewMessage.model_validate(body).payload == {"coins": 5}


async def test_an_alert_goes_to_jonar_in_the_shape_jonar_accepts() -> None:
    queue = Queue()
    await Notifier(queue, "distilera").alert("distilera_error", "boom", severity="critical")  # type: ignore[arg-type]
    ((service, path, body),) = queue.added
    assert (service, path) == ("jonar", ALERTS)
    assert NewAlert.model_validate(body).component == "distilera"


@pytest.mark.parametrize(
    "bad",
    [{"simulaton_id": "s1"}, {"type": "Not A Type"}],
)
async def test_a_message_off_the_contract_fails_at_the_sender(bad: dict[str, str]) -> None:
    queue = Queue()
    notifier = Notifier(queue, "distilera")  # type: ignore[arg-type]
    with pytest.raises(ValidationError):
        await notifier.message(**{"type": "note", "content": "x", **bad})
    assert queue.added == []
