"""Stack fixtures: the process table, read from /proc, for tests that kill and count
services and replicas."""

from __future__ import annotations

import time
from pathlib import Path

import pytest


class ProcessTable:
    @staticmethod
    def children_of(pid: int) -> list[int]:
        found = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                except OSError:
                    continue
                if int(fields[1]) == pid:
                    found.append(int(entry.name))
        return found

    @staticmethod
    def alive(pid: int) -> bool:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            return False
        return state != "Z"

    def wait_gone(self, pids: list[int], timeout: float = 15) -> list[int]:
        """The pids still alive after up to `timeout` seconds."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and any(self.alive(p) for p in pids):
            time.sleep(0.1)
        return [p for p in pids if self.alive(p)]

    def command_line(self, pid: int) -> list[bytes]:
        try:
            return Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        except OSError:
            return []


@pytest.fixture
def processes() -> ProcessTable:
    return ProcessTable()
