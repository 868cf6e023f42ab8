"""What a run archives of its checks: a failed one's exchanges in results, junit.xml and a
HAR, and the operations every check reached."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

from junitparser import JUnitXml

if TYPE_CHECKING:
    from conftest import Tiny


NOTEBOOKS = Path(__file__).parents[1] / "notebooks"


def test_a_failed_check_keeps_its_exchanges_in_results_junit_and_a_har(
    tmp_path: Path,
    params_dir: Path,
    tiny: Tiny,
) -> None:
    folder = tiny.run("fails_with_exchanges")
    results = json.loads((folder / "results.json").read_text())
    http_check, ws_check = results["test_details"]
    (request,) = http_check["exchanges"]
    assert (request["method"], request["status"]) == ("GET", 404)
    assert request["url"].endswith("/api/v1/users/999999/")
    assert request["request_headers"]["authorization"] == "Bearer ***"  # never the token
    assert '"not_found"' in request["response_body"]
    (socket,) = ws_check["exchanges"]
    sent = [f["data"] for f in socket["frames"] if f["direction"] == "send"]
    assert sent == ['{"type": "auth", "token": "***"}', '{"type": "ping"}']
    assert [f["kind"] for f in socket["frames"]] == ["auth", "auth_response", "ping", "pong"]

    case = next(c for s in JUnitXml.fromfile(str(folder / "junit.xml")) for c in s)
    assert "GET http" in case.system_out and "-> 404 Not Found" in case.system_out
    properties = case._elem.find("properties")
    assert {p.get("name"): p.get("value") for p in properties} == {
        "area": "tiny",
        "notebook": "fails_with_exchanges",
    }

    har = json.loads((folder / "fails_with_exchanges.har").read_text())["log"]
    assert har["version"] == "1.2" and len(har["pages"]) == 2
    entries = {
        e["request"]["method"] + " " + e["response"]["statusText"]: e for e in har["entries"]
    }
    assert set(entries) == {"GET Not Found", "GET Switching Protocols"}
    assert entries["GET Switching Protocols"]["_resourceType"] == "websocket"
    for entry in har["entries"]:  # the fields HAR 1.2 requires of every entry
        assert {
            "pageref",
            "startedDateTime",
            "time",
            "request",
            "response",
            "cache",
            "timings",
        } <= set(entry)
        assert {"method", "url", "httpVersion", "cookies", "headers", "queryString"} <= set(
            entry["request"]
        )
        assert {"status", "statusText", "content", "redirectURL"} <= set(entry["response"])


def test_every_check_keeps_the_operations_it_reached(
    tmp_path: Path, params_dir: Path, tiny: Tiny
) -> None:
    folder = tiny.run("fails_with_exchanges")
    results = json.loads((folder / "results.json").read_text())
    evidence = results["test_details"][0]["evidence"]
    assert evidence == [
        {
            "service": "api",
            "method": "GET",
            "operation": "/api/v1/users/{user_id}/",
            "status": 404,
            "count": 1,
        }
    ]
    assert not (folder / "passes.har").exists()
