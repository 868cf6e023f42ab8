"""Mutants of the live WebSocket and the stream behind it: updates dropped or repeated,
authentication skipped."""

from __future__ import annotations

import json
from typing import Any

from ...mutants import frame_mutant

FANOUT = ("api WS receive user_update",)


def _kind(text: str) -> str:
    try:
        frame = json.loads(text)
    except ValueError:
        return ""
    return str(frame.get("type", "")) if isinstance(frame, dict) else ""


@frame_mutant(
    "ws-update-dropped",
    "one user_update in five never reaches the subscriber",
    "api",
    "GET /ws/",
    reveals=FANOUT,
)
def dropped(state: dict[str, Any], direction: str, text: str) -> list[str]:
    if direction == "receive" and _kind(text) == "user_update":
        state["n"] = state.get("n", 0) + 1
        if state["n"] % 5 == 0:
            return []
    return [text]


@frame_mutant(
    "ws-update-duplicated",
    "each user_update reaches the subscriber twice",
    "api",
    "GET /ws/",
    reveals=FANOUT,
)
def duplicated(state: dict[str, Any], direction: str, text: str) -> list[str]:
    if direction == "receive" and _kind(text) == "user_update":
        return [text, text]
    return [text]


@frame_mutant(
    "ws-stream-reordered",
    "the edge's stream from Hoardwell swaps neighbouring updates",
    "hoardwell",
    "GET /messages/stream/",
    side="peer",
    reveals=FANOUT,
)
def reordered(state: dict[str, Any], direction: str, text: str) -> list[str]:
    if direction != "receive" or '"user_update"' not in text:
        return [text]
    held = state.pop("held", None)
    if held is None:
        state["held"] = text
        return []
    return [text, held]


@frame_mutant(
    "ws-auth-skipped",
    "the socket serves frames before authentication",
    "api",
    "GET /ws/",
    reveals=("api WS send auth",),
)
def auth_skipped(state: dict[str, Any], direction: str, text: str) -> list[str]:
    if direction == "send" and not state.get("authenticated"):
        state["authenticated"] = True
        if _kind(text) != "auth":
            state["swallow"] = True  # the answer to the proxy's own auth is not shown
            return [json.dumps({"type": "auth", "token": state["admin_token"]}), text]
    if direction == "receive" and state.pop("swallow", False) and _kind(text) == "auth_response":
        return []
    return [text]
