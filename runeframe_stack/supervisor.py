"""`runeframe-stack up`: every service in its own process, watched until told to stop.

The supervisor imports every service's code once and forks each service from itself,
as gunicorn forks its workers: a service's process starts in milliseconds instead of
importing its libraries again (half a second of CPU each), and shares those pages with
the others until it writes them. Children die with the supervisor (PR_SET_PDEATHSIG),
so even a SIGKILL of the supervisor leaves no orphan service behind. A service that
crashes is restarted.
"""

from __future__ import annotations

import importlib
import multiprocessing
import signal
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from multiprocessing.process import BaseProcess

import httpx
from setproctitle import getproctitle, setproctitle

from runeframe_process import die_with_parent, port_free

from .core.errors import StackError
from .core.settings import StackSettings
from .serve import serve

# setproctitle finds the command line through the environment, which a warm start
# (runeframe_process.warm) replaces: it looks now, when the fork server imports this
getproctitle()
READY_TIMEOUT = 30.0
# the supervisor runs no event loop and no thread when it forks: nothing to copy half-done
FORK = multiprocessing.get_context("fork")


def _serve(name: str, settings: StackSettings) -> None:
    """A service's process, forked from the supervisor: as a fresh one would be, it
    dies with its parent, answers signals as Python does and shows its name in `ps`."""
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    die_with_parent()
    # the supervisor's own stop ends it; it may start processes of its own (Jonar's replicas)
    multiprocessing.current_process().daemon = False
    setproctitle(f"runeframe-stack serve {name}")
    try:
        serve(name, settings)
    except StackError as exc:
        print(f"runeframe-stack: {name}: error: {exc}", file=sys.stderr, flush=True)
        sys.exit(2)


@dataclass
class ServiceProcess:
    name: str
    settings: StackSettings
    process: BaseProcess | None = None
    crashes: list[float] = field(default_factory=list)

    def start(self) -> None:
        self.process = FORK.Process(
            target=_serve, args=(self.name, self.settings), name=self.name, daemon=True
        )
        self.process.start()

    def exited(self) -> int | None:
        return None if self.process is None else self.process.exitcode

    def healthy(self, client: httpx.Client) -> bool:
        try:
            reply = client.get(f"{self.settings.url(self.name)}/healthz", timeout=1.0)
        except httpx.HTTPError:
            return False
        return reply.status_code == 200

    def stop(self, grace: float = 10.0) -> None:
        """SIGTERM (a server finishes what is in flight), then SIGKILL after `grace`."""
        if self.process is None or self.process.exitcode is not None:
            return
        self.process.terminate()
        self.process.join(grace)
        if self.process.exitcode is None:
            self.process.kill()
            self.process.join()


class Supervisor:
    def __init__(self, settings: StackSettings, services: Iterable[str]) -> None:
        self.settings = settings
        self.services = [ServiceProcess(name, settings) for name in services]
        self._stopping = False
        for svc in self.services:  # imported once here, where every fork finds it
            importlib.import_module(f"runeframe_stack.{svc.name}.app")

    def check_ports(self) -> None:
        for svc in self.services:
            port = self.settings.port(svc.name)
            if svc.name not in self.settings.urls and not port_free(port, self.settings.host):
                raise StackError(f"port {port} ({svc.name}) is already in use")

    def start(self) -> None:
        self.check_ports()
        for svc in self.services:
            svc.start()
        deadline = time.monotonic() + READY_TIMEOUT
        pending = list(self.services)
        with httpx.Client(verify=self.settings.client_ssl()) as client:
            while pending:
                for svc in list(pending):
                    code = svc.exited()
                    if code is not None:
                        self.stop()
                        raise StackError(f"{svc.name} exited with code {code} while starting")
                    if svc.healthy(client):
                        pending.remove(svc)
                if pending and time.monotonic() > deadline:
                    self.stop()
                    names = ", ".join(s.name for s in pending)
                    raise StackError(f"not ready after {READY_TIMEOUT:.0f} s: {names}")
                time.sleep(0.05)

    def watch(self) -> None:
        """Restart crashed services until SIGINT or SIGTERM; then stop them all."""
        previous = {
            sig: signal.signal(sig, self._on_signal) for sig in (signal.SIGINT, signal.SIGTERM)
        }
        try:
            while not self._stopping:
                for svc in self.services:
                    code = svc.exited()
                    if code is not None and not self._stopping:
                        self._restart(svc, code)
                time.sleep(0.2)
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
            self.stop()

    def _restart(self, svc: ServiceProcess, code: int) -> None:
        now = time.monotonic()
        svc.crashes = [t for t in svc.crashes if now - t < 60] + [now]
        if len(svc.crashes) > self.settings.restart_limit:
            self._stopping = True
            raise StackError(f"{svc.name} crashed {len(svc.crashes)} times in a minute")
        print(f"runeframe-stack: {svc.name} exited with code {code}; restarting", flush=True)
        svc.start()

    def _on_signal(self, signum: int, frame: object) -> None:
        self._stopping = True

    def stop(self) -> None:
        self._stopping = True
        for svc in self.services:
            if svc.process is not None and svc.process.exitcode is None:
                svc.process.terminate()
        for svc in self.services:
            svc.stop()
