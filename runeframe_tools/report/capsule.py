"""A failed check's exchanges, as the places that show them want them: plain text (junit's
system-out, the console) and HAR 1.2 (one file per notebook, which a browser's developer
tools open), with each failed check as a page and its exchanges as the page's entries.

The exchanges arrive as recorded in the kernel (exchanges.Exchange.as_dict): secrets
already masked, bodies already cut.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from http import HTTPStatus
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

from runeframe_nb.results import Check

HAR_VERSION = "1.2"


def _iso(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, UTC).isoformat(timespec="milliseconds")


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


def as_text(exchanges: list[dict[str, Any]]) -> str:
    """The exchanges one after another, as a person reads them in a log."""
    blocks = []
    for e in exchanges:
        if e["method"] == "WEBSOCKET":
            lines = [f"WEBSOCKET {e['url']}"]
            lines += [
                f"  {'>>' if f['direction'] == 'send' else '<<'} {_iso(f['at'])[11:]} {f['data']}"
                for f in e["frames"]
            ]
        else:
            answer = f"{e['status']} {_reason(e['status'])}" if e["status"] else e["error"]
            if e.get("count", 1) > 1:
                blocks.append(f"{e['method']} {e['url']} -> {answer} x{e['count']:,} (a tally)")
                continue
            lines = [f"{e['method']} {e['url']} -> {answer} in {e['ms']:.1f} ms"]
            lines += [f"  > {k}: {v}" for k, v in e["request_headers"].items()]
            if e["request_body"]:
                lines.append(f"  > {e['request_body']}")
            lines += [f"  < {k}: {v}" for k, v in e["response_headers"].items()]
            if e["response_body"]:
                lines.append(f"  < {e['response_body']}")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def _headers(headers: dict[str, str]) -> list[dict[str, str]]:
    return [{"name": k, "value": v} for k, v in headers.items()]


def _entry(exchange: dict[str, Any], page: str) -> dict[str, Any]:
    e = exchange
    websocket = e["method"] == "WEBSOCKET"
    request: dict[str, Any] = {
        "method": "GET" if websocket else e["method"],
        "url": e["url"],
        "httpVersion": "HTTP/1.1",
        "cookies": [],
        "headers": _headers(e["request_headers"]),
        "queryString": [{"name": k, "value": v} for k, v in parse_qsl(e["query"])],
        "headersSize": -1,
        "bodySize": len(e["request_body"].encode()),
    }
    if e["request_body"]:
        kind = e["request_headers"].get("content-type", "application/json")
        request["postData"] = {"mimeType": kind, "text": e["request_body"]}
    entry: dict[str, Any] = {
        "pageref": page,
        "startedDateTime": _iso(e["started"]),
        "time": e["ms"],
        "request": request,
        "response": {
            "status": e["status"],
            "statusText": _reason(e["status"]) if e["status"] else e["error"],
            "httpVersion": "HTTP/1.1",
            "cookies": [],
            "headers": _headers(e["response_headers"]),
            "content": {
                "size": len(e["response_body"].encode()),
                "mimeType": e["response_headers"].get("content-type", ""),
                "text": e["response_body"],
            },
            "redirectURL": "",
            "headersSize": -1,
            "bodySize": len(e["response_body"].encode()),
        },
        "cache": {},
        "timings": {"send": 0, "wait": e["ms"], "receive": 0},
    }
    if websocket:  # as Chrome writes a WebSocket into a HAR, and reads it back
        entry["_resourceType"] = "websocket"
        entry["_webSocketMessages"] = [
            {"type": f["direction"], "time": f["at"], "opcode": 1, "data": f["data"]}
            for f in e["frames"]
        ]
    return entry


def har(checks: list[Check], creator_version: str) -> dict[str, Any]:
    """A HAR log of the failed checks among `checks`: a page per check, its exchanges."""
    pages, entries = [], []
    for number, check in enumerate(c for c in checks if not c.passed):
        page = f"check_{number + 1}"
        kept = check.exchanges
        started = kept[0]["started"] if kept else 0.0
        pages.append(
            {
                "startedDateTime": _iso(started),
                "id": page,
                "title": f"{check.name}: {check.detail or 'failed'}",
                "pageTimings": {},
            }
        )
        entries += [_entry(e, page) for e in kept]
    return {
        "log": {
            "version": HAR_VERSION,
            "creator": {"name": "runeframe-nb", "version": creator_version},
            "pages": pages,
            "entries": entries,
        }
    }


def write_har(path: Path, checks: list[Check], creator_version: str) -> bool:
    """Write the HAR of a notebook's failed checks; False (and no file) when none failed."""
    if all(c.passed for c in checks):
        return False
    path.write_text(json.dumps(har(checks, creator_version), indent=1, ensure_ascii=False))
    return True
