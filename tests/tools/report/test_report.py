"""Reports on archived runs: report.html, the diff between runs, history and pruning, lab,
and the report drawn by a real headless Chromium."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import nbformat
import pytest
from rich.console import Console

from runeframe_nb.results import Fact, RunRecord
from runeframe_tools.lab import run_lab
from runeframe_tools.report import diff_runs, history, open_run, prune, render
from runeframe_tools.report.archive import Run

if TYPE_CHECKING:
    import pandas as pd

    from conftest import Tiny

ARTIFACTS = Path(__file__).parents[3] / "test-artifacts"


def test_a_report_shows_the_summary_the_notebooks_and_every_failed_check(
    tmp_path: Path,
    params_dir: Path,
    tiny: Tiny,
) -> None:
    folder = tiny.run("passes", "fails_check")
    page = render(open_run(folder)).read_text()
    assert f"Run {folder.name}" in page and "remote" in page
    assert '<span class="status failed">failed</span>' in page
    assert "this check is broken" in page and "1 + 1 is 2, not 3" in page
    assert (folder / "html" / "passes.html").exists()
    assert 'href="html/passes.html"' in page
    assert not re.search(r"<(script|link)[^>]+(src|href)=", page)  # plotly.js is inline


def test_the_report_draws_every_registered_chart_that_has_data(
    tmp_path: Path,
    params_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    tiny: Tiny,
) -> None:
    import plotly.graph_objects as go

    from runeframe_tools.report import charts

    assert list(charts.CHARTS) == [
        "coverage",
        "latency by area",
        "load percentiles",
        "load throughput",
        "sweep",
        "trends",
    ]
    drawn: list[str] = []

    def extra(run: object) -> go.Figure:
        drawn.append(str(run))
        return go.Figure(layout={"title": "an extra chart of the run"})

    monkeypatch.setitem(charts.CHARTS, "extra", extra)
    monkeypatch.setitem(charts.CHARTS, "nothing to draw", lambda run: None)
    page = render(open_run(tiny.run("passes")), pages=False).read_text()
    assert len(drawn) == 1 and "an extra chart of the run" in page


def test_a_published_table_is_shown_as_a_table_and_kept_as_records(
    tmp_path: Path,
    params_dir: Path,
    tiny: Tiny,
) -> None:
    folder = tiny.run("charts")
    executed = nbformat.read(folder / "charts.ipynb", as_version=4)
    published = [
        output
        for cell in executed.cells
        for output in cell.get("outputs", ())
        if output.get("metadata", {}).get("runeframe", {}).get("fact", {}).get("name")
        == "api_coverage"
    ]
    assert len(published) == 1
    assert "<table" in published[0]["data"]["text/html"]
    kept = open_run(folder).fact("api_coverage")
    assert {row["service"] for row in kept} == {
        "api",
        "distilera",
        "hoardwell",
        "mercatrix",
        "jonar",
    }


def test_diff_names_newly_failing_and_newly_passing_checks(
    tmp_path: Path,
    params_dir: Path,
    tiny: Tiny,
) -> None:
    good = open_run(tiny.run("passes"))
    bad = open_run(tiny.run("passes", answer=3))
    changes = diff_runs(good, bad)
    assert changes.checks[["check", "change"]].values.tolist() == [
        ["one plus one is the answer", "newly failing"]
    ]
    back = diff_runs(bad, good)
    assert back.checks["change"].tolist() == ["newly passing"]
    assert diff_runs(good, good).empty


def test_the_diff_command_prints_and_writes_html(
    tmp_path: Path, params_dir: Path, tiny: Tiny
) -> None:
    a = tiny.run("passes")
    b = tiny.run("passes", answer=3)
    output = str(tmp_path / "outputs")
    done = subprocess.run(
        [sys.executable, "-m", "runeframe_tools", "diff", a.name, b.name, "--output", output],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert "newly failing" in done.stdout
    assert "newly failing" in (b / "diff.html").read_text()


def test_history_lists_runs_and_prunes_by_count(
    tmp_path: Path, params_dir: Path, tiny: Tiny
) -> None:
    for _ in range(3):
        tiny.run("passes")
    output = tmp_path / "outputs"
    runs = history(output)
    assert len(runs) == 3 and all(r.status == "passed" for r in runs)
    removed = prune(output, keep=1)
    assert removed == [r.run_id for r in runs[:2]]
    assert [r.run_id for r in history(output)] == [runs[2].run_id]


def test_an_unknown_run_is_one_line(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "runeframe_tools", "report", "nope", "--output", str(tmp_path)],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2
    assert done.stderr.strip() == (
        f"runeframe-nb: error: no archived run at {tmp_path}/nope (no results.json)"
    )


def test_lab_hands_the_profile_environment_to_jupyter(
    tmp_path: Path,
    params_dir: Path,
    urls: dict[str, str],
    admin_token: str,
    capfd: pytest.CaptureFixture[str],
) -> None:
    show = "import os; print(os.environ['TEST_API_URL'], os.environ['TEST_TOKEN'])"
    code = run_lab("remote", Path("notebooks"), 0, Console(), command=[sys.executable, "-c", show])
    assert code == 0
    assert capfd.readouterr().out.splitlines()[-1] == f"{urls['api']} {admin_token}"


def test_the_report_renders_its_charts_in_chromium_offline(
    tmp_path: Path,
    params_dir: Path,
    installed: Callable[[str, str], str],
    tiny: Tiny,
) -> None:
    from playwright.sync_api import sync_playwright

    browser_path = installed("chromium", "apt-get install chromium")
    tiny.run("charts")
    # a second run: trends appear; a failed check shows its exchanges
    folder = tiny.run("charts", "fails_check", "fails_with_exchanges")
    report = render(open_run(folder))
    errors: list[str] = []
    requests: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=browser_path, args=["--no-sandbox"])
        context = browser.new_context(viewport={"width": 1200, "height": 900})
        context.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        context.on("weberror", lambda e: errors.append(str(e.error)))
        context.on("request", lambda r: requests.append(r.url))
        page = context.new_page()
        page.goto(report.as_uri())
        page.wait_for_function("document.querySelectorAll('.js-plotly-plot .main-svg').length >= 5")
        plots = page.locator(".js-plotly-plot")
        drawn = page.locator(".js-plotly-plot .main-svg")
        # coverage, latency per area, load percentiles, throughput, trends
        assert plots.count() == 5
        assert drawn.count() >= 5
        assert page.locator(".js-plotly-plot .trace").count() >= 5  # data drawn, not empty axes
        capsule = page.locator("details.capsule").first
        assert not capsule.locator("pre").is_visible()
        capsule.locator("summary").click()
        shown = capsule.locator("pre").inner_text()
        assert "/api/v1/users/999999/ -> 404 Not Found" in shown
        assert "authorization: Bearer ***" in shown
        assert page.locator("details.capsule a[href='fails_with_exchanges.har']").count() == 2
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "report.png"), full_page=True)

        notebook = context.new_page()
        notebook.goto((folder / "html" / "charts.html").as_uri())
        notebook.wait_for_selector(".js-plotly-plot .main-svg")
        browser.close()
    assert errors == []
    assert all(url.startswith("file://") for url in requests), requests


def test_a_run_is_found_by_its_folder_or_by_its_id(
    tmp_path: Path,
    params_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    tiny: Tiny,
) -> None:
    folder = tiny.run("passes")
    monkeypatch.chdir(tmp_path)
    relative = Path("outputs") / folder.name
    assert open_run(relative).folder == relative  # a path means that path
    assert open_run(folder.name, tmp_path / "outputs").folder == folder  # an id, under output
    missing = subprocess.run(
        [sys.executable, "-m", "runeframe_tools", "report", "outputs/nope"],
        capture_output=True,
        text=True,
    )
    assert missing.stderr.strip() == (
        "runeframe-nb: error: no archived run at outputs/nope (no results.json)"
    )


def test_lab_finds_jupyterlab_beside_the_kits_interpreter(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Run as .venv/bin/runeframe-nb without the venv activated, JupyterLab is still found;
    as root (a container) it is allowed to run; options after -- reach it."""
    from runeframe_tools import lab

    bin_dir = tmp_path / "venv" / "bin"
    bin_dir.mkdir(parents=True)
    (bin_dir / "jupyter-lab").write_text("#!/bin/sh\n")
    monkeypatch.setattr(lab.sys, "executable", str(bin_dir / "python"))
    monkeypatch.setenv("PATH", "/nonexistent")
    command = lab.lab_command(Path("notebooks"), 8888, ["--ip=0.0.0.0"], root=True)
    assert command[0] == str(bin_dir / "jupyter-lab")
    assert command[-2:] == ["--allow-root", "--ip=0.0.0.0"]
    assert "--allow-root" not in lab.lab_command(Path("notebooks"), 8888, root=False)
    theirs = lab.lab_command(Path("notebooks"), 8888, ["--port", "9999"], root=False)
    assert theirs[1:] == ["--no-browser", "--notebook-dir=notebooks", "--port", "9999"]
    theirs = lab.lab_command(Path("notebooks"), 8888, ["--port=9999", "--notebook-dir=x"])
    assert [o for o in theirs if o.startswith(("--port", "--notebook-dir"))] == [
        "--port=9999",
        "--notebook-dir=x",
    ]


def test_diff_names_profiles_and_reports_latency_only_where_samples_support_it(
    tmp_path: Path,
) -> None:
    """Two runs of one endpoint: a real slowdown over many samples is reported with its
    test; the same shift over two samples is 'not enough samples'; noise is not a change."""
    import random

    rng = random.Random(1)

    def run(name: str, profile: str, latency: dict[str, list[float]]) -> Run:
        return archived(tmp_path / name, latency, profile)

    def around(ms: float, n: int) -> list[float]:
        return [rng.gauss(ms, ms * 0.1) for _ in range(n)]

    a = run(
        "a", "local", {"GET /x": around(4, 200), "GET /y": around(4, 2), "GET /z": around(4, 200)}
    )
    b = run(
        "b", "ci", {"GET /x": around(8, 200), "GET /y": around(8, 2), "GET /z": around(4.2, 200)}
    )
    changes = diff_runs(a, b)
    assert changes.title == "a (local) → b (ci)"
    verdicts = dict(zip(changes.latency["endpoint"], changes.latency["verdict"], strict=True))
    assert verdicts["GET /x"].startswith("slower (Mann-Whitney, BH-adjusted p=")
    assert verdicts["GET /y"] == "not enough samples (2 and 2; 20 needed)"
    assert "GET /z" not in verdicts  # within noise
    assert any(
        title.startswith("Environmental (profile local against ci)") for title in changes.sections()
    )


def archived(folder: Path, latency: dict[str, list[float]], profile: str = "local") -> Run:
    """A run archived in `folder` with only these latencies."""
    folder.mkdir(parents=True)
    RunRecord(
        run_id=folder.name,
        profile=profile,
        status="passed",
        started_at="2026-11-29T12:00:00Z",
        total_tests=0,
        passed_tests=0,
        failed_tests=0,
        facts={"nb": {Fact.LATENCY_MS: latency}},
    ).write(folder)
    return open_run(folder)


def test_a_latency_change_is_judged_among_every_endpoint_tested(tmp_path: Path) -> None:
    """A shift whose own p is 0.002 is a change when it is the only endpoint compared, and
    chance among a hundred that did not move (Benjamini-Hochberg: 0.002 x 100 > 0.01)."""
    was = [float(ms) for ms in range(10, 30)]
    shifted = {"GET /w": (was, [ms + 7 for ms in was])}
    steady = {f"GET /steady/{n}": (was, was) for n in range(99)}

    def compared(endpoints: dict[str, tuple[list[float], list[float]]]) -> pd.DataFrame:
        root = tmp_path / str(len(endpoints))
        a = archived(root / "a", {e: samples[0] for e, samples in endpoints.items()})
        b = archived(root / "b", {e: samples[1] for e, samples in endpoints.items()})
        return diff_runs(a, b).latency

    alone = compared(shifted)
    assert alone["verdict"].tolist() == ["slower (Mann-Whitney, BH-adjusted p=1.9e-03)"]
    assert compared({**shifted, **steady}).empty


def test_a_run_held_to_a_baseline_fails_on_what_got_slower(tmp_path: Path) -> None:
    """`run --baseline RUN`: a write 500 ms slower is named and fails the run; the
    comparison is kept beside the run; a run as fast as its baseline passes."""
    from types import SimpleNamespace

    from runeframe_tools.cli.suite import slower_than

    fast = [5.0 + n % 7 for n in range(60)]
    before = archived(tmp_path / "before", {"POST /x": fast, "GET /y": fast})
    same = archived(tmp_path / "same", {"POST /x": fast, "GET /y": fast})
    slow = archived(tmp_path / "slow", {"POST /x": [ms + 500 for ms in fast], "GET /y": fast})
    assert slower_than(before, SimpleNamespace(folder=same.folder)) == 0
    assert slower_than(before, SimpleNamespace(folder=slow.folder)) == 1
    assert "POST /x" in (slow.folder / "diff.html").read_text()
