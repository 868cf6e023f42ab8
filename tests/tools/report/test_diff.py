"""The diff between two runs: checks newly failing or passing, latency changes where the
samples support them, and a run held to a baseline."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from runeframe_nb.results import Fact
from runeframe_tools.report import diff_runs, open_run
from runeframe_tools.report.archive import Run

from ..conftest import archived

if TYPE_CHECKING:
    import pandas as pd

    from conftest import Command, Tiny


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
    tmp_path: Path, params_dir: Path, tiny: Tiny, command: Command
) -> None:
    a = tiny.run("passes")
    b = tiny.run("passes", answer=3)
    output = str(tmp_path / "outputs")
    done = command("diff", a.name, b.name, "--output", output)
    assert done.returncode == 0, done.stderr
    assert "newly failing" in done.stdout
    assert "newly failing" in (b / "diff.html").read_text()


def test_diff_names_profiles_and_reports_latency_only_where_samples_support_it(
    tmp_path: Path,
) -> None:
    """Two runs of one endpoint: a real slowdown over many samples is reported with its
    test; the same shift over two samples is 'not enough samples'; noise is not a change."""
    import random

    rng = random.Random(1)

    def run(name: str, profile: str, latency: dict[str, list[float]]) -> Run:
        return latencies(tmp_path / name, latency, profile)

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


def latencies(folder: Path, latency: dict[str, list[float]], profile: str = "local") -> Run:
    """A run archived in `folder` with only these latencies."""
    return archived(folder, {"nb": {Fact.LATENCY_MS: latency}}, profile)


def test_a_latency_change_is_judged_among_every_endpoint_tested(tmp_path: Path) -> None:
    """A shift whose own p is 0.002 is a change when it is the only endpoint compared, and
    chance among a hundred that did not move (Benjamini-Hochberg: 0.002 x 100 > 0.01)."""
    was = [float(ms) for ms in range(10, 30)]
    shifted = {"GET /w": (was, [ms + 7 for ms in was])}
    steady = {f"GET /steady/{n}": (was, was) for n in range(99)}

    def compared(endpoints: dict[str, tuple[list[float], list[float]]]) -> pd.DataFrame:
        root = tmp_path / str(len(endpoints))
        a = latencies(root / "a", {e: samples[0] for e, samples in endpoints.items()})
        b = latencies(root / "b", {e: samples[1] for e, samples in endpoints.items()})
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
    before = latencies(tmp_path / "before", {"POST /x": fast, "GET /y": fast})
    same = latencies(tmp_path / "same", {"POST /x": fast, "GET /y": fast})
    slow = latencies(tmp_path / "slow", {"POST /x": [ms + 500 for ms in fast], "GET /y": fast})
    assert slower_than(before, SimpleNamespace(folder=same.folder)) == 0
    assert slower_than(before, SimpleNamespace(folder=slow.folder)) == 1
    assert "POST /x" in (slow.folder / "diff.html").read_text()
