"""Who runs at once on one machine: notebooks side by side, or one marked `alone`.

A run's notebooks pass the gate shared, those marked `alone` (what they measure would be
skewed by anything else) exclusively. Runs that share a gate (the trials of `runeframe-nb
mutate`, two at a time) keep that promise across each other: an `alone` notebook waits
until every other notebook of every run has finished, and none starts while it runs.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager


class Gate:
    def __init__(self) -> None:
        self._turn = threading.Condition()
        self._shared = 0
        self._exclusive = False
        self._waiting = 0  # exclusive holders waiting: new shared holders wait behind them

    @contextmanager
    def shared(self) -> Iterator[None]:
        with self._turn:
            self._turn.wait_for(lambda: not self._exclusive and not self._waiting)
            self._shared += 1
        try:
            yield
        finally:
            with self._turn:
                self._shared -= 1
                self._turn.notify_all()

    @contextmanager
    def exclusive(self) -> Iterator[None]:
        with self._turn:
            self._waiting += 1
            self._turn.wait_for(lambda: not self._exclusive and not self._shared)
            self._waiting -= 1
            self._exclusive = True
        try:
            yield
        finally:
            with self._turn:
                self._exclusive = False
                self._turn.notify_all()
