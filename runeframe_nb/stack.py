"""The embedded stack: `runeframe-stack up` in a child process, on free ports, fresh data.

The kit never imports the stack; it runs it as a process, as a tester would. The
process is forked from a warm interpreter that imported the stack's code once
(runeframe_process.warm), so a runner or a test session that starts many stacks pays
for those imports once. The child dies with its parent (PR_SET_PDEATHSIG), so a killed
kernel or runner leaves no services behind.
"""

from __future__ import annotations

import random
import secrets
import shutil
import tempfile
import time
from pathlib import Path
from types import TracebackType
from typing import Any

import httpx
import yaml

from runeframe_process import last_error, port_free, stop, warm

from .errors import StackStartError
from .extras import require
from .network import Tls
from .profiles import SERVICES

BASE_PORTS = {name: 8000 + i for i, name in enumerate(SERVICES)}
# what `runeframe-stack up` imports before it serves: imported once by the process that
# starts stacks, every stack after the first starts without that second of CPU
WARM = (
    "runeframe_stack.cli",
    "runeframe_stack.supervisor",
    *(f"runeframe_stack.{name}.app" for name in SERVICES),
)


def ephemeral_ports() -> range:
    """The kernel's range for outgoing connections, whose ports may be taken at any moment."""
    try:
        low, high = map(int, Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split())
    except (OSError, ValueError):
        low, high = 32768, 60999
    return range(low, high + 1)


def free_port_block(count: int, rng: random.Random | None = None) -> int:
    """The first of `count` consecutive free ports.

    The ports come from below the ephemeral range, so an outgoing connection cannot
    take one between this check and the service's bind.
    """
    rng = rng or random.Random()
    ephemeral = ephemeral_ports()
    top = ephemeral.start if ephemeral.start > 12000 else 65000
    bottom = 10000 if ephemeral.start > 12000 else ephemeral.stop + 10
    for _ in range(200):
        base = rng.randrange(bottom, top - count, 10)
        if all(port_free(base + i) for i in range(count)):
            return base
    raise StackStartError(f"no {count} free consecutive ports found between {bottom} and {top}")


def free_port_offset(rng: random.Random | None = None) -> int:
    """An offset that puts all five services on free ports (8000+offset ...)."""
    return free_port_block(len(SERVICES), rng) - 8000


class EmbeddedStack:
    def __init__(
        self,
        settings: dict[str, Any] | None = None,
        *,
        log_path: Path | None = None,
        data_dir: Path | None = None,
        startup_timeout: float = 60.0,
        port_offset: int | None = None,
    ) -> None:
        self.settings = dict(settings or {})
        self.port_offset = port_offset  # None: free ports found at start
        self.log_path = log_path
        self.startup_timeout = startup_timeout
        self._own_data_dir = data_dir is None
        self.data_dir = data_dir or Path(tempfile.mkdtemp(prefix="runeframe-nb-stack-"))
        self.urls: dict[str, str] = {}
        self.process: warm.WarmChild | None = None

    def __enter__(self) -> EmbeddedStack:
        self.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    @property
    def tls(self) -> Tls:
        """What trusts the stack's own HTTPS (settings `tls` and `ca_bundle`), if it serves it:
        its CA bundle, and its certificate when it asks clients for one."""
        served = self.settings.get("tls") or {}
        ca = self.settings.get("ca_bundle")
        mutual = served.get("client_ca") is not None
        return Tls(
            ca_bundle=Path(ca) if ca else None,
            client_cert=Path(served["cert"]) if mutual else None,
            client_key=Path(served["key"]) if mutual else None,
        ).resolved()

    @property
    def log_file(self) -> Path:
        return self.log_path or self.data_dir / "stack.log"

    def start(self) -> dict[str, str]:
        require("stack", "starlette", "an embedded profile's stack", StackStartError)
        config = self.data_dir / "stack.yaml"
        settings = dict(self.settings)
        if not settings.get("namespace"):
            # schemas and Redis keys of this stack alone; the schemas go when it stops
            settings["namespace"] = f"rf{secrets.token_hex(4)}_"
        config.write_text(yaml.safe_dump(settings))
        scheme = "https" if settings.get("tls") else "http"
        for _attempt in range(3):
            offset = self.port_offset if self.port_offset is not None else free_port_offset()
            self.urls = {n: f"{scheme}://127.0.0.1:{p + offset}" for n, p in BASE_PORTS.items()}
            arguments = [
                "up",
                "--port-offset",
                str(offset),
                "--data-dir",
                str(self.data_dir / "data"),
                "--config",
                str(config),
                *(["--temporary"] if self._own_data_dir else []),
            ]
            self.process = warm.start("runeframe_stack", arguments, self.log_file, WARM)
            failure = self._wait_ready()
            if failure is None:
                return self.urls
            said = last_error(self.log_file)
            if said and "already in use" not in said:
                break  # the stack said why: retrying will not help
        self.stop()
        raise StackStartError(f"runeframe-stack did not start: {said or failure}")

    def _wait_ready(self) -> str | None:
        """None once every service answers /healthz; else what went wrong."""
        assert self.process is not None
        deadline = time.monotonic() + self.startup_timeout
        pending = dict(self.urls)
        with httpx.Client(timeout=1.0, verify=self.tls.context()) as client:
            while pending and time.monotonic() < deadline:
                code = self.process.poll()
                if code is not None:
                    return f"it exited with code {code} before it was ready, saying nothing"
                for name, url in list(pending.items()):
                    try:
                        if client.get(f"{url}/healthz").status_code == 200:
                            del pending[name]
                    except httpx.HTTPError:
                        pass
                time.sleep(0.05)
        if pending:
            self._terminate()
            return f"{', '.join(pending)} not ready after {self.startup_timeout:.0f} s"
        return None

    def _terminate(self) -> None:
        if self.process is not None:
            stop(self.process, 15)

    def stop(self) -> None:
        self._terminate()
        if self._own_data_dir:
            shutil.rmtree(self.data_dir, ignore_errors=True)
