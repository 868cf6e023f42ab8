"""Warm starts: a command forked from a server that imported its modules once, run as a
fresh `python -m` would be (arguments, the parent's environment and directory at the
start, a log, an exit code), stopped as a child is, and gone with its parent."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from runeframe_process import stop, warm

from .conftest import gone

CHILD = "tests.process.warm_child"


def logged(log: Path, within: float = 10.0) -> str:
    """What the child wrote to its log, once it wrote a line (or `within` seconds pass)."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline and not (log.exists() and log.read_text()):
        time.sleep(0.05)
    return log.read_text() if log.exists() else ""


def test_a_warm_child_runs_as_python_m_would(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = warm.start(CHILD, ["0"], tmp_path / "first.log", [])
    assert first.wait(30) == 0  # the fork server runs: what changes now is not in it
    monkeypatch.setenv("WARM_PROBE", "set after the fork server started: ßø")
    monkeypatch.chdir(tmp_path)
    child = warm.start(CHILD, ["3", "two words"], tmp_path / "child.log", [])
    assert child.wait(30) == 3
    said = logged(tmp_path / "child.log")
    assert "argv=['3', 'two words']" in said
    assert "probe=set after the fork server started: ßø" in said
    assert f"cwd={tmp_path}" in said and "main=__main__" in said


def test_a_warm_child_may_have_children_of_its_own(tmp_path: Path) -> None:
    assert warm.start(CHILD, ["fork"], tmp_path / "child.log", []).wait(30) == 5


def test_a_warm_child_starts_warm_children_of_its_own_without_touching_its_files(
    tmp_path: Path,
) -> None:
    """What the fork server handed the child is closed and forgotten: the child's own fork
    server and resource tracker start afresh rather than write to its files."""
    child = warm.start(CHILD, ["nested", str(tmp_path)], tmp_path / "child.log", [])
    assert child.wait(60) == 7, (tmp_path / "child.log").read_text()


def test_a_warm_child_is_stopped_as_a_child_is(tmp_path: Path) -> None:
    child = warm.start(CHILD, ["sleep"], tmp_path / "child.log", [])
    assert "argv=['sleep']" in logged(tmp_path / "child.log")
    assert child.poll() is None
    with pytest.raises(subprocess.TimeoutExpired):
        child.wait(0.1)
    stop(child, 5)
    assert child.returncode == -signal.SIGTERM
    assert gone(child.pid)


def test_the_modules_are_imported_once_the_script_runs_once_and_its_death_ends_the_child(
    tmp_path: Path,
) -> None:
    """In a process of its own, the fork server imports what it is told to preload. A
    script without a `__main__` guard (a tester's) that starts a warm child runs once;
    killed, it takes the child with it, through the fork server."""
    script = tmp_path / "unguarded.py"
    script.write_text(
        "import time\nfrom pathlib import Path\nfrom runeframe_process import warm\n"
        "print('the script ran', flush=True)\n"
        f"child = warm.start({CHILD!r}, ['sleep'], Path({str(tmp_path / 'child.log')!r}),"
        " ['tabnanny'])\n"
        "print(child.pid, flush=True)\ntime.sleep(60)\n"
    )
    parent = subprocess.Popen(
        [sys.executable, str(script)], stdout=subprocess.PIPE, text=True, cwd=Path.cwd()
    )
    assert parent.stdout is not None
    assert parent.stdout.readline() == "the script ran\n"
    pid = int(parent.stdout.readline())
    assert "argv=['sleep']" in (said := logged(tmp_path / "child.log"))
    assert "preloaded=True" in said
    parent.kill()
    parent.wait()
    assert gone(pid), f"warm child {pid} outlived its killed parent"
    assert parent.stdout.read() == ""  # nothing ran the script a second time
    parent.stdout.close()


def test_the_parents_exit_stops_the_child_and_does_not_wait_for_it(tmp_path: Path) -> None:
    """A parent that ends normally stops its warm children (SIGTERM) rather than waiting
    for them to end, as multiprocessing otherwise would."""
    script = (
        "import sys\nfrom pathlib import Path\nfrom runeframe_process import warm\n"
        f"child = warm.start({CHILD!r}, ['sleep'], Path({str(tmp_path / 'child.log')!r}), [])\n"
        "print(child.pid, flush=True)\n"
    )
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=30
    )
    assert done.returncode == 0, done.stderr
    assert time.monotonic() - started < 20  # the child sleeps 60 s
    assert gone(int(done.stdout))
