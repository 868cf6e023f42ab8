"""The load engine in one process: the closed and the open model on one event loop."""

from __future__ import annotations

import asyncio
import itertools
import random
import time
from collections.abc import Coroutine
from time import perf_counter as clock
from typing import Any

from .plan import LoadPlan, Scenario
from .stats import Measurements
from .user import VirtualUser, expire_overdue, hit_target

SELF_LOOK = 0.05  # seconds between the generator's looks at its own load
TIMER_SLACK = 0.0005  # seconds; the event loop's timers are about a millisecond coarse


async def run_plan(plan: LoadPlan, start_at: float | None = None) -> Measurements:
    """Run `plan` here; `start_at` (wall-clock time) lines several processes up."""
    if start_at is not None:
        await asyncio.sleep(max(0.0, start_at - time.time()))
    recorder = Measurements(started=clock())
    scenario = plan.scenario or hit_target
    deadline = clock() + plan.duration if plan.duration is not None else None
    looking = asyncio.ensure_future(_watch_self(recorder))
    try:
        if plan.rate is None:
            await _closed(plan, scenario, recorder, deadline)
        else:
            await _open(plan, scenario, recorder, deadline)
    finally:
        looking.cancel()
    recorder.elapsed = clock() - recorder.started
    return recorder


async def _watch_self(recorder: Measurements) -> None:
    """Note the generator's own CPU and how late its loop wakes, every `SELF_LOOK`
    seconds: a generator out of either limits the run, not the target."""
    cpu = time.process_time()
    while True:
        expected = clock() + SELF_LOOK
        await asyncio.sleep(SELF_LOOK)
        now, spent = clock(), time.process_time()
        recorder.own_load(now, spent - cpu, int(max(0.0, now - expected) * 1e6))
        cpu = spent


async def _closed(
    plan: LoadPlan, scenario: Scenario, recorder: Measurements, deadline: float | None
) -> None:
    budget = [plan.requests if plan.requests is not None else -1]
    pause = plan.think_time
    jitter = random.Random(0)  # reproducible pauses

    async def live(user: VirtualUser) -> None:
        try:
            if pause:  # users arrive spread over one pause, not all in the same instant
                await asyncio.sleep(jitter.uniform(0, pause))
            own = plan.requests_per_user
            while deadline is None or clock() < deadline:
                if budget[0] == 0 or own == 0:
                    return
                budget[0] -= 1
                own = own - 1 if own is not None else None
                await scenario(user)
                if pause and budget[0] != 0 and own != 0:  # about think_time, not in lockstep
                    await asyncio.sleep(pause * jitter.uniform(0.5, 1.5))
        finally:
            user.close()

    users = [VirtualUser(n, plan, recorder) for n in range(plan.users)]
    await _with_watchdog(users, plan.timeout, *(live(user) for user in users))


async def _open(
    plan: LoadPlan, scenario: Scenario, recorder: Measurements, deadline: float | None
) -> None:
    """Iterations due at the plan's rate, taken in turn by `users` virtual users (a
    connection each), as wrk2 does: a user still busy when the next iteration was due
    starts it late, and latency counts from when it was due, so a stall shows in the
    percentiles instead of slowing the arrivals. No task or connection per iteration: an
    open model costs what a closed one does."""
    assert plan.rate is not None
    interval = 1.0 / plan.rate
    started = clock()
    slots = itertools.count()

    async def live(user: VirtualUser) -> None:
        try:
            while True:
                slot = next(slots)
                due = started + slot * interval
                if deadline is not None and due >= deadline:
                    return
                if plan.requests is not None and slot >= plan.requests:
                    return
                early = due - clock()
                if early > TIMER_SLACK:  # timers wake late: sleep a little short of it
                    await asyncio.sleep(early - TIMER_SLACK)
                user.intended = due
                await scenario(user)
        finally:
            user.close()

    users = [VirtualUser(n, plan, recorder) for n in range(plan.users)]
    await _with_watchdog(users, plan.timeout, *(live(user) for user in users))


async def _with_watchdog(
    users: list[VirtualUser], patience: float, *lives: Coroutine[Any, Any, None]
) -> None:
    """Run the users' lives while one watchdog fails requests past `patience` (checked a
    few times per timeout, at least once a second): one timer for the run instead of a
    timer per request, which cost a tenth of the engine's time."""

    async def watch() -> None:
        while True:
            await asyncio.sleep(min(1.0, patience / 4))
            expire_overdue(users, patience)

    watchdog = asyncio.ensure_future(watch())
    try:
        await asyncio.gather(*lives)
    finally:
        watchdog.cancel()
