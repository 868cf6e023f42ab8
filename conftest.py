"""Measurements run alone in a parallel run; the notebooks share a stack per worker.

Some notebooks' verdicts are timings: the performance thresholds and sweep, and
fuzzing's "no request stays open for a second". Beside another worker's stacks on a
two-core machine they would measure that worker. So pytest-xdist's workers share one
lock file: every test holds it shared, and the cells of a notebook in `ALONE_NOTEBOOKS`
hold it exclusively, from the first to the last. A turnstile in front keeps the others
from overtaking a notebook that waits to be alone.
"""

from __future__ import annotations

import fcntl
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import pytest

from runeframe_nb.environment import Environment, open_environment
from runeframe_nb.profiles import load_profile

ALONE_NOTEBOOKS = frozenset({"08_performance.ipynb", "11_schema_fuzzing.ipynb"})


class Turns:
    """The shared lock of one parallel run, and its turnstile (two files, flock)."""

    def __init__(self, run: str) -> None:
        folder = Path(tempfile.gettempdir())
        self._turnstile: IO[bytes] = open(folder / f"runeframe-tests-{run}.turnstile", "ab")  # noqa: SIM115
        self._lock: IO[bytes] = open(folder / f"runeframe-tests-{run}.lock", "ab")  # noqa: SIM115
        self.alone = False

    def take(self, alone: bool) -> None:
        fcntl.flock(self._turnstile, fcntl.LOCK_EX)
        try:
            fcntl.flock(self._lock, fcntl.LOCK_EX if alone else fcntl.LOCK_SH)
        finally:
            fcntl.flock(self._turnstile, fcntl.LOCK_UN)
        self.alone = alone

    def give_back(self) -> None:
        fcntl.flock(self._lock, fcntl.LOCK_UN)
        self.alone = False

    def close(self) -> None:
        self._turnstile.close()
        self._lock.close()


_turns: Turns | None = None
_shared: Environment | None = None


def _shared_stack() -> dict[str, str]:
    """The variables that point a notebook's `local` profile at this worker's stack, started
    with the first of a row of notebooks (with the profile's fixtures) and stopped after the
    last, as `runeframe-nb run` gives one stack to all its kernels: a stack of its own costs
    a notebook 3 CPU-seconds, and a stack left idle costs 0.04 CPU-seconds a second."""
    global _shared
    if _shared is None:
        _shared = open_environment(load_profile("local"))
    return _shared.variables()


def _stop_shared_stack() -> None:
    global _shared
    if _shared is not None:
        _shared.close()
        _shared = None


@pytest.hookimpl(hookwrapper=True, tryfirst=True)  # outside pytest-timeout's clock
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    global _turns
    run = os.environ.get("PYTEST_XDIST_TESTRUNUID")
    if run is None:  # not a parallel run: nothing to share the machine with
        yield
        return
    if _turns is None:
        _turns = Turns(run)
    alone = item.path.name in ALONE_NOTEBOOKS
    if not (alone and _turns.alone):  # a notebook alone holds on from its first cell
        _turns.take(alone)
    yield
    if not (alone and nextitem is not None and nextitem.path == item.path):
        _turns.give_back()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_setup(item: pytest.Item) -> Iterator[None]:
    """A notebook's kernel starts with its first cell's setup, and takes the shared stack's
    variables with it; the other tests never see them."""
    if item.path.suffix != ".ipynb":
        yield
        return
    variables = _shared_stack()
    os.environ.update(variables)
    try:
        yield
    finally:
        for variable in variables:
            os.environ.pop(variable, None)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    yield
    if item.path.suffix == ".ipynb" and (nextitem is None or nextitem.path.suffix != ".ipynb"):
        _stop_shared_stack()  # after the kernel, which nbval stops with the file's last cell


def pytest_sessionfinish(session: pytest.Session) -> None:
    if _turns is not None:
        _turns.close()
    _stop_shared_stack()
