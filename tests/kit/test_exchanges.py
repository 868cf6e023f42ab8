"""The exchange journal: bounded; a window holds the requests it saw begin and the WebSocket
frames inside it; a sweep marks its own; bodies masked and cut; GraphQL named by field."""

from __future__ import annotations

import json

from runeframe_nb.exchanges import (
    BODY_LIMIT,
    Exchange,
    Frame,
    Journal,
    graphql_fields,
    mask_body,
    sweep,
)


def made(started: float, method: str = "GET", frames: list[Frame] | None = None) -> Exchange:
    return Exchange(
        service="api",
        base_url="http://127.0.0.1:8000",
        method=method,
        path="/api/v1/users/",
        query="",
        request_headers={},
        request_body="",
        started=started,
        frames=frames or [],
    )


def test_the_journal_keeps_its_latest_exchanges_only() -> None:
    journal = Journal(limit=3)
    for n in range(5):
        journal.add(made(float(n)))
    assert [e.started for e in journal.exchanges] == [2.0, 3.0, 4.0]


def test_a_window_holds_what_began_in_it_and_a_sockets_frames_inside_it() -> None:
    journal = Journal()
    frames = [Frame("send", at, f"f{at:g}", "ping") for at in (1.0, 5.0, 9.0)]
    journal.add(made(0.5, method="WEBSOCKET", frames=frames))
    for started in (2.0, 6.0, 12.0):
        journal.add(made(started))
    seen = journal.between(4.0, 10.0)
    assert [e.started for e in seen] == [0.5, 6.0]
    assert [f.data for f in seen[0].frames] == ["f5", "f9"]  # the socket opened before


def test_a_sweep_marks_the_exchanges_made_inside_it_only() -> None:
    journal = Journal()
    with sweep("owasp"):
        attack = journal.add(made(1.0))
    after = journal.add(made(2.0))
    assert (attack.sweep, after.sweep) == ("owasp", None)


def test_a_body_has_its_secret_fields_masked_and_is_cut_at_the_limit() -> None:
    sent = {"name": "Zoë ✓", "password": "hunter2", "nested": {"token": "abc"}}
    kept = json.loads(mask_body(json.dumps(sent).encode()))
    assert kept["name"] == "Zoë ✓" and "hunter2" not in json.dumps(kept)
    assert "abc" not in json.dumps(kept)
    long = "é" * (BODY_LIMIT + 10)
    assert mask_body(long) == f"{'é' * BODY_LIMIT}… ({BODY_LIMIT + 10:,} characters)"


def test_graphql_requests_name_their_root_fields() -> None:
    batch = [
        {"query": "mutation { createUser(input: {}) { user { id } } }"},
        {"query": "{ user(id: 1) { id } users { id } __typename }"},
        {"query": "{ not valid"},
    ]
    assert graphql_fields(json.dumps(batch).encode()) == [
        "mutation createUser",
        "query user",
        "query users",
    ]
    assert graphql_fields(b"not json") == []
