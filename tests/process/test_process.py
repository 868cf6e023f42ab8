"""The process plumbing the kit and the stack share: children that die with their parent,
port checks, stops that ask before they kill, and the log line that says why."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from runeframe_process import any_free_port, last_error, port_free, stop

from .conftest import gone

IGNORES_TERM = (
    "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN);"
    " print('up', flush=True); time.sleep(60)"
)


def test_a_bound_port_is_not_free_and_a_released_one_is() -> None:
    port = any_free_port()
    assert port_free(port)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", port))
        sock.listen()
        assert not port_free(port)
    assert port_free(port)


def test_stop_asks_first_and_kills_a_child_that_will_not_go() -> None:
    polite = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    stop(polite, 5)
    assert polite.returncode == -signal.SIGTERM
    stubborn = subprocess.Popen([sys.executable, "-c", IGNORES_TERM], stdout=subprocess.PIPE)
    assert stubborn.stdout is not None and stubborn.stdout.readline() == b"up\n"
    started = time.monotonic()
    stop(stubborn, 0.5)
    assert stubborn.returncode == -signal.SIGKILL and time.monotonic() - started < 5
    stubborn.stdout.close()


def test_a_child_dies_with_its_parent_even_when_the_parent_is_killed() -> None:
    parent = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import subprocess, sys, time; from runeframe_process import die_with_parent;"
            "child = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)'],"
            " preexec_fn=die_with_parent); print(child.pid, flush=True); time.sleep(60)",
        ],
        stdout=subprocess.PIPE,
    )
    assert parent.stdout is not None
    child = int(parent.stdout.readline())
    parent.kill()
    parent.wait()
    parent.stdout.close()
    assert gone(child), f"child {child} outlived its killed parent"


def test_the_last_error_line_explains_a_failure(tmp_path: Path) -> None:
    log = tmp_path / "service.log"
    assert last_error(log) == ""  # no log yet
    log.write_text("starting\nERROR: port 8000 is already in use\nshutting down\n")
    assert last_error(log) == "ERROR: port 8000 is already in use"
    log.write_text("starting\nstopped\n")
    assert last_error(log) == "stopped"
    log.write_text("error " + "x" * 1000)
    assert len(last_error(log, limit=50)) == 50
