"""The load engine: closed and open models, HDR percentiles, one process per core.

    result = await load.run(LoadPlan(url, users=100, requests=5000))     # in a notebook
    result = load.run_sync(LoadPlan(url, rate=2000, duration=30, workers=2))
    result.summary(), result.endpoints(), result.timeline()

    async with load.Resources(env.urls) as watched:               # what the services spent
        result = await load.run(plan)

Scenarios are `async def scenario(user)` awaiting `user.get(...)`, `user.post(...)`,
`user.think(...)`; `engine="locust"` runs the same plan on Locust's distributed runner.
"""

from __future__ import annotations

from collections.abc import Callable

import uvloop

from ..errors import LoadError
from ..extras import require
from . import usl
from .engine import run_plan
from .plan import LoadPlan, Scenario, headers_from, tokens_from
from .resources import Resources, settled
from .stats import LoadResult, LoadVerdict
from .user import Reply, VirtualUser
from .workers import run_in_workers

__all__ = [
    "ENGINES",
    "LoadError",
    "LoadPlan",
    "LoadResult",
    "LoadVerdict",
    "Reply",
    "Resources",
    "Scenario",
    "VirtualUser",
    "headers_from",
    "run",
    "run_sync",
    "settled",
    "tokens_from",
    "usl",
]


async def run(plan: LoadPlan) -> LoadResult:
    """Run a plan from async code (a notebook): in this loop, or in worker processes.

    The requests it made are kept, tallied per endpoint and status, as evidence for the
    checks that judge the result (exchanges.tally)."""
    _own_workers_only(plan)
    if plan.workers == 1:
        recorder = await run_plan(plan)
        result = LoadResult(plan.model, "runeframe", recorder, plan.users, 1, plan.rate)
    else:
        import asyncio

        result = await asyncio.to_thread(run_in_workers, plan)
    _keep_evidence(plan, result)
    return result


def _keep_evidence(plan: LoadPlan, result: LoadResult) -> None:
    from ..environment import current
    from ..exchanges import tally

    env = current()
    found = [(s, u) for s, u in (env.urls.items() if env else ()) if plan.url.startswith(u)]
    if not found:
        return
    service, base_url = found[0]
    for (endpoint, status), count in result.recorder.statuses.items():
        tally(service, base_url, endpoint, status, count)


def _own_workers_only(plan: LoadPlan) -> None:
    if plan.remote_workers:
        raise LoadError("remote workers join Locust's runner: use the locust engine")


def _runeframe(plan: LoadPlan) -> LoadResult:
    _own_workers_only(plan)
    if plan.workers == 1:
        recorder = uvloop.run(run_plan(plan))
        return LoadResult(plan.model, "runeframe", recorder, plan.users, 1, plan.rate)
    return run_in_workers(plan)


def _locust(plan: LoadPlan) -> LoadResult:
    require("load", "locust", "the locust engine", LoadError)
    from .locust_engine import run_locust  # Locust (and gevent) load only when chosen

    return run_locust(plan)


# the engines a plan may run on, by name: a new engine is one more entry
ENGINES: dict[str, Callable[[LoadPlan], LoadResult]] = {
    "runeframe": _runeframe,
    "locust": _locust,
}


def run_sync(plan: LoadPlan, engine: str = "runeframe") -> LoadResult:
    """Run a plan from synchronous code (the command line, a benchmark) on the engine
    of that name."""
    try:
        chosen = ENGINES[engine]
    except KeyError:
        raise LoadError(f"unknown engine {engine!r}: one of {', '.join(ENGINES)}") from None
    return chosen(plan)
