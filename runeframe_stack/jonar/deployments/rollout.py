"""Replicas started and waited for: a rollout is done when every new replica answers
/healthz, and fails at its deadline, or at once when a replica crash-loops, with the
reason its replicas gave."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import aiohttp

from runeframe_process import last_error

from ...core.peers import Peers
from ..backend import Backend, Replica
from .model import Deployment, RolloutFailed, RolloutStopped

PROBE = aiohttp.ClientTimeout(total=1)
CRASH_LOOP_EXITS = 3  # a new replica that exits this often fails its rollout at once


class Launcher:
    def __init__(self, backend: Backend, peers: Peers, logs: Path) -> None:
        self.backend = backend
        self.peers = peers
        self.logs = logs

    async def add(self, deployment: Deployment, count: int, taken: set[int], limit: float) -> None:
        """Start `count` more replicas on ports not `taken` and wait until all answer, or
        remove them and raise."""
        fresh: list[Replica] = []
        try:
            for _ in range(count):
                index = max((r.index for r in deployment.members + fresh), default=-1) + 1
                port = self.backend.free_port(taken)
                taken.add(port)
                log_path = self.logs / f"{deployment.id}-{index}.log"
                replica = Replica(deployment.id, index, port, f"http://127.0.0.1:{port}", log_path)
                fresh.append(replica)
                await self.backend.start(replica, deployment.component, deployment.release)
            await self._wait_ready(deployment, fresh, limit)
        except BaseException:
            await asyncio.gather(*(self.backend.stop(r, 0) for r in fresh))
            raise
        deployment.members.extend(fresh)

    async def _wait_ready(
        self, deployment: Deployment, replicas: list[Replica], limit: float
    ) -> None:
        deadline = time.monotonic() + limit
        while True:
            if deployment.stopping():
                raise RolloutStopped(f"{deployment.id} was deleted during its rollout")
            for replica in replicas:
                code = self.backend.exit_code(replica)
                if code is not None:
                    replica.last_exit = f"exited with code {code}: {last_error(replica.log_path)}"
                    if replica.restarts + 1 >= CRASH_LOOP_EXITS:
                        raise RolloutFailed(
                            f"{deployment.component} {deployment.release}: replica "
                            f"{replica.index} exited {replica.restarts + 1} times while rolling "
                            f"out; {replica.last_exit}",
                            details={"not_ready": [r.index for r in replicas if not r.ready]},
                        )
                    replica.restarts += 1
                    await asyncio.sleep(min(0.1 * 2**replica.restarts, 1.0))  # crash-loop backoff
                    await self.backend.start(replica, deployment.component, deployment.release)
                elif not replica.ready:
                    replica.ready = await self.probe(replica)
            if all(r.ready for r in replicas):
                return
            if time.monotonic() > deadline:
                waiting = [r for r in replicas if not r.ready]
                cause = next((r.last_exit for r in waiting if r.last_exit), "no answer on /healthz")
                raise RolloutFailed(
                    f"{deployment.component} {deployment.release}: {len(waiting)} of "
                    f"{len(replicas)} replicas not ready after {limit:.0f} s; "
                    f"replica {waiting[0].index} {cause}",
                    details={"not_ready": [r.index for r in waiting]},
                )
            await asyncio.sleep(0.1)

    async def probe(self, replica: Replica) -> bool:
        """Whether the replica answers /healthz with 200 within a second."""
        try:
            async with self.peers.session.get(f"{replica.url}/healthz", timeout=PROBE) as reply:
                return reply.status == 200
        except Exception:  # refused, reset, timed out: not ready
            return False
