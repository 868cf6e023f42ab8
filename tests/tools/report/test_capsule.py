"""A failed check's exchanges as HAR 1.2 and as text: a page per failed check and none for
a passed one, every exchange an entry of its page, sizes in bytes of UTF-8, a refused
connection and a WebSocket's frames kept, and no file when nothing failed."""

from __future__ import annotations

import json
from pathlib import Path

from runeframe_nb.exchanges import Exchange, Frame
from runeframe_nb.results import Check
from runeframe_tools.report.capsule import as_text, har, write_har

STARTED = 1_767_225_600.25  # 2026-01-01T00:00:00.250Z


def exchange(**given: object) -> dict[str, object]:
    made = Exchange(
        service="api",
        base_url="http://127.0.0.1:8000",
        method="POST",
        path="/api/v1/users/",
        query="page=2&q=%C3%BC",
        request_headers={"content-type": "application/json"},
        request_body='{"name": "Zoë"}',
        started=STARTED,
        ms=12.5,
        status=409,
        response_headers={"content-type": "application/json"},
        response_body='{"error": {"message": "taken: Zoë ✓"}}',
    )
    return {**made.as_dict(), **given}


def check(name: str, status: str, exchanges: list[dict[str, object]]) -> Check:
    return Check(area="tiny", name=name, status=status, detail="why", exchanges=exchanges)  # type: ignore[arg-type]


def test_each_failed_check_is_a_page_holding_its_exchanges() -> None:
    refused = exchange(status=0, error="connection refused", response_body="", ms=0.0)
    checks = [
        check("held", "passed", [exchange()]),
        check("first", "failed", [exchange(), refused]),
        check("second", "failed", [exchange(path="/api/v1/users/7/")]),
    ]
    log = har(checks, "9.9")["log"]
    assert log["version"] == "1.2" and log["creator"] == {"name": "runeframe-nb", "version": "9.9"}
    assert [(p["id"], p["title"]) for p in log["pages"]] == [
        ("check_1", "first: why"),
        ("check_2", "second: why"),
    ]
    assert [e["pageref"] for e in log["entries"]] == ["check_1", "check_1", "check_2"]
    sent, failed = log["entries"][:2]
    assert sent["startedDateTime"] == "2026-01-01T00:00:00.250+00:00"
    assert sent["request"]["queryString"] == [
        {"name": "page", "value": "2"},
        {"name": "q", "value": "ü"},
    ]
    assert sent["request"]["bodySize"] == len('{"name": "Zoë"}'.encode())  # bytes, not characters
    assert sent["response"]["content"]["size"] == len(sent["response"]["content"]["text"].encode())
    assert (sent["response"]["status"], sent["response"]["statusText"]) == (409, "Conflict")
    assert (failed["response"]["status"], failed["response"]["statusText"]) == (
        0,
        "connection refused",
    )


def test_a_websocket_keeps_its_frames_as_chrome_writes_them_and_in_text() -> None:
    frames = [
        Frame("send", STARTED, '{"type": "ping"}', "ping"),
        Frame("receive", STARTED + 0.1, "pong", ""),
    ]
    socket = exchange(method="WEBSOCKET", frames=[vars(f) for f in frames], status=101)
    entry = har([check("socket", "failed", [socket])], "1")["log"]["entries"][0]
    assert entry["_resourceType"] == "websocket" and entry["request"]["method"] == "GET"
    assert [(m["type"], m["data"]) for m in entry["_webSocketMessages"]] == [
        ("send", '{"type": "ping"}'),
        ("receive", "pong"),
    ]
    assert as_text([socket]).splitlines()[1:] == [
        '  >> 00:00:00.250+00:00 {"type": "ping"}',
        "  << 00:00:00.350+00:00 pong",
    ]


def test_text_reads_as_a_log_and_a_tally_is_one_line() -> None:
    text = as_text([exchange(), exchange(count=1200, method="GET")])
    first, tally = text.split("\n\n")
    assert first.splitlines()[0] == (
        "POST http://127.0.0.1:8000/api/v1/users/?page=2&q=%C3%BC -> 409 Conflict in 12.5 ms"
    )
    assert '  < {"error": {"message": "taken: Zoë ✓"}}' in first.splitlines()
    assert tally.endswith("-> 409 Conflict x1,200 (a tally)")


def test_no_file_is_written_when_every_check_passed(tmp_path: Path) -> None:
    path = tmp_path / "nb.har"
    assert not write_har(path, [check("held", "passed", [exchange()])], "1")
    assert not path.exists()
    assert write_har(path, [check("broke", "failed", [exchange()])], "1")
    assert json.loads(path.read_text())["log"]["entries"][0]["response"]["status"] == 409
