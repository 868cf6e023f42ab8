"""The base of every service client: an httpx client on the active environment, timed,
retrying what is safe to retry (_retry.py).

The transport is injectable (httpx's own), so unit tests run the same client code
against `httpx.MockTransport` and integration tests against the real stack.
"""

from __future__ import annotations

from types import TracebackType
from typing import Any, ClassVar, TypeVar

import httpx
from pydantic import BaseModel

from ..environment import Environment, active
from ..errors import ApiError, ClientError
from ..models import AuthResult
from ..network import AsyncTransport, Tls, reason
from ..oauth import BearerAuth
from ..timing import TimedTransport
from ._retry import DEFAULT_RETRY, GaveUp, RetryPolicy

M = TypeVar("M", bound=BaseModel)


def client_settings(
    service: str,
    *,
    environment: Environment | None = None,
    base_url: str | None = None,
    token: str | None = None,
    anonymous: bool = False,
    transport: httpx.AsyncBaseTransport | None = None,
) -> dict[str, Any]:
    """httpx.AsyncClient arguments for `service`: URL, token and TLS from the environment,
    timed."""
    env = _environment(environment, base_url)
    url = base_url or (env.url(service) if env else "")
    source = env.auth if env is not None and not (token or anonymous) else None
    bearer = None if anonymous or source else (token or (env.token if env else None))
    return {
        "base_url": url,
        "headers": {"Authorization": f"Bearer {bearer}"} if bearer else {},
        "auth": BearerAuth(source) if source else None,
        "transport": TimedTransport(transport or AsyncTransport(tls_of(env)), service, url),
        "timeout": env.profile.timeout if env else 30.0,
    }


def _environment(environment: Environment | None, base_url: str | None) -> Environment | None:
    """The environment a client speaks for: the one given, else the active one unless
    the client was given a URL of its own."""
    return environment if environment is not None or base_url is not None else active()


def tls_of(environment: Environment | None) -> Tls:
    """The environment's TLS settings; without one, what the standard variables say."""
    return environment.tls if environment is not None else Tls().resolved()


class ServiceClient:
    """Methods named as the seed calls them; results are models, errors are ApiError."""

    service: ClassVar[str]

    def __init__(
        self,
        test_mode: bool = True,
        *,
        environment: Environment | None = None,
        base_url: str | None = None,
        token: str | None = None,
        anonymous: bool = False,
        transport: httpx.AsyncBaseTransport | None = None,
        since: str | None = None,
        retry: RetryPolicy = DEFAULT_RETRY,
    ) -> None:
        # test_mode is the seed's flag: the client talks to the active test environment.
        self.test_mode = test_mode
        self.retry = retry
        self.since = since  # collections read by this client start at this ISO time
        self.tls = tls_of(_environment(environment, base_url))
        self.http = httpx.AsyncClient(
            **client_settings(
                self.service,
                environment=environment,
                base_url=base_url,
                token=token,
                anonymous=anonymous,
                transport=transport,
            )
        )

    async def __aenter__(self: Any) -> Any:
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self.http.aclose()

    async def call(self, method: str, path: str, **kwargs: Any) -> Any:
        """Send a request, tried again as the retry policy allows; return the decoded JSON
        body, or raise ApiError with the envelope (ClientError when nothing answered)."""
        request = self.http.build_request(method, path, **kwargs)
        try:
            reply, attempts = await self.retry.send(request, self.http.send)
        except GaveUp as exc:
            tries = f" (gave up after {exc.attempts} attempts)" if exc.attempts > 1 else ""
            raise ClientError(f"{self.service}: {method} {path}: {exc}{tries}") from None
        except httpx.HTTPError as exc:
            raise ClientError(f"{self.service}: {method} {path}: {reason(exc)}") from None
        if reply.status_code >= 400:
            tries = f" after {attempts} attempts" if attempts > 1 else ""
            raise _api_error(reply, f"{self.service} {method} {path}{tries}")
        return reply.json() if reply.content else None

    async def fetch(self, model: type[M], method: str, path: str, **kwargs: Any) -> M:
        return model.model_validate(await self.call(method, path, **kwargs))

    async def collect(
        self, model: type[M], path: str, *, limit: int = 10_000, **filters: Any
    ) -> list[M]:
        """Every item of a paginated collection (following `links.next`), up to `limit`."""
        params = {k: v for k, v in filters.items() if v is not None}
        params.setdefault("per_page", 100)
        items: list[M] = []
        link: str | None = path
        while link and len(items) < limit:
            page = await self.call("GET", link, params=params if link == path else None)
            items += [model.model_validate(item) for item in page["data"]]
            link = page["links"]["next"]
        return items[:limit]

    async def health(self) -> dict[str, Any]:
        """The service's /healthz answer (status, version, what it depends on)."""
        found: dict[str, Any] = await self.call("GET", "/healthz")
        return found

    async def metrics(self) -> str:
        """The service's Prometheus metrics, as text."""
        reply = await self.http.get("/metrics")
        if reply.status_code != 200:
            raise _api_error(reply, f"{self.service} GET /metrics")
        return reply.text

    async def document(self) -> dict[str, Any]:
        """The service's OpenAPI document."""
        found: dict[str, Any] = await self.call("GET", "/openapi.json")
        return found

    async def authenticate(self, token: str) -> AuthResult:
        """Whether this service accepts `token`, and whose it is (never raises for a bad one)."""
        return await self.fetch(AuthResult, "POST", "/auth/verify/", json={"token": token})

    async def check_permission(self, token: str, permission: str) -> bool:
        """Whether the token's holder has `permission` here (`admin_access`: admins only)."""
        body = {"token": token, "permission": permission}
        result = await self.call("POST", "/auth/permissions/check/", json=body)
        return bool(result["allowed"])


def _api_error(reply: httpx.Response, call: str) -> ApiError:
    try:
        err = reply.json()["error"]
        return ApiError(
            reply.status_code, err["code"], err["message"], err.get("details"), call=call
        )
    except (ValueError, KeyError, TypeError):
        return ApiError(reply.status_code, "http_error", reply.text[:200], call=call)
