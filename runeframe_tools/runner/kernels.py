"""Kernels started ahead of need, so a notebook never waits for one to boot.

Starting an IPython kernel costs about half a second, most of a trivial notebook's run.
The pool keeps up to `size` kernels booted while earlier notebooks execute, starts no
more than the run needs, and shuts used kernels down in the background. Kernels talk
over IPC sockets in a private folder: no TCP ports to race for, nothing on the network.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import queue
import shutil
import tempfile
import threading
from collections.abc import Mapping
from concurrent.futures import Future, wait
from pathlib import Path
from typing import IO

from jupyter_client.manager import AsyncKernelManager

from runeframe_nb.errors import RunError

KERNEL_ENV = {
    "PYDEVD_DISABLE_FILE_VALIDATION": "1",  # debugpy's warning on frozen modules
    "JUPYTER_PLATFORM_DIRS": "1",
}


class KernelPool:
    def __init__(
        self,
        size: int,
        needed: int,
        *,
        cwd: Path,
        env: Mapping[str, str] | None = None,
        log: IO[bytes] | None = None,
        kernel_name: str = "python3",
        start_timeout: float = 60.0,
    ) -> None:
        self.size = max(1, size)
        self._to_start = needed
        self.cwd = cwd
        self.env = {**os.environ, **KERNEL_ENV, **(env or {})}
        self.log = log
        self.kernel_name = kernel_name
        self.start_timeout = start_timeout
        self._ready: queue.Queue[AsyncKernelManager | BaseException] = queue.Queue()
        self._live: set[AsyncKernelManager] = set()
        self._pending: set[Future[None]] = set()  # boots and shutdowns under way
        self.interrupted = False
        self._lock = threading.Lock()
        self._sockets = Path(tempfile.mkdtemp(prefix="rfk-"))
        self._counter = 0
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._thread.start()
        for _ in range(min(self.size, needed)):
            self._start_one()

    def _start_one(self) -> None:
        with self._lock:
            if self._to_start <= 0:
                return
            self._to_start -= 1
            self._counter += 1
            number = self._counter
        self._track(asyncio.run_coroutine_threadsafe(self._boot(number), self._loop))

    def _track(self, future: Future[None]) -> None:
        with self._lock:
            self._pending.add(future)
        future.add_done_callback(self._pending.discard)

    async def _boot(self, number: int) -> None:
        km = AsyncKernelManager(
            kernel_name=self.kernel_name, transport="ipc", ip=str(self._sockets / f"k{number}")
        )
        try:
            await asyncio.wait_for(
                km.start_kernel(cwd=str(self.cwd), env=self.env, stdout=self.log, stderr=self.log),
                self.start_timeout,
            )
        except BaseException as exc:  # handed to whoever waits for this kernel
            self._ready.put(exc)
            return
        with self._lock:
            self._live.add(km)
            late = self.interrupted
        if late:  # Ctrl-C came while it booted: nobody may run a notebook on it
            await self._stop(km)
            return
        self._ready.put(km)

    def take(self) -> AsyncKernelManager:
        """A started kernel for one notebook; a replacement starts booting at once."""
        got = self._ready.get()
        if self.interrupted:
            if not isinstance(got, BaseException):
                self.release(got)
            raise RunError("interrupted before its kernel was ready")
        self._start_one()
        if isinstance(got, BaseException):
            raise RunError(f"a kernel did not start: {got}")
        return got

    def release(self, km: AsyncKernelManager) -> None:
        """Shut a used kernel down without waiting for it (`close` waits)."""
        self._track(asyncio.run_coroutine_threadsafe(self._stop(km), self._loop))

    async def _stop(self, km: AsyncKernelManager) -> None:
        with self._lock:
            self._live.discard(km)
        with contextlib.suppress(Exception):  # already dead: nothing left to stop
            await km.shutdown_kernel(now=True)
        km.context.destroy(linger=0)

    def interrupt(self) -> None:
        """Ctrl-C: kill every kernel, busy ones too; their notebooks end as interrupted,
        and a notebook still waiting for a kernel stops waiting."""
        with self._lock:
            self.interrupted = True
        self.kill_all()
        for _ in range(self.size):
            self._ready.put(RunError("interrupted"))

    def kill_all(self) -> None:
        """Stop every kernel now, busy ones too."""
        with self._lock:
            self._to_start = 0
            live = list(self._live)
        for km in live:
            asyncio.run_coroutine_threadsafe(self._stop(km), self._loop).result(timeout=15)

    def close(self) -> None:
        """Stop every kernel (booting ones once they are up) and release the pool's loop."""
        with self._lock:
            self._to_start = 0
            pending = list(self._pending)
        patience = 5.0 if self.interrupted else self.start_timeout  # Ctrl-C means now
        wait(pending, timeout=patience)
        self.kill_all()
        with self._lock:
            pending = list(self._pending)
        wait(pending, timeout=min(patience, 15))
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)
        self._loop.close()
        shutil.rmtree(self._sockets, ignore_errors=True)
