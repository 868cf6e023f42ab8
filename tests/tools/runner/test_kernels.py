"""Kernels: Ctrl-C archives an interrupted run and leaves no kernel, even one still
booting; a dying kernel or a hanging cell fails its notebook alone."""

from __future__ import annotations

import json
import signal
import subprocess
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from runeframe_nb.errors import RunError
from runeframe_tools.runner import RunOptions, run
from runeframe_tools.runner.kernels import KernelPool

if TYPE_CHECKING:
    from conftest import Tiny


NOTEBOOKS = Path(__file__).parents[1] / "notebooks"


def test_ctrl_c_archives_an_interrupted_run_and_leaves_no_kernel(
    tmp_path: Path,
    params_dir: Path,
    tiny: Tiny,
) -> None:
    command = tiny.command(tmp_path, "run", "--env", "remote", "--only", "hangs")
    process = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=as_at_a_terminal,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not kernels_of(process.pid):
        time.sleep(0.1)
    kernels = kernels_of(process.pid)
    assert kernels, "the runner never started a kernel"
    time.sleep(1.5)  # let the notebook reach its long cell
    process.send_signal(signal.SIGINT)
    try:
        out, _ = process.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        process.send_signal(signal.SIGUSR1)  # the runner prints its threads' stacks
        time.sleep(1)
        process.kill()
        _, stacks = process.communicate()
        pytest.fail(f"the run did not stop after Ctrl-C; its threads:\n{stacks}")
    assert process.returncode == 130
    assert "interrupted" in out
    results = json.loads(next(tmp_path.glob("*/results.json")).read_text())
    assert results["status"] == "interrupted"
    assert results["notebooks"][0]["status"] == "interrupted"
    assert (tmp_path / results["run_id"] / "hangs.ipynb").exists()
    assert not [pid for pid in kernels if Path(f"/proc/{pid}").exists()]
    report = (tmp_path / results["run_id"] / "report.html").read_text()
    assert "This run was interrupted" in report


def as_at_a_terminal() -> None:
    """Ctrl-C as a person at a terminal sends it: a shell that started these tests in the
    background has SIGINT ignored, and that would be inherited."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def kernels_of(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            cmdline = (stat.parent / "cmdline").read_bytes()
        except OSError:
            continue
        if int(fields[1]) == pid and b"ipykernel" in cmdline:
            found.append(int(stat.parent.name))
    return found


def test_ctrl_c_while_a_kernel_boots_frees_the_waiting_notebook_and_stops_the_kernel(
    tmp_path: Path,
) -> None:
    pool = KernelPool(1, 1, cwd=tmp_path)
    taken: list[BaseException | object] = []
    waiter = threading.Thread(target=lambda: taken.append(_take(pool)))
    waiter.start()
    pool.interrupt()  # the kernel is still booting: there is nothing to kill yet
    waiter.join(10)
    assert not waiter.is_alive(), "a notebook kept waiting for a kernel after Ctrl-C"
    assert isinstance(taken[0], RunError)
    pool.close()  # waits for the boot, which stops the late kernel
    assert not pool._live


def _take(pool: KernelPool) -> BaseException | object:
    try:
        return pool.take()
    except RunError as exc:
        return exc


def test_a_dying_kernel_and_a_hanging_cell_fail_their_notebooks_and_the_others_finish(
    tmp_path: Path, params_dir: Path
) -> None:
    options = RunOptions(
        profile="remote",
        only=["dies", "hangs", "passes"],
        jobs=2,
        notebooks=NOTEBOOKS,
        output=tmp_path / "outputs",
        cell_timeout=15,  # past any import cell, well short of the 60 s nap
    )
    result = run(options)
    assert not result.ok and result.status == "failed"
    by_name = {nb.name: nb for nb in result.notebooks}
    assert by_name["passes"].status == "completed"
    assert by_name["dies"].status == "failed" and "DeadKernelError" in str(by_name["dies"].error)
    assert by_name["hangs"].status == "failed" and "timed out" in str(by_name["hangs"].error)
    for name in ("dies", "hangs"):  # what ran before the failure is archived and counted
        started = {c.name for c in by_name[name].checks}
        assert started == {"before the kernel dies" if name == "dies" else "started"}
        assert (result.folder / f"{name}.ipynb").exists()
