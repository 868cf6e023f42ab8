"""`eventually` reads again until the answer holds, within its bound, and then hands back
the last answer (or raises the last 'not yet' error) for the check to judge."""

from __future__ import annotations

import time

import pytest

from runeframe_nb import eventually
from runeframe_nb.errors import ApiError


def reader(*answers: object):  # type: ignore[no-untyped-def]
    """A read that gives `answers` in turn (raising those that are errors), then the last."""
    given = list(answers)
    calls: list[float] = []

    async def read() -> object:
        calls.append(time.monotonic())
        answer = given.pop(0) if len(given) > 1 else given[0]
        if isinstance(answer, BaseException):
            raise answer
        return answer

    read.calls = calls  # type: ignore[attr-defined]
    return read


async def test_it_reads_until_the_answer_holds() -> None:
    read = reader([], [], ["reward"])
    assert await eventually(read, within=5) == ["reward"]
    assert len(read.calls) == 3  # type: ignore[attr-defined]


async def test_a_lambda_that_returns_a_coroutine_is_awaited() -> None:
    read = reader([], ["message"])
    assert await eventually(lambda: read(), within=5) == ["message"]


async def test_after_the_bound_the_last_answer_comes_back() -> None:
    read = reader([])
    started = time.monotonic()
    assert await eventually(read, lambda found: len(found) > 0, within=0.3) == []
    assert 0.3 <= time.monotonic() - started < 1.0
    assert len(read.calls) > 2  # type: ignore[attr-defined]


async def test_errors_named_as_not_yet_are_read_again() -> None:
    missing = ApiError(404, "not_found", "no account yet")
    read = reader(missing, missing, {"essence_coins": 100.0})
    assert await eventually(read, ignoring=ApiError, within=5) == {"essence_coins": 100.0}


async def test_a_not_yet_error_that_lasts_is_raised() -> None:
    read = reader(ApiError(404, "not_found", "no account"))
    with pytest.raises(ApiError, match="no account"):
        await eventually(read, ignoring=ApiError, within=0.2)


async def test_other_errors_are_not_waited_for() -> None:
    read = reader(ValueError("broken"), ["late"])
    with pytest.raises(ValueError, match="broken"):
        await eventually(read, ignoring=ApiError, within=5)
    assert len(read.calls) == 1  # type: ignore[attr-defined]
