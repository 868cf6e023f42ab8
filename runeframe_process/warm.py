"""`python -m module args` forked from a warm interpreter instead of started cold.

A command such as `runeframe-stack up` spends a second of CPU importing its libraries
before it does anything. A tester's run starts one; a mutation run starts one per
trial, and a test session dozens. The first start here launches the standard library's
fork server (multiprocessing's "forkserver") with the command's modules imported; each
start after that forks a copy of it in milliseconds.

The child runs as a fresh `python -m` would: the parent's environment, working directory
and arguments as they are at the start, its output appended to a log, its SystemExit's
exit code. It is stopped (SIGTERM) when the parent exits, and dies with the fork server,
which ends with the parent, when the parent is killed. Unlike the fork
server's other children, it does not import the parent's `__main__` again first: a
tester's script without a `__main__` guard that starts a stack must not run twice.

Two things to know. A library that finds the command line through the environment (as
setproctitle does) must look while the fork server imports it, since the child's
environment is replaced. Had something else in the process started the fork server
first, without this module, a start is only as slow as a cold one, and the parent's
`__main__` needs its guard.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import runpy
import subprocess
import sys
from collections.abc import Mapping, Sequence
from multiprocessing import spawn
from multiprocessing.context import ForkServerContext
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any

from . import die_with_parent

_SERVER: ForkServerContext = multiprocessing.get_context("forkserver")
_NAME = "warm "  # how a child of ours is named to the fork server
_prepare = spawn.prepare


def _prepare_without_main(data: Mapping[str, Any]) -> None:
    """multiprocessing's preparation of a child, less the parent's `__main__` for ours."""
    if str(data.get("name", "")).startswith(_NAME):
        data = {k: v for k, v in data.items() if not k.startswith("init_main_from")}
    _prepare(data)


spawn.prepare = _prepare_without_main  # the fork server imports this module: its children


class WarmChild:
    """The started command, answering as a `subprocess.Popen` does where `stop` asks."""

    def __init__(self, process: BaseProcess) -> None:
        self._process = process
        assert process.pid is not None
        self.pid: int = process.pid

    @property
    def returncode(self) -> int | None:
        return self._process.exitcode

    def poll(self) -> int | None:
        return self._process.exitcode

    def wait(self, timeout: float | None = None) -> int:
        self._process.join(timeout)
        if self._process.exitcode is None:
            raise subprocess.TimeoutExpired(self._process.name, timeout or 0.0)
        return self._process.exitcode

    def terminate(self) -> None:
        self._process.terminate()

    def kill(self) -> None:
        self._process.kill()


def start(
    module: str,
    arguments: Sequence[str],
    log: Path,
    preload: Sequence[str],
    *,
    environment: Mapping[str, str] | None = None,
    niceness: int = 0,
) -> WarmChild:
    """`python -m module *arguments`, forked from a server that imported `preload` once,
    with `environment` (this process's by default) and `niceness` added to its own."""
    _SERVER.set_forkserver_preload([__name__, *preload])  # read when the server starts
    given = dict(os.environ if environment is None else environment)
    process = _SERVER.Process(
        target=_run_module,
        args=(module, list(arguments), given, str(log), niceness),
        name=_NAME + module,
        daemon=True,  # the parent's exit stops it (SIGTERM), never waits for it
    )
    process.start()
    return WarmChild(process)


def _run_module(
    module: str, arguments: list[str], environment: dict[str, str], log: str, niceness: int
) -> None:
    """The child: as `python -m` would run it, with the parent's environment and a log."""
    die_with_parent()
    _let_the_server_go()
    multiprocessing.current_process().daemon = False  # it may have children, as any process
    if niceness:
        os.nice(niceness)
    os.environ.clear()
    os.environ.update(environment)
    fd = os.open(log, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    os.dup2(fd, 1)
    os.dup2(fd, 2)
    os.close(fd)
    sys.argv = [module, *arguments]
    runpy.run_module(module, run_name="__main__", alter_sys=True)


def _let_the_server_go() -> None:
    """Close what the fork server gives each child so that it may ask for children of its
    own: the pipe that tells the server its parent is gone, and the resource tracker's.
    A child holding them keeps the server alive after the parent died, and the server
    alive keeps the child: neither would end. Each is forgotten as well, so that a fork
    server or tracker of the child's own starts afresh, never writing to a number the
    child has since given to a file of its own."""
    from multiprocessing import forkserver, resource_tracker

    for holder, name in (
        (getattr(forkserver, "_forkserver", None), "_forkserver_alive_fd"),
        (getattr(resource_tracker, "_resource_tracker", None), "_fd"),
    ):
        fd = getattr(holder, name, None)
        if isinstance(fd, int):
            with contextlib.suppress(OSError):
                os.close(fd)
            setattr(holder, name, None)
