"""Where replicas run. The default backend starts real processes of a service on free ports.

A backend is anything with `start`, `exit_code` and `stop`; a Kubernetes backend would
create pods through the official client behind the same three calls. Processes die
with Jonar (PR_SET_PDEATHSIG), so stopping the stack, or killing it, leaves none behind.
"""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from runeframe_process import any_free_port, die_with_parent, port_free, stop_async

from ..core.errors import ApiError
from ..core.registry import Registry
from ..core.settings import ENV_VAR, StackSettings


class NoFreePort(ApiError):
    status, code = 422, "no_free_port"


@dataclass
class Replica:
    deployment_id: str
    index: int
    port: int
    url: str
    log_path: Path
    process: asyncio.subprocess.Process | None = None
    ready: bool = False
    restarts: int = 0
    last_exit: str | None = None
    started_at: float = field(default_factory=lambda: asyncio.get_running_loop().time())

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process else None


class Backend(Protocol):
    async def start(self, replica: Replica, component: str, release: str) -> None: ...
    def exit_code(self, replica: Replica) -> int | None: ...
    async def stop(self, replica: Replica, grace: float) -> None: ...
    def free_port(self, taken: set[int]) -> int: ...


BACKENDS: Registry[Callable[[StackSettings], Backend]] = Registry("Jonar backend")


class ProcessBackend:
    def __init__(self, settings: StackSettings) -> None:
        self.settings = settings
        self.ports = settings.jonar.replica_ports

    def free_port(self, taken: set[int]) -> int:
        if self.ports is None:
            return any_free_port()
        low, high = self.ports
        for port in range(low, high + 1):
            if port not in taken and port_free(port):
                return port
        raise NoFreePort(f"no free port for a replica in {low}-{high}")

    async def start(self, replica: Replica, component: str, release: str) -> None:
        replica.log_path.parent.mkdir(parents=True, exist_ok=True)
        env = {**os.environ, ENV_VAR: self.settings.to_env()}
        with replica.log_path.open("ab") as log:
            replica.process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "runeframe_stack",
                "serve",
                component,
                "--port",
                str(replica.port),
                "--release",
                release,
                "--plain",  # on loopback, behind Jonar's proxy, whatever the stack serves
                stdout=log,
                stderr=log,
                env=env,
                preexec_fn=self._in_child,
            )
        replica.ready = False
        replica.started_at = asyncio.get_running_loop().time()

    def _in_child(self) -> None:
        """Run in the replica's process before it starts: it dies with Jonar, and yields
        the CPU to the services while it imports and starts."""
        die_with_parent()
        os.nice(self.settings.jonar.replica_niceness)

    def exit_code(self, replica: Replica) -> int | None:
        return None if replica.process is None else replica.process.returncode

    async def stop(self, replica: Replica, grace: float) -> None:
        """SIGTERM (uvicorn finishes requests in flight), then SIGKILL after `grace`."""
        if replica.process is not None:
            await stop_async(replica.process, grace)


BACKENDS.register("processes")(ProcessBackend)
