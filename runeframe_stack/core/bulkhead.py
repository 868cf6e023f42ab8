"""What keeps one slow or absent peer from taking a service down with it.

Each peer gets a bulkhead: at most `limit` requests to it at once (the rest wait for a
slot, within their own timeout), and a circuit breaker. After `threshold` failures in a
row (no answer, a reset, a timeout, or a 502, 503 or 504) the circuit opens: requests to
that peer fail at once, for `cool_down` seconds, instead of each waiting for its own
failure; then one request is let through, and its outcome closes the circuit or opens
it again. A peer whose last request failed is `degraded`, what /healthz reports.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from .errors import Unavailable

FAILED_STATUSES = frozenset({502, 503, 504})


class Bulkhead:
    def __init__(
        self, peer: str, limit: int = 64, threshold: int = 5, cool_down: float = 1.0
    ) -> None:
        self.peer = peer
        self.threshold = threshold
        self.cool_down = cool_down
        self.failures = 0  # in a row
        self._opened_at: float | None = None
        self._trial = False  # one request is trying the peer after a cool-down
        self._slots = asyncio.Semaphore(limit)

    @property
    def degraded(self) -> bool:
        return self.failures > 0

    def _admit(self) -> None:
        if self._opened_at is None:
            return
        waited = time.monotonic() - self._opened_at
        if waited < self.cool_down or self._trial:
            raise Unavailable(
                f"{self.peer} is unavailable: {self.failures} requests in a row failed"
            )
        self._trial = True

    @asynccontextmanager
    async def admitted(self) -> AsyncIterator[None]:
        """Hold a slot for one request, or fail at once while the circuit is open."""
        self._admit()
        try:
            async with self._slots:
                yield
        finally:
            self._trial = False

    def succeeded(self) -> None:
        self.failures = 0
        self._opened_at = None

    def failed(self) -> None:
        self.failures += 1
        if self.failures >= self.threshold:
            self._opened_at = time.monotonic()
