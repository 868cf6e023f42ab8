"""A timing notebook runs alone in a parallel run: the lock the workers share (conftest.py)."""

from __future__ import annotations

import importlib.util
import tempfile
import threading
import time
from pathlib import Path
from types import ModuleType

import pytest

ROOT_CONFTEST = Path(__file__).parents[2] / "conftest.py"


def root_conftest() -> ModuleType:
    spec = importlib.util.spec_from_file_location("suite_turns", ROOT_CONFTEST)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def started(target: object, *args: object) -> threading.Thread:
    thread = threading.Thread(target=target, args=args, daemon=True)  # type: ignore[arg-type]
    thread.start()
    time.sleep(0.2)
    return thread


def test_a_test_alone_waits_for_the_others_and_no_newcomer_overtakes_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    turns = root_conftest().Turns
    running, timing, newcomer = turns("run"), turns("run"), turns("run")
    running.take(alone=False)
    wants_alone = started(timing.take, True)
    assert wants_alone.is_alive()  # another test is running
    arrives = started(newcomer.take, False)
    assert arrives.is_alive()  # shared would do, but the timing test waits first
    running.give_back()
    wants_alone.join(2)
    assert not wants_alone.is_alive() and timing.alone
    time.sleep(0.2)
    assert arrives.is_alive()  # still out while the timing test runs
    timing.give_back()
    arrives.join(2)
    assert not arrives.is_alive()
    beside = started(running.take, False)
    assert not beside.is_alive()  # the others share the machine with each other
    for turns_ in (running, timing, newcomer):
        turns_.close()
