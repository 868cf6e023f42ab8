"""The load engine in one process: the closed and the open model on one event loop."""

from __future__ import annotations

import asyncio
import random
import time
from time import perf_counter as clock

from .plan import LoadPlan, Scenario
from .stats import Recorder
from .user import Pool, VirtualUser, hit_target


async def run_plan(plan: LoadPlan, start_at: float | None = None) -> Recorder:
    """Run `plan` here; `start_at` (wall-clock time) lines several processes up."""
    if start_at is not None:
        await asyncio.sleep(max(0.0, start_at - time.time()))
    recorder = Recorder(started=clock())
    scenario = plan.scenario or hit_target
    deadline = clock() + plan.duration if plan.duration is not None else None
    if plan.rate is None:
        await _closed(plan, scenario, recorder, deadline)
    else:
        await _open(plan, scenario, recorder, deadline)
    recorder.elapsed = clock() - recorder.started
    return recorder


async def _closed(
    plan: LoadPlan, scenario: Scenario, recorder: Recorder, deadline: float | None
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
    await asyncio.gather(*(live(user) for user in users))


async def _open(
    plan: LoadPlan, scenario: Scenario, recorder: Recorder, deadline: float | None
) -> None:
    """Start iterations at the plan's rate, each timed from its intended start."""
    assert plan.rate is not None
    loop = asyncio.get_running_loop()
    pool = Pool(plan, size=plan.users)
    interval = 1.0 / plan.rate
    started = clock()
    running: set[asyncio.Task[None]] = set()
    count = 0

    async def iteration(number: int, intended: float) -> None:
        user = VirtualUser(number, plan, recorder, pool)
        user.intended = intended
        await scenario(user)

    while True:
        intended = started + count * interval
        if deadline is not None and intended >= deadline:
            break
        if plan.requests is not None and count >= plan.requests:
            break
        delay = intended - clock()
        if delay > 0:
            await asyncio.sleep(delay)
        task = loop.create_task(iteration(count, intended))
        running.add(task)
        task.add_done_callback(running.discard)
        count += 1
    if running:
        await asyncio.gather(*running)
    for connection in pool.free:
        connection.close()
