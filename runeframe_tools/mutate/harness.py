"""A fresh embedded stack behind the fault proxy, for one mutant (or for a control).

The proxy starts first, on ten ports of its own: the kit is given the five `front` ones,
and the stack's settings name the five `peer` ones as where each service is reached, so
calls between services pass through it too. The stack then starts on ports chosen
before it, which the proxy already forwards to; the profile's fixtures are seeded
directly, around the proxy, since they are set-up and not under test.
"""

from __future__ import annotations

import json
import secrets
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

from runeframe_nb import fixtures
from runeframe_nb.environment import Environment
from runeframe_nb.errors import MutateError
from runeframe_nb.profiles import SERVICES, Profile
from runeframe_nb.stack import BASE_PORTS, EmbeddedStack, free_port_block
from runeframe_process import die_with_parent, stop

from .proxy import Route

READY_SECONDS = 20.0


@dataclass(frozen=True)
class Proxied:
    front: dict[str, str]  # what the kit talks to
    direct: dict[str, str]  # the services themselves
    token: str | None  # the suite's, made for this stack


class ProxyProcess:
    """`python -m runeframe_tools.mutate.proxy` with `routes` and one mutant, as a child."""

    def __init__(
        self, routes: list[Route], mutant: str | None, admin_token: str, log: Path, seed: int = 0
    ) -> None:
        self.config = {
            "routes": [asdict(r) for r in routes],
            "mutant": mutant,
            "admin_token": admin_token,
            "seed": seed,
        }
        self.log = log
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as config:
            json.dump(self.config, config)
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "runeframe_tools.mutate.proxy", config.name],
                stdout=subprocess.PIPE,
                stderr=log,
                preexec_fn=die_with_parent,
            )
        assert self.process.stdout is not None
        deadline = time.monotonic() + READY_SECONDS
        line = b""
        while time.monotonic() < deadline and self.process.poll() is None:
            line = self.process.stdout.readline()
            if line.strip() == b"ready":
                Path(config.name).unlink(missing_ok=True)
                return
        Path(config.name).unlink(missing_ok=True)
        self.stop()
        said = self.log.read_text(errors="replace").strip().splitlines()[-1:] or ["nothing"]
        raise MutateError(f"the fault proxy did not start: {said[0]}")

    def stop(self) -> None:
        if self.process is None:
            return
        stop(self.process, 5)
        if self.process.stdout is not None:
            self.process.stdout.close()


@contextmanager
def proxied_stack(
    profile: Profile, mutant: str | None, folder: Path, seed: int = 0
) -> Iterator[Proxied]:
    """A fresh stack of `profile`'s settings with the proxy (and `mutant`) in front."""
    folder.mkdir(parents=True, exist_ok=True)
    count = len(SERVICES)
    first = free_port_block(3 * count)  # the stack's ports, the proxy's front, its peer
    offset = first - BASE_PORTS[SERVICES[0]]
    ports = {
        n: (first + i, first + count + i, first + 2 * count + i) for i, n in enumerate(SERVICES)
    }
    direct = {n: f"http://127.0.0.1:{own}" for n, (own, _, _) in ports.items()}
    front = {n: f"http://127.0.0.1:{port}" for n, (_, port, _) in ports.items()}
    peer = {n: f"http://127.0.0.1:{port}" for n, (_, _, port) in ports.items()}
    routes = [Route(n, "front", ports[n][1], direct[n]) for n in SERVICES]
    routes += [Route(n, "peer", ports[n][2], direct[n]) for n in SERVICES]
    token = secrets.token_urlsafe(24) if profile.identity is not None else profile.bearer_token()
    proxy = ProxyProcess(routes, mutant, token or "", folder / "proxy.log", seed)
    proxy.start()
    settings = {**profile.embedded_settings(token), "urls": peer}
    stack = EmbeddedStack(settings, log_path=folder / "stack.log", port_offset=offset)
    try:
        stack.start()
        fixtures.create_fixture_users(Environment(profile, direct, token=token))
        yield Proxied(front, direct, token)
    finally:
        stack.stop()
        proxy.stop()
