"""The runner on tiny notebooks: archives, results.json, junit.xml and the exit code."""

from __future__ import annotations

import json
import signal
import subprocess
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING

import nbformat
import pytest
import yaml
from junitparser import Error, Failure, JUnitXml

from runeframe_nb.errors import RunError
from runeframe_tools.runner import RunOptions, parse_parameters, run
from runeframe_tools.runner.kernels import KernelPool

if TYPE_CHECKING:
    from conftest import Tiny

NOTEBOOKS = Path(__file__).parents[1] / "notebooks"


def test_a_passing_run_archives_the_notebook_and_its_results(
    tmp_path: Path,
    params_dir: Path,
    tiny: Tiny,
) -> None:
    folder = tiny.run("passes")
    results = json.loads((folder / "results.json").read_text())
    assert results["status"] == "passed"
    assert (results["total_tests"], results["passed_tests"], results["failed_tests"]) == (1, 1, 0)
    detail = results["test_details"][0]
    assert (detail["area"], detail["notebook"], detail["name"]) == (
        "tiny",
        "passes",
        "one plus one is the answer",
    )
    assert detail["duration"] >= 0
    assert (folder / "passes.ipynb").exists()


def test_parameters_are_injected(tmp_path: Path, params_dir: Path, tiny: Tiny) -> None:
    folder = tiny.run("passes", answer=3)
    results = json.loads((folder / "results.json").read_text())
    assert results["status"] == "failed"
    assert results["test_details"][0]["detail"] == "answer 3"
    executed = nbformat.read(folder / "passes.ipynb", as_version=4)
    injected = [c for c in executed.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert "answer = 3" in injected[0].source
    assert 'profile = "remote"' in injected[0].source


def test_failures_are_archived_and_reported(tmp_path: Path, params_dir: Path, tiny: Tiny) -> None:
    folder = tiny.run("fails_check", "raises")
    results = json.loads((folder / "results.json").read_text())
    assert results["status"] == "failed"
    by_name = {nb["name"]: nb for nb in results["notebooks"]}
    assert by_name["raises"]["status"] == "failed"
    assert "ValueError: boom" in by_name["raises"]["error"]
    assert by_name["fails_check"]["status"] == "completed"
    failed = {
        (t["notebook"], t["name"]) for t in results["test_details"] if t["status"] == "failed"
    }
    assert failed == {("fails_check", "this check is broken"), ("raises", "raises runs to the end")}
    raised = nbformat.read(folder / "raises.ipynb", as_version=4)
    assert any(o.output_type == "error" for c in raised.cells for o in c.get("outputs", []))

    suites = {suite.name: suite for suite in JUnitXml.fromfile(str(folder / "junit.xml"))}
    broken = {case.name: case for case in suites["fails_check"]}["this check is broken"]
    assert isinstance(broken.result[0], Failure)
    assert broken.result[0].message == "1 + 1 is 2, not 3"
    runner_case = {case.name: case for case in suites["raises"]}["raises runs to the end"]
    assert isinstance(runner_case.result[0], Error)


def test_the_command_exits_nonzero_naming_the_broken_check(
    tmp_path: Path,
    params_dir: Path,
    tiny: Tiny,
) -> None:
    command = tiny.command(tmp_path, "run", "--env", "remote", "--only", "fails_*")
    done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    assert "fails_check: this check is broken — 1 + 1 is 2, not 3" in done.stdout


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["run", "--env", "nope"], "runeframe-nb: error: unknown profile 'nope'"),
        (["run", "--env", "remote", "-p", "oops"], "parameter 'oops' is not key=value"),
        (["run", "--env", "remote", "--only", "zzz*"], "no notebooks matching zzz*"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    tmp_path: Path,
    params_dir: Path,
    arguments: list[str],
    message: str,
    tiny: Tiny,
) -> None:
    command = tiny.command(tmp_path, *arguments)
    done = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1
    assert message in done.stderr


def test_an_unreachable_service_is_one_line(tmp_path: Path, params_dir: Path, tiny: Tiny) -> None:
    closed = {
        name: "http://127.0.0.1:9"
        for name in ("api", "distilera", "hoardwell", "mercatrix", "jonar")
    }
    (params_dir / "dead.yaml").write_text(yaml.safe_dump({"stack": "remote", "urls": closed}))
    done = subprocess.run(
        tiny.command(tmp_path, "run", "--env", "dead"), capture_output=True, text=True
    )
    assert done.returncode == 2
    assert done.stderr.startswith("runeframe-nb: error: api at http://127.0.0.1:9: ")
    assert done.stderr.count("\n") == 1


def test_parameters_are_read_as_yaml_values() -> None:
    assert parse_parameters(["n=3", "ratio=0.5", "names=[a, b]", "text=hello", "flag=true"]) == {
        "n": 3,
        "ratio": 0.5,
        "names": ["a", "b"],
        "text": "hello",
        "flag": True,
    }
    with pytest.raises(RunError):
        parse_parameters(["1x=3"])


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


def test_a_failed_check_keeps_its_exchanges_in_results_junit_and_a_har(
    tmp_path: Path,
    params_dir: Path,
    tiny: Tiny,
) -> None:
    folder = tiny.run("fails_with_exchanges")
    results = json.loads((folder / "results.json").read_text())
    http_check, ws_check = results["test_details"]
    (request,) = http_check["exchanges"]
    assert (request["method"], request["status"]) == ("GET", 404)
    assert request["url"].endswith("/api/v1/users/999999/")
    assert request["request_headers"]["authorization"] == "Bearer ***"  # never the token
    assert '"not_found"' in request["response_body"]
    (socket,) = ws_check["exchanges"]
    sent = [f["data"] for f in socket["frames"] if f["direction"] == "send"]
    assert sent == ['{"type": "auth", "token": "***"}', '{"type": "ping"}']
    assert [f["kind"] for f in socket["frames"]] == ["auth", "auth_response", "ping", "pong"]

    case = next(c for s in JUnitXml.fromfile(str(folder / "junit.xml")) for c in s)
    assert "GET http" in case.system_out and "-> 404 Not Found" in case.system_out
    properties = case._elem.find("properties")
    assert {p.get("name"): p.get("value") for p in properties} == {
        "area": "tiny",
        "notebook": "fails_with_exchanges",
    }

    har = json.loads((folder / "fails_with_exchanges.har").read_text())["log"]
    assert har["version"] == "1.2" and len(har["pages"]) == 2
    entries = {
        e["request"]["method"] + " " + e["response"]["statusText"]: e for e in har["entries"]
    }
    assert set(entries) == {"GET Not Found", "GET Switching Protocols"}
    assert entries["GET Switching Protocols"]["_resourceType"] == "websocket"
    for entry in har["entries"]:  # the fields HAR 1.2 requires of every entry
        assert {
            "pageref",
            "startedDateTime",
            "time",
            "request",
            "response",
            "cache",
            "timings",
        } <= set(entry)
        assert {"method", "url", "httpVersion", "cookies", "headers", "queryString"} <= set(
            entry["request"]
        )
        assert {"status", "statusText", "content", "redirectURL"} <= set(entry["response"])


def test_every_check_keeps_the_operations_it_reached(
    tmp_path: Path, params_dir: Path, tiny: Tiny
) -> None:
    folder = tiny.run("fails_with_exchanges")
    results = json.loads((folder / "results.json").read_text())
    evidence = results["test_details"][0]["evidence"]
    assert evidence == [
        {
            "service": "api",
            "method": "GET",
            "operation": "/api/v1/users/{user_id}/",
            "status": 404,
            "count": 1,
        }
    ]
    assert not (folder / "passes.har").exists()


def test_notebooks_named_exactly_run_in_the_order_named() -> None:
    from runeframe_tools.runner.suite import discover

    assert [p.stem for p in discover(NOTEBOOKS, ["raises", "passes"])] == ["raises", "passes"]
    assert [p.stem for p in discover(NOTEBOOKS, ["r*", "pa*"])] == ["passes", "raises"]


def test_a_long_cells_steps_show_in_the_notebooks_line_and_stay_in_the_notebook(
    tmp_path: Path, params_dir: Path
) -> None:
    """In a log (CI) each notebook's first step prints as it happens; the executed notebook
    keeps one line, updated in place to the last step."""
    from rich.console import Console

    console = Console(record=True, force_terminal=False, width=200)
    options = RunOptions(
        profile="remote",
        only=["steps"],
        notebooks=NOTEBOOKS,
        output=tmp_path / "outputs",
    )
    result = run(options, console)
    assert result.ok
    log = console.export_text()
    assert "running  steps  counting 1/3: number 1" in log
    assert log.index("counting 1/3") < log.index("passed  steps")
    executed = nbformat.read(result.folder / "steps.ipynb", as_version=4)
    shown = [
        "".join(o.get("data", {}).get("text/plain", ""))
        for c in executed.cells
        for o in c.get("outputs", ())
    ]
    assert "counting 3/3 done" in shown
    assert not any("counting 1/3" in text for text in shown)
    assert "waiting: done in 1 s" in shown  # a long call ticked, then said it was done
    assert not any(text.startswith("waiting: 0 s") for text in shown)
    assert result.notebooks[0].checks[-1].passed


def test_the_live_table_shows_the_running_cells_step() -> None:
    from rich.console import Console

    from runeframe_tools.runner.execute import NotebookResult
    from runeframe_tools.runner.progress import Progress

    nb = NotebookResult("08_performance", "in.ipynb", "out.ipynb", status="running")
    console = Console(record=True, width=200)
    progress = Progress([nb], console)
    progress.cell(nb, 14, 26)
    progress.step(nb, "sweep level 3/5: 100 users")
    console.print(progress)
    assert "14/26  sweep level 3/5: 100 users" in console.export_text()
    progress.cell(nb, 15, 26)  # the cell that reported it is over
    console.print(progress)
    assert "sweep level" not in console.export_text()


def test_a_scale_preset_gives_its_notebooks_their_parameters_and_the_command_line_wins(
    tmp_path: Path, params_dir: Path
) -> None:
    from runeframe_tools.runner.scale import Scale

    scale = Scale(name="big", notebooks={"passes": {"answer": 3}})
    common = {"profile": "remote", "only": ["passes"], "notebooks": NOTEBOOKS}
    scaled = run(RunOptions(**common, output=tmp_path / "a", scale=scale))  # type: ignore[arg-type]
    assert scaled.failed[0].detail == "answer 3"
    assert json.loads((scaled.folder / "results.json").read_text())["parameters"]["scale"] == "big"
    given = RunOptions(**common, output=tmp_path / "b", scale=scale, parameters={"answer": 2})  # type: ignore[arg-type]
    assert run(given).ok


def test_the_seed_scale_is_the_seeds_durations_for_parameters_the_notebook_has() -> None:
    from runeframe_tools.runner.scale import load_scale

    repo = Path(__file__).parents[3]
    scale = load_scale("seed", repo / "params")
    assert scale.notebooks == {"08_performance": {"load_seconds": 300, "level_seconds": 60}}
    performance = nbformat.read(repo / "notebooks" / "08_performance.ipynb", as_version=4)
    defaults = next(c for c in performance.cells if "parameters" in c.metadata.get("tags", []))
    for name in scale.notebooks["08_performance"]:
        assert f"\n{name} = " in f"\n{defaults.source}", name


def test_an_unknown_scale_is_one_line(tmp_path: Path, params_dir: Path, tiny: Tiny) -> None:
    (params_dir / "scales").mkdir()
    (params_dir / "scales" / "seed.yaml").write_text("notebooks: {}\n")
    done = subprocess.run(
        tiny.command(tmp_path, "run", "--env", "remote", "--scale", "huge"),
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2
    assert done.stderr.strip() == (
        f"runeframe-nb: error: no scale 'huge' in {params_dir}/scales (known: seed)"
    )
