"""A finished run where a CI system shows it: GitHub Actions' step summary and annotations.

When `GITHUB_STEP_SUMMARY` names a file, a markdown summary is appended to it: the status,
checks per area, every failed check with its detail, and the archive's artifact names.
When `GITHUB_ACTIONS` is set, each failed check is printed as an `::error` annotation,
titled by its notebook, so it shows on the pull request.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping

from .artifacts import RunResult

ARTIFACTS = ("results.json", "junit.xml", "report.html", "<notebook>.ipynb", "<notebook>.har")


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def step_summary(result: RunResult) -> str:
    """The run as GitHub-flavoured markdown."""
    summary = result.record()
    mark = "✅" if result.ok else "❌"
    lines = [
        f"## {mark} runeframe-nb run {result.run_id}: {result.status}",
        "",
        f"Profile **{result.profile}**, {summary.passed_tests} of {summary.total_tests} "
        f"checks passed, {len(result.notebooks)} notebooks, {result.duration:.0f} s.",
        "",
        "| area | checks | passed | failed |",
        "| --- | ---: | ---: | ---: |",
    ]
    areas: dict[str, list[int]] = {}
    for check in result.test_details:
        tally = areas.setdefault(check.area, [0, 0])
        tally[0 if check.passed else 1] += 1
    lines += [f"| {a} | {p + f} | {p} | {f} |" for a, (p, f) in sorted(areas.items())]
    failed = result.failed
    if failed:
        lines += [
            "",
            "### Failed checks",
            "",
            "| notebook | check | detail |",
            "| --- | --- | --- |",
        ]
        for t in failed:
            lines.append(f"| {_cell(t.notebook)} | {_cell(t.name)} | {_cell(t.detail)} |")
    lines += [
        "",
        f"Artifacts in `{result.folder}`: " + ", ".join(f"`{name}`" for name in ARTIFACTS) + ".",
        "",
    ]
    return "\n".join(lines)


def error_annotations(result: RunResult) -> list[str]:
    """An `::error` workflow command per failed check."""

    def escape(text: str) -> str:
        return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")

    return [
        f"::error title={escape(t.notebook or 'runner')}::"
        f"{escape(t.name)}: {escape(t.detail or 'failed')}"
        for t in result.failed
    ]


def report_to_ci(
    result: RunResult, environ: Mapping[str, str] = os.environ, say: Callable[[str], None] = print
) -> None:
    """Append the step summary and print the annotations, where the CI system asks for them."""
    target = environ.get("GITHUB_STEP_SUMMARY")
    if target:
        with open(target, "a", encoding="utf-8") as summary:
            summary.write(step_summary(result))
    if environ.get("GITHUB_ACTIONS"):
        for line in error_annotations(result):
            say(line)
