"""`runeframe-stack up`: clear start-up errors, and no service outlives the supervisor."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import pytest

from runeframe_nb.stack import free_port_offset
from runeframe_stack.core.settings import SERVICES

if TYPE_CHECKING:
    from conftest import ProcessTable


ADMIN = "supervised-admin"


def stack_up(offset: int, data_dir: Path) -> list[str]:
    """The command starting a stack with an admin token of the test's own."""
    config = data_dir / "stack.yaml"
    tokens = {"static_tokens": {ADMIN: {"user_id": "supervised", "roles": ["admin", "user"]}}}
    config.write_text(json.dumps(tokens))
    return [
        sys.executable,
        "-m",
        "runeframe_stack",
        "up",
        "--config",
        str(config),
        "--port-offset",
        str(offset),
        "--data-dir",
        str(data_dir),
    ]


@pytest.fixture
def supervisor(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[bytes], int]]:
    offset = free_port_offset()
    with (tmp_path / "stack.log").open("wb") as log:
        process = subprocess.Popen(stack_up(offset, tmp_path), stdout=log, stderr=subprocess.STDOUT)
        try:
            pending = [f"http://127.0.0.1:{8000 + i + offset}/healthz" for i in range(5)]
            deadline = time.monotonic() + 60
            while pending and time.monotonic() < deadline:  # all five up: start-up is over
                try:
                    if httpx.get(pending[0], timeout=1).status_code == 200:
                        pending.pop(0)
                except httpx.HTTPError:
                    time.sleep(0.1)
            assert not pending, (tmp_path / "stack.log").read_text()
            yield process, offset
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT, signal.SIGKILL])
def test_no_service_outlives_the_supervisor(
    supervisor: tuple[subprocess.Popen[bytes], int], signum: int, processes: ProcessTable
) -> None:
    process, _ = supervisor
    services = processes.children_of(process.pid)
    named = sorted(processes.command_line(pid)[0] for pid in services)
    assert named == [f"runeframe-stack serve {name}".encode() for name in sorted(SERVICES)]
    os.kill(process.pid, signum)
    process.wait(20)
    assert processes.wait_gone(services) == []


def test_a_crashed_service_is_restarted(
    supervisor: tuple[subprocess.Popen[bytes], int], tmp_path: Path, processes: ProcessTable
) -> None:
    process, offset = supervisor
    mercatrix = next(
        pid
        for pid in processes.children_of(process.pid)
        if b"mercatrix" in Path(f"/proc/{pid}/cmdline").read_bytes()
    )
    os.kill(mercatrix, signal.SIGKILL)
    assert processes.wait_gone([mercatrix]) == []
    url = f"http://127.0.0.1:{8003 + offset}/healthz"
    deadline, healthy = time.monotonic() + 30, False
    while not healthy and time.monotonic() < deadline:
        try:
            healthy = httpx.get(url, timeout=1).status_code == 200
        except httpx.HTTPError:
            time.sleep(0.1)
    assert healthy, (tmp_path / "stack.log").read_text()


def test_a_port_in_use_is_one_line_and_exit_2(tmp_path: Path) -> None:
    offset = free_port_offset()
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 8002 + offset))
        taken.listen()
        done = subprocess.run(
            stack_up(offset, tmp_path),
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert done.returncode == 2
    assert (
        done.stderr
        == f"runeframe-stack: error: port {8002 + offset} (hoardwell) is already in use\n"
    )


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGKILL])
def test_stopping_the_stack_stops_every_replica(
    supervisor: tuple[subprocess.Popen[bytes], int],
    tmp_path: Path,
    signum: int,
    processes: ProcessTable,
) -> None:
    process, offset = supervisor
    headers = {"Authorization": f"Bearer {ADMIN}"}
    reply = httpx.post(
        f"http://127.0.0.1:{8004 + offset}/deployments/",
        json={"component": "hoardwell", "version": "1.0.0", "replicas": 2},
        headers=headers,
        timeout=60,
    )
    assert reply.status_code == 202, reply.text
    status = reply.json()
    deadline = time.monotonic() + 60
    while status["observed_generation"] < status["generation"]:  # the rollout goes on
        assert time.monotonic() < deadline, status
        time.sleep(0.1)
        status = httpx.get(status["status_url"], headers=headers).json()
    assert status["status"] == "ready", status
    replicas = [member["pid"] for member in status["members"]]
    assert all(processes.alive(pid) for pid in replicas)
    os.kill(process.pid, signum)
    process.wait(30)
    assert processes.wait_gone(replicas) == []
