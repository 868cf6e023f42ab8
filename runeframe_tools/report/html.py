"""report.html: one self-contained page per run (plotly.js inline, no network), and the
run's executed notebooks as HTML pages beside it, converted by nbconvert."""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

import jinja2
import nbformat
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
from markupsafe import Markup
from nbconvert import HTMLExporter
from plotly.offline import get_plotlyjs

from runeframe_nb.results import MUTATION_FILE, Fact, MutationRecord

from . import charts
from .archive import Run
from .capsule import as_text

PLOTLY_MIME = "application/vnd.plotly.v1+json"
TEMPLATES = jinja2.Environment(
    loader=jinja2.FileSystemLoader(Path(__file__).parent), autoescape=True
)


def _table(frame: pd.DataFrame) -> Markup:
    """A table whose cells are already escaped (or are our own links and badges)."""
    return Markup(frame.to_html(index=False, border=0, escape=False, na_rep=""))


def _figure(fig: go.Figure) -> Markup:
    return Markup(pio.to_html(fig, full_html=False, include_plotlyjs=False))


def convert_notebook(source: Path, target: Path) -> None:
    """An executed notebook as HTML; its plotly outputs drawn by plotly.min.js beside it."""
    nb = nbformat.read(source, as_version=4)
    for cell in nb.cells:
        for output in cell.get("outputs", ()):
            figure = output.get("data", {}).get(PLOTLY_MIME)
            if figure is not None:
                output["data"]["text/html"] = _figure(go.Figure(figure))
    exporter = HTMLExporter(template_name="lab", mathjax_url="", require_js_url="")
    body, _ = exporter.from_notebook_node(nb)
    body = re.sub(r'<script[^>]*src=""[^>]*>\s*</script>', "", body)
    body = body.replace("</head>", '<script src="plotly.min.js"></script>\n</head>', 1)
    target.write_text(body)


def _notebook_rows(run: Run, pages: dict[str, str]) -> pd.DataFrame:
    rows = []
    for nb in run.record.notebooks:
        checks = [c for c in run.record.checks_of(nb.name) if c.area != "runner"]
        passed = sum(c.passed for c in checks)
        name = html.escape(nb.name)
        link = f'<a href="{pages[nb.name]}">{name}</a>' if nb.name in pages else name
        rows.append(
            {
                "notebook": link,
                "status": f'<span class="status {nb.status}">{nb.status}</span>',
                "seconds": round(nb.duration, 1),
                "checks": f"{passed}/{len(checks)}",
                "stopped at": html.escape(nb.error or ""),
            }
        )
    return pd.DataFrame(rows)


def _coverage_rows(coverage: list[dict[str, Any]]) -> pd.DataFrame:
    frame = pd.DataFrame(coverage)
    for share in ("coverage", "response coverage"):
        if share in frame:
            frame[share] = frame[share].map("{:.0%}".format)
    return frame.drop(columns=[c for c in ("index",) if c in frame])


def _residue_rows(run: Run) -> pd.DataFrame:
    """What the notebooks made, by service and kind: deleted, left behind, kept as history."""
    rows = [
        {**row, "notebook": notebook}
        for notebook, kept in run.facts.items()
        for row in kept.get(Fact.RESIDUE) or []
    ]
    if not rows:
        return pd.DataFrame()
    frame = pd.DataFrame(rows)
    summed = frame.groupby(["service", "kind"], sort=False)[["made", "deleted", "left", "kept"]]
    table = summed.sum().reset_index()
    table["left by"] = [
        ", ".join(
            frame[(frame["service"] == s) & (frame["kind"] == k) & (frame["left"] > 0)]["notebook"]
        )
        for s, k in zip(table["service"], table["kind"], strict=True)
    ]
    return table


def _mutation(run: Run) -> dict[str, Any] | None:
    """The mutation run archived with this one (mutation.json), with its tables."""
    if not (run.folder / MUTATION_FILE).exists():
        return None
    found = MutationRecord.read(run.folder)
    rows = [
        {
            "mutant": html.escape(o.name),
            "kind": o.kind,
            "breaks": html.escape(o.breaks),
            "verdict": (
                f'<span class="status {_VERDICT_STYLE.get(o.verdict, "failed")}">{o.verdict}</span>'
            ),
            "caught by": html.escape(
                "; ".join(
                    f"{c.notebook}: {c.check}"
                    for c in [c for c in o.caught_by if c.saw][:2] or o.caught_by[:2]
                )
            ),
            "seconds": o.duration,
        }
        for o in [found.control, *found.controls, *found.results]
    ]
    matrix = [
        {
            "check": html.escape(check),
            "mutants": len(names),
            "killed": html.escape(", ".join(names)),
        }
        for check, names in found.kill_matrix.items()
    ]
    return {
        **found.model_dump(),
        "table": _table(pd.DataFrame(rows)),
        "matrix": _table(pd.DataFrame(matrix)) if matrix else "",
    }


_VERDICT_STYLE = {"passed": "passed", "killed": "passed"}  # every other verdict failed


def render(run: Run, *, pages: bool = True) -> Path:
    """Write `report.html` (and, with `pages`, html/<notebook>.html) into the run's folder."""
    pages_dir = run.folder / "html"
    links = {}
    if pages:
        pages_dir.mkdir(exist_ok=True)
        (pages_dir / "plotly.min.js").write_text(get_plotlyjs())
    for nb in run.record.notebooks:
        executed = run.folder / f"{nb.name}.ipynb"
        if executed.exists():
            if pages:
                convert_notebook(executed, pages_dir / f"{nb.name}.html")
            links[nb.name] = f"html/{nb.name}.html"

    failed = [
        {
            "notebook": t.notebook,
            "check": t.name,
            "detail": t.detail,
            "exchanges": as_text(t.exchanges),
            "count": len(t.exchanges),
            "har": f"{t.notebook}.har" if (run.folder / f"{t.notebook}.har").exists() else "",
        }
        for t in run.record.test_details
        if not t.passed
    ]
    quality = run.fact(Fact.QUALITY_METRICS)
    residue = _residue_rows(run)
    coverage = run.fact(Fact.API_COVERAGE)
    figures = [fig for draw in charts.CHARTS.values() if (fig := draw(run)) is not None]
    page = TEMPLATES.get_template("report.html.j2").render(
        s=run.summary(),
        stack_version=run.record.stack_version,
        notebooks=_table(_notebook_rows(run, links)),
        failed=failed,
        quality=_table(pd.DataFrame([quality]).round(3)) if quality else "",
        coverage=_table(_coverage_rows(coverage)) if coverage else "",
        residue=_table(residue) if not residue.empty else "",
        swept=run.record.residue,
        mutation=_mutation(run),
        figures=[_figure(fig) for fig in figures],
        plotly_js=Markup(get_plotlyjs()),
    )
    target = run.folder / "report.html"
    target.write_text(page)
    return target
