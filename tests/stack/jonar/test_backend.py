"""Jonar's process backend: a replica is a real process of its service, serving plain HTTP
on loopback whatever the stack serves, nicer than the services that answer users."""

from __future__ import annotations

import asyncio
import os
import socket
from pathlib import Path

import httpx
import pytest

from runeframe_process import any_free_port
from runeframe_stack.core.settings import JonarSettings, StackSettings, TlsSettings
from runeframe_stack.jonar.backend import NoFreePort, ProcessBackend, Replica


async def test_a_replica_runs_nicer_and_plain_whatever_the_stack_serves(tmp_path: Path) -> None:
    served = TlsSettings(cert=tmp_path / "absent.pem", key=tmp_path / "absent.key")
    settings = StackSettings(data_dir=tmp_path, tls=served)
    backend = ProcessBackend(settings)
    port = any_free_port()
    replica = Replica("dep_1", 0, port, f"http://127.0.0.1:{port}", tmp_path / "replica.log")
    await backend.start(replica, "hoardwell", "1.0.0")
    try:
        assert replica.pid is not None
        async with httpx.AsyncClient() as client:
            for _ in range(300):  # up to 30 s for the process to import and listen
                try:
                    answer = await client.get(f"{replica.url}/healthz")
                    break
                except httpx.TransportError:
                    await asyncio.sleep(0.1)
        assert answer.status_code == 200, (tmp_path / "replica.log").read_text()
        own = os.getpriority(os.PRIO_PROCESS, 0)
        assert os.getpriority(os.PRIO_PROCESS, replica.pid) == own + 10
    finally:
        await backend.stop(replica, grace=5)


def test_an_exhausted_port_range_is_a_clear_error(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        port = taken.getsockname()[1]
        settings = StackSettings(data_dir=tmp_path, jonar=JonarSettings(replica_ports=(port, port)))
        with pytest.raises(NoFreePort, match=f"no free port for a replica in {port}-{port}"):
            ProcessBackend(settings).free_port(set())
