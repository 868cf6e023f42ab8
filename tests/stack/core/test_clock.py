"""Timestamps as the services write them: UTC, milliseconds, and text order is time order."""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime

from runeframe_stack.core.clock import now_iso

SHAPE = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z")


def test_a_timestamp_is_utc_with_milliseconds_and_reads_back_as_now() -> None:
    stamp = now_iso()
    assert SHAPE.fullmatch(stamp), stamp
    read = datetime.fromisoformat(stamp)
    assert read.tzinfo is not None and read.utcoffset().total_seconds() == 0  # type: ignore[union-attr]
    assert abs((datetime.now(UTC) - read).total_seconds()) < 1


def test_timestamps_taken_in_order_sort_in_order_as_text() -> None:
    stamps = []
    for _ in range(50):
        stamps.append(now_iso())
        time.sleep(0.0005)
    assert stamps == sorted(stamps)
    assert len(set(stamps)) > 1  # the milliseconds move
