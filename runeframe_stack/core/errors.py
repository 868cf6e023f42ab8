"""Errors of the stack and the one envelope every service answers them with.

    StackError                    a problem the operator of the stack must fix
    └── StackConfigError          bad settings, missing data directory, port in use
    ApiError                      a request the service refuses: status + envelope
    ├── BadRequest         400    malformed or invalid input (code validation_error)
    ├── Unauthorized       401    missing, expired, forged or unknown token
    ├── Forbidden          403    authenticated but not allowed
    ├── NotFound           404    no such resource or route
    ├── Conflict           409    duplicate id or email, state that forbids the change
    ├── RolloutStopped     409    deleted while rolling out (jonar/deployments/model.py)
    ├── PayloadTooLarge    413
    ├── RolloutFailed      422    replicas not ready by the deadline (jonar/deployments/model.py)
    ├── NoFreePort         422    no port left for a replica (jonar/backend.py)
    ├── RateLimited        429    carries Retry-After
    └── Unavailable        503    a peer service did not answer
    HopError                      a service-to-service call got no answer (core/hop.py)
    FrameError                    a WebSocket frame the edge refuses (api/live.py)

Envelope: {"error": {"code": ..., "message": ..., "details": ...}}.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import orjson
from starlette.responses import Response


class StackError(Exception):
    """A problem the operator must fix; the command line prints it as one line."""


class StackConfigError(StackError):
    pass


class ApiError(Exception):
    status: int = 500
    code: str = "internal_error"

    def __init__(
        self,
        message: str,
        *,
        details: Any = None,
        headers: dict[str, str] | None = None,
        code: str | None = None,
        status: int | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.details = details
        self.headers = headers or {}
        if code is not None:
            self.code = code
        if status is not None:
            self.status = status

    def response(self) -> Response:
        return error_response(self.status, self.code, self.message, self.details, self.headers)


class BadRequest(ApiError):
    status, code = 400, "validation_error"


class Unauthorized(ApiError):
    status, code = 401, "unauthorized"

    def __init__(self, message: str, **kw: Any) -> None:
        kw.setdefault("headers", {"WWW-Authenticate": "Bearer"})
        super().__init__(message, **kw)


class Forbidden(ApiError):
    status, code = 403, "forbidden"


class NotFound(ApiError):
    status, code = 404, "not_found"


class Conflict(ApiError):
    status, code = 409, "conflict"


class PayloadTooLarge(ApiError):
    status, code = 413, "payload_too_large"


class RateLimited(ApiError):
    status, code = 429, "rate_limited"


class Unavailable(ApiError):
    status, code = 503, "unavailable"


def error_response(
    status: int,
    code: str,
    message: str,
    details: Any = None,
    headers: Mapping[str, str] | None = None,
) -> Response:
    body = {"error": {"code": code, "message": message, "details": details}}
    return Response(
        orjson.dumps(body), status_code=status, headers=headers, media_type="application/json"
    )
