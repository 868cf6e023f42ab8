"""Ids the services give: the kind's prefix and 48 random bits, never the same twice."""

from __future__ import annotations

import re

from runeframe_stack.core.ids import new_id


def test_an_id_is_its_kinds_prefix_and_twelve_hex_digits() -> None:
    for prefix in ("sim", "txn", "msg"):
        assert re.fullmatch(rf"{prefix}_[0-9a-f]{{12}}", new_id(prefix))


def test_ids_do_not_repeat() -> None:
    made = [new_id("sim") for _ in range(10_000)]
    assert len(set(made)) == len(made)
