"""What services tell each other: each notification carries an id of its own, drops
the references it has no value for, and a receiver that gets it twice (a retried
delivery) keeps one (Hoardwell and Jonar served in the test's event loop)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from runeframe_stack.contracts import ALERTS, MESSAGES
from runeframe_stack.contracts.notify import Notifier

from ..conftest import alone, serving


class Outbox:
    def __init__(self) -> None:
        self.added: list[tuple[str, str, dict[str, Any]]] = []

    async def add(self, service: str, path: str, body: dict[str, Any]) -> None:
        self.added.append((service, path, body))


async def test_a_notification_delivered_twice_is_kept_once(tmp_path: Path) -> None:
    outbox = Outbox()
    notify = Notifier(outbox, "distilera")  # type: ignore[arg-type]
    ids = [
        await notify.message("note", f"zweimal {i} ✓", user_id="usr_1", simulation_id=None)
        for i in range(3)
    ]
    await notify.alert("distilera_error", "über ⚠", severity="critical", details={"code": 7})
    assert len(set(ids)) == 3
    (service, path, message), *_ = outbox.added
    assert (service, path) == ("hoardwell", MESSAGES)
    assert message["sender"] == "distilera" and "simulation_id" not in message
    alert = outbox.added[-1]
    assert alert[:2] == ("jonar", ALERTS) and alert[2]["component"] == "distilera"

    settings = alone(tmp_path)
    async with serving("hoardwell", settings) as hoardwell:
        for _ in range(2):
            assert (await hoardwell.post(MESSAGES, json=message)).status_code in (200, 201)
        kept = (await hoardwell.get(MESSAGES, params={"user_id": "usr_1"})).json()["data"]
    assert [m["id"] for m in kept] == [ids[0]]
    async with serving("jonar", settings) as jonar:
        for _ in range(2):
            assert (await jonar.post(ALERTS, json=alert[2])).status_code in (200, 201)
        raised = (await jonar.get(ALERTS, params={"component": "distilera"})).json()["data"]
    assert [a["id"] for a in raised] == [alert[2]["id"]]
