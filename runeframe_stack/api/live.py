"""The public WebSocket at /ws/: authenticate, subscribe to users, publish their updates.

Frames are JSON objects with a `type`:

    auth         {"token"}                  -> auth_response {"status", "user_id" | "error"}
    subscribe    {"channel", "user_id"}     silent; updates of that user follow
    unsubscribe  {"channel", "user_id"}     silent
    user_update  {"user_id", "data"}        the user themself or an admin; reaches every
                                            subscriber of that user, the sender included
    ping         {}                         -> pong

Nothing but `auth` and `ping` is accepted before authentication. A bad frame is answered
with an `error` frame {"code", "message"}; the connection stays open.
"""

from __future__ import annotations

import contextlib
from typing import Any

import orjson
from starlette.websockets import WebSocket, WebSocketDisconnect

from ..core.auth import Identity, TokenVerifier
from ..core.errors import ApiError, Unauthorized
from ..core.routing import Call, Routes, endpoint
from .relay import CHANNEL, Relay

MAX_FRAME = 65_536
FRAMES = {  # by direction, as a client sees it
    "send": ("auth", "ping", "subscribe", "unsubscribe", "user_update"),
    "receive": ("auth_response", "pong", "user_update", "error"),
}


class FrameError(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


class Session:
    def __init__(self, websocket: WebSocket, verifier: TokenVerifier, relay: Relay) -> None:
        self.websocket = websocket
        self.verifier = verifier
        self.relay = relay
        self.identity: Identity | None = None
        self.key = id(self)

    async def send(self, frame: dict[str, Any]) -> None:
        await self.websocket.send_text(orjson.dumps(frame).decode())

    async def handle(self, raw: str) -> None:
        if len(raw) > MAX_FRAME:
            raise FrameError("frame_too_large", f"frames are limited to {MAX_FRAME} bytes")
        try:
            frame = orjson.loads(raw)
        except orjson.JSONDecodeError:
            raise FrameError("invalid_json", "a frame must be a JSON object") from None
        if not isinstance(frame, dict) or not isinstance(frame.get("type"), str):
            raise FrameError("invalid_frame", "a frame must be a JSON object with a 'type'")
        kind = frame["type"]
        if kind == "ping":
            await self.send({"type": "pong"})
        elif kind == "auth":
            await self._auth(frame)
        elif self.identity is None:
            raise FrameError("unauthenticated", f"authenticate before '{kind}'")
        elif kind in ("subscribe", "unsubscribe"):
            self._subscription(kind, frame)
        elif kind == "user_update":
            await self._publish(frame)
        else:
            raise FrameError("unknown_type", f"unknown frame type {kind[:40]!r}")

    async def _auth(self, frame: dict[str, Any]) -> None:
        token = frame.get("token")
        if not isinstance(token, str) or not token:
            raise FrameError("invalid_frame", "auth needs a 'token'")
        try:
            self.identity = await self.verifier.verify(token)
        except Unauthorized as exc:
            await self.send({"type": "auth_response", "status": "rejected", "error": exc.message})
            return
        await self.send(
            {"type": "auth_response", "status": "authenticated", "user_id": self.identity.user_id}
        )

    def _subscription(self, kind: str, frame: dict[str, Any]) -> None:
        if frame.get("channel") != CHANNEL:
            raise FrameError("unknown_channel", f"the only channel is {CHANNEL!r}")
        user_id = frame.get("user_id")
        if not isinstance(user_id, str) or not 0 < len(user_id) <= 64:
            raise FrameError("invalid_frame", f"{kind} needs a 'user_id'")
        if kind == "subscribe":
            self.relay.subscribe(user_id, self.key, self.send)
        else:
            self.relay.unsubscribe(user_id, self.key)

    async def _publish(self, frame: dict[str, Any]) -> None:
        assert self.identity is not None
        user_id = frame.get("user_id")
        if not isinstance(user_id, str) or not 0 < len(user_id) <= 64:
            raise FrameError("invalid_frame", "user_update needs a 'user_id'")
        if not self.identity.may_act_for(user_id):
            raise FrameError("forbidden", "only the user themself or an admin may publish this")
        try:
            await self.relay.publish(user_id, frame.get("data"), self.identity.user_id)
        except ApiError as exc:
            raise FrameError(exc.code, exc.message) from None


class LiveRoutes(Routes):
    tag = "live"

    def __init__(self, verifier: TokenVerifier, relay: Relay) -> None:
        self.verifier = verifier
        self.relay = relay

    @endpoint("GET", "/ws/", websocket=True, messages=FRAMES)
    async def live(self, call: Call) -> None:
        """WebSocket: auth, subscribe to a user's updates, publish user_update frames."""
        websocket: WebSocket = call.request
        await websocket.accept()
        session = Session(websocket, self.verifier, self.relay)
        try:
            while True:
                message = await websocket.receive()
                if message["type"] == "websocket.disconnect":
                    break
                try:
                    if message.get("text") is None:
                        raise FrameError("binary_frame", "frames are JSON text")
                    await session.handle(message["text"])
                except FrameError as exc:
                    await session.send({"type": "error", "code": exc.code, "message": str(exc)})
        except WebSocketDisconnect:
            pass
        finally:
            self.relay.drop(session.key)
            with contextlib.suppress(RuntimeError):
                await websocket.close()
