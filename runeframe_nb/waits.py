"""Reading data that crosses services: wait for it, within a bound, instead of once.

What one service tells another (a message, a reward, an alert) travels through an
outbox, so a fault between them delays it: `eventually` asks again, backing off, until
the answer holds or the time is up, and then hands back the last answer so the check
that follows judges it (and fails with the evidence if it never came).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_exception_type,
    retry_if_result,
    stop_after_delay,
    wait_exponential,
)

T = TypeVar("T")
# how long an effect between services may take: the stack promises that a notification
# outlasts a 10-s outage of its peer (then the outbox's backoff, 2 s at most, brings it)
DELIVERY_WITHIN = 15.0


async def eventually(
    read: Callable[[], Awaitable[T]],
    until: Callable[[T], object] = bool,
    *,
    within: float = DELIVERY_WITHIN,
    ignoring: type[BaseException] | tuple[type[BaseException], ...] = (),
) -> T:
    """`await read()` until `until(answer)` holds or `within` seconds pass; the last answer.

    `ignoring` names errors that mean "not there yet" (an `ApiError` for a record not
    yet made, say); after that time the last such error is raised.
    """

    def last(state: RetryCallState) -> T:
        assert state.outcome is not None
        answer: T = state.outcome.result()  # the last answer, or the last error raised again
        return answer

    retrying = AsyncRetrying(
        stop=stop_after_delay(within),
        wait=wait_exponential(multiplier=0.02, max=0.5),
        retry=retry_if_result(lambda answer: not until(answer)) | retry_if_exception_type(ignoring),
        retry_error_callback=last,
    )

    async def attempt() -> T:  # `read` may be a lambda that returns a coroutine
        return await read()

    result: T = await retrying(attempt)
    return result
