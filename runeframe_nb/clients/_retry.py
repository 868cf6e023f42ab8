"""When a client call is tried again: connection failures and 503s, with exponential
backoff and full jitter, within a budget of attempts and seconds.

Only a request that is safe to repeat is repeated: GET, HEAD, OPTIONS, PUT and DELETE
mean the same the second time, and a POST does only when it carries an
`Idempotency-Key` (the service answers a repeated key with the first outcome). Any other
request fails at once, since it may have been carried out before the connection broke.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import httpx
from tenacity import (
    AsyncRetrying,
    retry_if_exception,
    stop_after_attempt,
    stop_after_delay,
    wait_random_exponential,
)

from ..network import reason

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
RETRIED_STATUSES = frozenset({503})


class Unavailable(Exception):
    """A 503 answer, raised so that the policy can try again."""

    def __init__(self, reply: httpx.Response) -> None:
        super().__init__(f"503 {reply.reason_phrase}")
        self.reply = reply


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 4
    budget_seconds: float = 10.0
    first_wait: float = 0.05
    max_wait: float = 2.0

    @staticmethod
    def may_repeat(request: httpx.Request) -> bool:
        return request.method in IDEMPOTENT_METHODS or "idempotency-key" in request.headers

    async def send(
        self, request: httpx.Request, send: Callable[[httpx.Request], Awaitable[httpx.Response]]
    ) -> tuple[httpx.Response, int]:
        """`send(request)`, tried again while it fails in a way worth retrying; the answer
        and the number of attempts. A 503 is returned once the budget is spent; a
        connection failure is raised as `GaveUp`, naming the attempts."""
        if not self.may_repeat(request):
            return await send(request), 1
        retrying = AsyncRetrying(
            retry=retry_if_exception(
                lambda exc: isinstance(exc, httpx.TransportError | Unavailable)
            ),
            stop=stop_after_attempt(self.attempts) | stop_after_delay(self.budget_seconds),
            wait=wait_random_exponential(multiplier=self.first_wait, max=self.max_wait),
            reraise=True,
        )
        try:
            async for attempt in retrying:
                with attempt:
                    reply = await send(request)
                    if reply.status_code in RETRIED_STATUSES:
                        await reply.aread()
                        raise Unavailable(reply)
                    return reply, attempt.retry_state.attempt_number
        except Unavailable as exc:
            return exc.reply, retrying.statistics["attempt_number"]
        except httpx.TransportError as exc:
            raise GaveUp(exc, retrying.statistics["attempt_number"]) from exc
        raise AssertionError("unreachable: tenacity either returns or raises")


class GaveUp(Exception):
    def __init__(self, cause: httpx.TransportError, attempts: int) -> None:
        super().__init__(reason(cause))
        self.attempts = attempts


DEFAULT_RETRY = RetryPolicy()
NO_RETRY = RetryPolicy(attempts=1)
