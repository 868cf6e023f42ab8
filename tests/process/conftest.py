"""What the process tests share: whether a process is gone."""

from __future__ import annotations

import os
import time


def gone(pid: int, within: float = 5.0) -> bool:
    """Whether `pid` is gone, or goes within `within` seconds."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.05)
    return False
