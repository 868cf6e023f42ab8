"""A load plan: a bad one is one clear error."""

from __future__ import annotations

import pytest

from runeframe_nb import load


@pytest.mark.parametrize(
    ("plan", "message"),
    [
        ({"url": "ftp://x/", "duration": 1}, "is not an http:// or https:// URL"),
        ({"url": "http://127.0.0.1:x/", "duration": 1}, "has no valid port number"),
        ({"url": "http://x/"}, "give a duration"),
        ({"url": "http://x/", "duration": 1, "rate": -1}, "rate must be positive"),
    ],
)
def test_a_bad_plan_is_one_clear_error(plan: dict[str, object], message: str) -> None:
    with pytest.raises(load.LoadError, match=message):
        load.LoadPlan(**plan)  # type: ignore[arg-type]
