"""One load process per core: the plan is split, run in parallel, and the results merged.

Workers are spawned (not forked: the caller may be a kernel with threads), so a
scenario travels to them with cloudpickle, which also carries functions defined in a
notebook. They start together at one wall-clock instant once all are ready.
"""

from __future__ import annotations

import multiprocessing
import queue
import time
from typing import Any

import cloudpickle

from ..errors import LoadError
from .plan import LoadPlan
from .stats import LoadResult, Measurements

START_MARGIN = 0.3  # seconds between "all workers ready" and the shared start


def _worker(packed: bytes, number: int, ready: Any, go: Any, results: Any) -> None:
    import uvloop

    from .engine import run_plan

    plan: LoadPlan = cloudpickle.loads(packed)
    ready.put(number)
    start_at = go.get()
    try:
        recorder = uvloop.run(run_plan(plan, start_at))
        results.put((number, recorder.export(), None))
    except Exception as exc:  # reported to the parent as one line
        results.put((number, None, f"{type(exc).__name__}: {exc}"))


def _wait_ready(processes: list[Any], ready: Any, limit: float = 60.0) -> None:
    """Wait until every worker reports ready; a worker that dies first is an error."""
    deadline = time.monotonic() + limit
    waiting = len(processes)
    while waiting:
        try:
            ready.get(timeout=0.2)
            waiting -= 1
        except queue.Empty:
            dead = [p for p in processes if p.exitcode is not None]
            if dead:
                raise LoadError(
                    f"a load worker exited with code {dead[0].exitcode} before starting"
                ) from None
            if time.monotonic() > deadline:
                raise LoadError(f"load workers not ready after {limit:.0f} s") from None


def run_in_workers(plan: LoadPlan, timeout: float | None = None) -> LoadResult:
    context = multiprocessing.get_context("spawn")
    ready, go, results = context.Queue(), context.Queue(), context.Queue()
    processes = [
        context.Process(
            target=_worker,
            args=(cloudpickle.dumps(plan.share(n)), n, ready, go, results),
            daemon=True,
        )
        for n in range(plan.workers)
    ]
    for process in processes:
        process.start()
    try:
        _wait_ready(processes, ready)
        start_at = time.time() + START_MARGIN
        for _ in processes:
            go.put(start_at)
        limit = timeout or ((plan.duration or 0) + 600)
        merged = Measurements()
        for _ in processes:
            _, exported, error = results.get(timeout=limit)
            if error is not None:
                raise LoadError(f"a load worker failed: {error}")
            merged.merge(exported)
    finally:
        for process in processes:
            process.join(5)
            if process.is_alive():
                process.kill()
    return LoadResult(plan.model, "runeframe", merged, plan.users, plan.workers, plan.rate)
