"""`runeframe-stack up`: every service in its own process, watched until told to stop.

Children die with the supervisor (PR_SET_PDEATHSIG), so even a SIGKILL of the
supervisor leaves no orphan service behind. A service that crashes is restarted.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass, field

import httpx

from runeframe_process import die_with_parent, port_free, stop

from .core.errors import StackError
from .core.settings import ENV_VAR, StackSettings

READY_TIMEOUT = 30.0


@dataclass
class ServiceProcess:
    name: str
    settings: StackSettings
    process: subprocess.Popen[bytes] | None = None
    crashes: list[float] = field(default_factory=list)

    def start(self) -> None:
        env = {**os.environ, ENV_VAR: self.settings.to_env()}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "runeframe_stack", "serve", self.name],
            env=env,
            preexec_fn=die_with_parent,
        )

    def exited(self) -> int | None:
        return None if self.process is None else self.process.poll()

    def healthy(self, client: httpx.Client) -> bool:
        try:
            reply = client.get(f"{self.settings.url(self.name)}/healthz", timeout=1.0)
        except httpx.HTTPError:
            return False
        return reply.status_code == 200

    def stop(self, grace: float = 10.0) -> None:
        if self.process is not None:
            stop(self.process, grace)


class Supervisor:
    def __init__(self, settings: StackSettings, services: Iterable[str]) -> None:
        self.settings = settings
        self.services = [ServiceProcess(name, settings) for name in services]
        self._stopping = False

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
            if svc.process is not None and svc.process.poll() is None:
                svc.process.terminate()
        for svc in self.services:
            svc.stop()
