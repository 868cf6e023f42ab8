"""The data factories: one seed builds the same data, whenever it is built."""

from __future__ import annotations

import time

import runeframe_nb as rf
from runeframe_nb import data


def build() -> list[dict[str, object]]:
    rf.reseed(42)
    return (
        data.UserFactory.build_batch(3)
        + data.SimulationFactory.build_batch(2)
        + data.TransactionFactory.build_batch(2)
    )


def test_the_same_seed_builds_the_same_data_a_second_later() -> None:
    """Timestamps between fixed bounds: Faker's default ends at "now", and a build that
    straddled a second built other data from the same seed."""
    first = build()
    time.sleep(1.05)
    assert build() == first
    assert all(data.EPOCH <= thing["created_at"] <= data.HORIZON for thing in first)
