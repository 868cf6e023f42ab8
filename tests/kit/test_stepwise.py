"""A long cell's progress: one display line per loop or long call, updated in place, the
last step left showing; outside a kernel a plain loop; an interrupted cell stops its work.
(The kernel's display is replaced by a list of what it was asked to show.)"""

from __future__ import annotations

import asyncio

import pytest

from runeframe_nb import stepwise

Shown = list[tuple[str, int, int, str, bool]]


@pytest.fixture
def shown(monkeypatch: pytest.MonkeyPatch) -> Shown:
    seen: Shown = []
    monkeypatch.setattr(stepwise, "_ipython", lambda: object())
    monkeypatch.setattr(stepwise, "_show", lambda *line: seen.append(line))
    return seen


def test_outside_a_kernel_steps_is_a_plain_loop(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(stepwise, "_ipython", lambda: None)
    monkeypatch.setattr(stepwise, "_show", lambda *line: pytest.fail(f"shown: {line}"))
    assert list(stepwise.steps([1, 2], "level")) == [1, 2]


def test_each_step_updates_one_line_and_the_last_says_done(shown: Shown) -> None:
    assert list(stepwise.steps(["a", "b", "c"], "sweep level", name=str.upper)) == ["a", "b", "c"]
    assert [(text, done, total) for text, done, total, _, _ in shown] == [
        ("sweep level 1/3: A", 0, 3),
        ("sweep level 2/3: B", 1, 3),
        ("sweep level 3/3: C", 2, 3),
        ("sweep level 3/3 done", 3, 3),
    ]
    assert len({display for _, _, _, display, _ in shown}) == 1
    assert [update for *_, update in shown] == [False, True, True, True]


async def test_a_long_call_ticks_and_ends_with_its_time_and_result(shown: Shown) -> None:
    async def work() -> str:
        await asyncio.sleep(0.35)
        return "result"

    assert await stepwise.ticking(work(), "load test", 300, every=0.1) == "result"
    texts = [text for text, *_ in shown]
    assert texts[0] == "load test: 0 s of 300" and len(texts) >= 3
    assert texts[-1] == "load test: done in 0 s"
    assert [update for *_, update in shown] == [False] + [True] * (len(shown) - 1)


async def test_an_interrupted_cell_cancels_its_work(shown: Shown) -> None:
    stopped = asyncio.Event()

    async def work() -> None:
        try:
            await asyncio.sleep(60)
        finally:
            stopped.set()

    cell = asyncio.ensure_future(stepwise.ticking(work(), "load test", every=0.05))
    await asyncio.sleep(0.12)
    cell.cancel()
    with pytest.raises(asyncio.CancelledError):
        await cell
    await asyncio.wait_for(stopped.wait(), 1)
