"""Allure results, drawn by Allure's own report in Chromium."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from conftest import Command, Tiny

ALLURE = "allure@3.18.0"


def test_allure_results_draw_as_allure_s_own_report_in_chromium(
    tmp_path: Path,
    params_dir: Path,
    installed: Callable[[str, str], str],
    tiny: Tiny,
    command: Command,
) -> None:
    """Allure 3 (its npm command line) draws the run: every check a test, grouped by area
    and notebook, with steps, and a failed check with its exchanges and its notebook."""
    from playwright.sync_api import sync_playwright

    browser_path = installed("chromium", "apt-get install chromium")
    runner = installed("npx", "apt-get install nodejs npm")
    runs = [tmp_path / "allure-1", tmp_path / "allure-2"]  # two runs: Allure's history grows
    for results in runs:
        done = command(
            *tiny.arguments(tmp_path / "outputs", "run", "--env", "remote", "--only", "passes"),
            "--only",
            "fails_with_exchanges",
            "--allure",
            str(results),
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
