"""Results where teams look: shards joined by merge, re-running what failed, GitHub's step
summary and annotations, and Allure results drawn by Allure's own report in Chromium."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from runeframe_tools.runner import RunOptions, run
from runeframe_tools.runner.artifacts import RunResult
from runeframe_tools.runner.ci import report_to_ci
from runeframe_tools.runner.merge import merge
from runeframe_tools.runner.select import shard_of

if TYPE_CHECKING:
    from conftest import Tiny

NOTEBOOKS = Path(__file__).parents[1] / "notebooks"
SUITE = ["passes", "fails_check", "charts", "fails_with_exchanges", "summary"]
ALLURE = "allure@3.18.0"


def test_shards_are_stable_balanced_and_cover_every_notebook_once() -> None:
    names = ["a", "b", "c", "d", "e"]
    took = {"a": 30.0, "b": 10.0, "c": 10.0, "d": 5.0, "e": 5.0}
    shares = [shard_of(names, (k, 3), took) for k in (1, 2, 3)]
    assert sorted(n for share in shares for n in share) == names
    assert shares == [["a"], ["b", "d"], ["c", "e"]]  # the longest alone, the rest even
    by_count = [shard_of(names, (k, 2), {}) for k in (1, 2)]
    assert sorted(map(len, by_count)) == [2, 3]


def test_a_run_split_over_three_shards_and_merged_equals_the_run_unsplit(
    tmp_path: Path, params_dir: Path
) -> None:
    def options(**given: object) -> RunOptions:
        return RunOptions(
            profile="remote", only=SUITE, jobs=2, notebooks=NOTEBOOKS, output=tmp_path, **given
        )

    whole = json.loads((run(options()).folder / "results.json").read_text())
    shards = [run(options(shard=(k, 3))) for k in (1, 2, 3)]
    assert all("summary" not in [nb.name for nb in s.notebooks] for s in shards)
    merged = merge([str(s.folder) for s in shards], options(), _quiet())
    joined = json.loads((merged.folder / "results.json").read_text())
    for key in ("total_tests", "passed_tests", "failed_tests", "groups"):
        assert joined[key] == whole[key], key
    assert sorted(nb["name"] for nb in joined["notebooks"]) == sorted(SUITE)
    for fact in ("quality_metrics", "api_coverage"):
        assert joined["facts"]["summary"][fact] == whole["facts"]["summary"][fact], fact
    assert (merged.folder / "report.html").exists() and (merged.folder / "junit.xml").exists()
    assert (merged.folder / "fails_with_exchanges.har").exists()


def test_last_failed_reruns_exactly_the_notebooks_that_failed(
    tmp_path: Path,
    params_dir: Path,
    tiny: Tiny,
) -> None:
    first = subprocess.run(
        tiny.command(
            tmp_path, "run", "--env", "remote", "--only", "passes", "--only", "fails_check"
        ),
        capture_output=True,
        text=True,
    )
    assert first.returncode == 1
    again = subprocess.run(
        tiny.command(tmp_path, "run", "--env", "remote", "--last-failed"),
        capture_output=True,
        text=True,
    )
    assert "re-running what failed in" in again.stdout and again.returncode == 1
    newest = sorted(p.parent for p in tmp_path.glob("*/results.json"))[-1]
    assert [nb.name for nb in RunResult.read(newest).notebooks] == ["fails_check"]
    passed = sorted(p.parent for p in tmp_path.glob("*/results.json"))[0]
    done = subprocess.run(
        tiny.command(
            tmp_path, "run", "--env", "remote", "--last-failed", passed.name, "--jobs", "1"
        ),
        capture_output=True,
        text=True,
    )
    assert done.returncode == 1  # the first run's failure, named by its id


def test_github_gets_a_step_summary_and_an_annotation_per_failed_check(
    tmp_path: Path, params_dir: Path
) -> None:
    result = run(
        RunOptions(
            profile="remote",
            only=["passes", "fails_check"],
            notebooks=NOTEBOOKS,
            output=tmp_path / "outputs",
        )
    )
    summary_file = tmp_path / "summary.md"
    said: list[str] = []
    environ = {"GITHUB_STEP_SUMMARY": str(summary_file), "GITHUB_ACTIONS": "true"}
    report_to_ci(result, environ, said.append)
    summary = summary_file.read_text()
    assert f"runeframe-nb run {result.run_id}: failed" in summary
    assert "| tiny | 3 | 2 | 1 |" in summary
    assert "| fails_check | this check is broken | 1 + 1 is 2, not 3 |" in summary
    assert "`junit.xml`" in summary and "`report.html`" in summary
    assert said == ["::error title=fails_check::this check is broken: 1 + 1 is 2, not 3"]


def _quiet():  # type: ignore[no-untyped-def]
    from rich.console import Console

    return Console(quiet=True)


def test_allure_results_draw_as_allure_s_own_report_in_chromium(
    tmp_path: Path,
    params_dir: Path,
    installed: Callable[[str, str], str],
    tiny: Tiny,
) -> None:
    """Allure 3 (its npm command line) draws the run: every check a test, grouped by area
    and notebook, with steps, and a failed check with its exchanges and its notebook."""
    from playwright.sync_api import sync_playwright

    browser_path = installed("chromium", "apt-get install chromium")
    runner = installed("npx", "apt-get install nodejs npm")
    runs = [tmp_path / "allure-1", tmp_path / "allure-2"]  # two runs: Allure's history grows
    for results in runs:
        done = subprocess.run(
            [
                *tiny.command(tmp_path / "outputs", "run", "--env", "remote", "--only", "passes"),
                "--only",
                "fails_with_exchanges",
                "--allure",
                str(results),
            ],
            capture_output=True,
            text=True,
        )
        assert done.returncode == 1 and "allure: 3 results" in done.stdout, done.stdout
    written = [json.loads(p.read_text()) for p in runs[-1].glob("*-result.json")]
    failed = next(t for t in written if t["name"] == "an unknown user is found")
    assert failed["status"] == "failed" and failed["titlePath"] == ["tiny", "fails_with_exchanges"]
    assert {a["name"] for a in failed["attachments"]} == {
        "exchanges",
        "exchanges.har",
        "fails_with_exchanges.ipynb",
    }
    assert failed["steps"] and failed["steps"][0]["name"].startswith("cell ")
    assert {"name": "profile", "value": "remote"} in failed["labels"]
    config = tmp_path / "allurerc.json"
    report = tmp_path / "allure-report"
    config.write_text(
        json.dumps(
            {
                "name": "RuneFrame",
                "output": str(report),
                "historyPath": str(tmp_path / "history.jsonl"),
                "plugins": {"awesome": {"options": {"singleFile": True}}},
            }
        )
    )
    for results in runs:
        generated = subprocess.run(
            [runner, "--yes", ALLURE, "generate", "--config", str(config), str(results)],
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert generated.returncode == 0, generated.stderr[-2000:]
    assert len((tmp_path / "history.jsonl").read_text().splitlines()) == 2
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=browser_path, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1300, "height": 1000})
        _open_drawn(page, report / "index.html", "fails_with_exchanges", tmp_path / "drawn.png")
        assert page.get_by_text("fails_with_exchanges").count() >= 1  # grouped by notebook
        page.get_by_text("an unknown user is found").first.click()
        page.wait_for_timeout(500)
        shown = page.inner_text("body")
        page.screenshot(path=str(tmp_path / "allure.png"))
        browser.close()
    assert "status 404" in shown  # the failed check's detail
    assert "fails_with_exchanges.ipynb" in shown and "exchanges.har" in shown
    assert "cell 2" in shown  # a step


def _open_drawn(page: Any, report: Path, text: str, screenshot: Path) -> None:
    """Open the report and wait (bounded) for it to draw `text`. The page draws itself
    from embedded data after loading, and on a loaded machine has once stayed blank: it
    gets one reload, and a failure says what the page showed instead."""
    from playwright.sync_api import TimeoutError as PageTimeout

    for _ in range(2):
        page.goto(report.as_uri())
        try:
            page.get_by_text(text).first.wait_for(timeout=30_000)
            return
        except PageTimeout:
            page.screenshot(path=str(screenshot))
    shown = page.inner_text("body")[:2000]
    raise AssertionError(f"the report never showed {text!r} (see {screenshot}); it showed: {shown}")
