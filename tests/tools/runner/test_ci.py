"""What a CI system shows of a run: GitHub's step summary and an annotation per failed
check."""

from __future__ import annotations

from pathlib import Path

from runeframe_tools.runner import RunOptions, run
from runeframe_tools.runner.ci import report_to_ci

NOTEBOOKS = Path(__file__).parents[1] / "notebooks"


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
