"""A long cell's progress, step by step: `for level in steps(levels, "sweep level")`, or
`await ticking(load.run(plan), "load test", 300)` for one long call.

In JupyterLab the cell shows one line that updates in place ("sweep level 3/5: 100");
the runner reads the same line from the kernel's messages and shows it in the
notebook's row, so a five-minute cell says where it is. Outside a kernel (the command
line) it is a plain loop. The line left in the notebook is the last step reached, so a
cell that stopped half-way says where.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Awaitable, Callable, Iterable, Iterator
from typing import TypeVar

from .recorder import METADATA_KEY, _ipython

T = TypeVar("T")


def _show(text: str, done: int, total: int, display_id: str, update: bool) -> None:
    from IPython.display import display

    progress = {"text": text, "done": done, "total": total}
    display(
        {"text/plain": text},
        raw=True,
        metadata={METADATA_KEY: {"progress": progress}},
        display_id=display_id,
        update=update,
    )


def steps(items: Iterable[T], label: str, name: Callable[[T], object] = str) -> Iterator[T]:
    """Yield `items`, showing "label done/total: name(item)" before each one."""
    todo = list(items)
    if _ipython() is None:
        yield from todo
        return
    display_id = uuid.uuid4().hex
    total = len(todo)
    for done, item in enumerate(todo):
        _show(f"{label} {done + 1}/{total}: {name(item)}", done, total, display_id, done > 0)
        yield item
    _show(f"{label} {total}/{total} done", total, total, display_id, total > 0)


async def ticking(
    work: Awaitable[T], label: str, expected: float | None = None, every: float = 5.0
) -> T:
    """Await `work`, reporting "label: 35 s of 300" (or "label: 35 s") every `every`
    seconds: the steps of a long call that has no items to step through."""
    if _ipython() is None:
        return await work
    display_id = uuid.uuid4().hex
    task = asyncio.ensure_future(work)
    started = time.perf_counter()
    of = f" of {expected:g}" if expected else ""
    shown = False
    try:
        while not (await asyncio.wait({task}, timeout=every))[0]:
            elapsed = time.perf_counter() - started
            _show(f"{label}: {elapsed:.0f} s{of}", 0, 1, display_id, shown)
            shown = True
    finally:
        if not task.done():  # the cell was interrupted: so is the work
            task.cancel()
    elapsed = time.perf_counter() - started
    _show(f"{label}: done in {elapsed:.0f} s", 1, 1, display_id, shown)
    return task.result()
