"""report.html: the summary, the notebooks, every failed check, every chart with data, and
the page drawn by a real headless Chromium."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import nbformat
import pytest

from runeframe_tools.report import open_run, render

from ..conftest import Tiny, remote_params

ARTIFACTS = Path(__file__).parents[3] / "test-artifacts"


@pytest.fixture(scope="module")
def runs(
    tmp_path_factory: pytest.TempPathFactory, urls: dict[str, str], admin_token: str
) -> tuple[Path, Path]:
    """The archives of two runs of the tiny notebooks, which this module's tests share (each
    renders the report it reads): the charts alone, then the charts again (so trends
    appear) with a notebook that passes and two whose checks fail."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        folder = tmp_path_factory.mktemp("runs")
        remote_params(folder, urls, admin_token, monkeypatch)
        tiny = Tiny(folder / "outputs")
        first = tiny.run("charts")
        return first, tiny.run("charts", "passes", "fails_check", "fails_with_exchanges")


def test_a_report_shows_the_summary_the_notebooks_and_every_failed_check(
    runs: tuple[Path, Path],
) -> None:
    folder = runs[1]
    page = render(open_run(folder)).read_text()
    assert f"Run {folder.name}" in page and "remote" in page
    assert '<span class="status failed">failed</span>' in page
    assert "this check is broken" in page and "1 + 1 is 2, not 3" in page
    assert (folder / "html" / "passes.html").exists()
    assert 'href="html/passes.html"' in page
    assert not re.search(r"<(script|link)[^>]+(src|href)=", page)  # plotly.js is inline


def test_the_report_draws_every_registered_chart_that_has_data(
    runs: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
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
    page = render(open_run(runs[0]), pages=False).read_text()
    assert len(drawn) == 1 and "an extra chart of the run" in page


def test_a_published_table_is_shown_as_a_table_and_kept_as_records(
    runs: tuple[Path, Path],
) -> None:
    folder = runs[0]
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


def test_the_report_renders_its_charts_in_chromium_offline(
    runs: tuple[Path, Path], installed: Callable[[str, str], str]
) -> None:
    from playwright.sync_api import sync_playwright

    browser_path = installed("chromium", "apt-get install chromium")
    folder = runs[1]  # the second run: trends appear; a failed check shows its exchanges
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
