"""Child processes on this machine, as the kit and the stack both run them.

The kit never imports the stack, nor the stack the kit; both start services as child
processes and need the same few things of the operating system, kept here once and
free of dependencies: a child that dies with its parent, a port check, a stop that
asks before it kills, and the line of a log that says why a child failed.
"""

from __future__ import annotations

import ctypes
import signal
import socket
import subprocess
from pathlib import Path
from typing import Protocol

_PR_SET_PDEATHSIG = 1


class Child(Protocol):
    """What `stop` asks of a child: a `subprocess.Popen`, or a warm start's (`warm`)."""

    def poll(self) -> int | None: ...
    def terminate(self) -> None: ...
    def kill(self) -> None: ...
    def wait(self, timeout: float | None = None) -> int: ...


def die_with_parent() -> None:
    """A child's `preexec_fn`: SIGTERM it when its parent dies (PR_SET_PDEATHSIG), so a
    killed parent, even by SIGKILL, leaves no orphan behind."""
    ctypes.CDLL("libc.so.6", use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


def port_free(port: int, host: str = "127.0.0.1") -> bool:
    """Whether a server could bind `port` now (as servers do, with SO_REUSEADDR)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
        return True


def any_free_port(host: str = "127.0.0.1") -> int:
    """A port the kernel has free now (for a child that is told its port)."""
    with socket.socket() as sock:
        sock.bind((host, 0))
        port: int = sock.getsockname()[1]
        return port


def stop(process: Child, grace: float) -> None:
    """SIGTERM (a server finishes what is in flight), then SIGKILL after `grace` seconds."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(grace)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def last_error(log: Path, limit: int = 300) -> str:
    """The log's last line that speaks of an error, else its last line ("" if none)."""
    try:
        lines = log.read_text(errors="replace").strip().splitlines()
    except OSError:
        return ""
    errors = [line for line in lines if "error" in line.lower()]
    return (errors or lines or [""])[-1].strip()[:limit]
