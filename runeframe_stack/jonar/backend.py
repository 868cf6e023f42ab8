"""Where replicas run. The default backend starts real processes of a service on free ports.

A backend is anything with `start`, `exit_code` and `stop`; a Kubernetes backend would
create pods through the official client behind the same three calls. A replica is
`runeframe-stack serve` forked from a warm interpreter (runeframe_process.warm): the
first costs Jonar the stack's imports once, and each after starts without importing
them again, as scaling out should. Processes die with Jonar (PR_SET_PDEATHSIG), so
stopping the stack, or killing it, leaves none behind.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from runeframe_process import any_free_port, port_free, stop, warm

from ..core.errors import ApiError
from ..core.registry import Registry
from ..core.settings import ENV_VAR, SERVICES, StackSettings

# what `runeframe-stack serve` imports before it serves, whichever service it is
WARM = (
    "runeframe_stack.cli",
    "runeframe_stack.serve",
    *(f"runeframe_stack.{s}.app" for s in SERVICES),
)


class NoFreePort(ApiError):
    status, code = 422, "no_free_port"


@dataclass
class Replica:
    deployment_id: str
    index: int
    port: int
    url: str
    log_path: Path
    process: warm.WarmChild | None = None
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
        arguments = ["serve", component, "--port", str(replica.port), "--release", release]
        arguments.append("--plain")  # on loopback, behind Jonar's proxy, whatever the stack serves
        # off the event loop: the first start waits for the fork server's imports; the
        # replica yields the CPU to the services while it starts
        replica.process = await asyncio.to_thread(
            warm.start,
            "runeframe_stack",
            arguments,
            replica.log_path,
            WARM,
            environment={**os.environ, ENV_VAR: self.settings.to_env()},
            niceness=self.settings.jonar.replica_niceness,
        )
        replica.ready = False
        replica.started_at = asyncio.get_running_loop().time()

    def exit_code(self, replica: Replica) -> int | None:
        return None if replica.process is None else replica.process.returncode

    async def stop(self, replica: Replica, grace: float) -> None:
        """SIGTERM (uvicorn finishes requests in flight), then SIGKILL after `grace`."""
        if replica.process is not None:
            await asyncio.to_thread(stop, replica.process, grace)


BACKENDS.register("processes")(ProcessBackend)
