"""Per-notebook overhead of the runner against papermill's own CLI, in the same run.

Twenty trivial notebooks (a parameters cell and one print) are executed three ways:

- `papermill` CLI, once per notebook: what a shell loop or CI script does;
- papermill's `execute_notebook` in one process, one after another;
- runeframe-nb's runner: in-process papermill on kernels started ahead of need,
  `--jobs` notebooks at once (default: cores).

Each way runs `--repeat` times; medians are printed with the ratio to the CLI.
Usage: python benchmarks/runner_overhead.py [--notebooks 20] [--repeat 3] [--jobs N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import nbformat
import papermill
from rich.console import Console

from runeframe_tools.runner.artifacts import RunResult
from runeframe_tools.runner.execute import NotebookResult
from runeframe_tools.runner.suite import RunOptions, execute_all


def write_notebooks(folder: Path, count: int) -> list[Path]:
    paths = []
    for i in range(count):
        nb = nbformat.v4.new_notebook()
        params = nbformat.v4.new_code_cell("x = 1")
        params.metadata["tags"] = ["parameters"]
        nb.cells = [params, nbformat.v4.new_code_cell("print(x * 2)")]
        nb.metadata["kernelspec"] = {
            "name": "python3",
            "display_name": "Python 3",
            "language": "python",
        }
        path = folder / f"trivial_{i:02d}.ipynb"
        nbformat.write(nb, path)
        paths.append(path)
    return paths


def papermill_cli(paths: list[Path], out: Path) -> None:
    cli = Path(sys.executable).with_name("papermill")
    for path in paths:
        subprocess.run(
            [str(cli), "--no-progress-bar", str(path), str(out / path.name)],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )


def papermill_in_process(paths: list[Path], out: Path) -> None:
    # its kernels inherit our stderr and warn about TCP on every start: silence them
    saved = os.dup(2)
    with open(os.devnull, "w") as devnull:
        os.dup2(devnull.fileno(), 2)
        try:
            for path in paths:
                papermill.execute_notebook(path, out / path.name, progress_bar=False)
        finally:
            os.dup2(saved, 2)
            os.close(saved)


def runner(paths: list[Path], out: Path, jobs: int) -> None:
    result = RunResult("bench", "none", out, "")
    result.notebooks = [NotebookResult(p.stem, str(p), str(out / p.name)) for p in paths]
    options = RunOptions(jobs=jobs, notebooks=paths[0].parent)
    with open(os.devnull, "w") as devnull:
        execute_all(result, {}, options, Console(file=devnull))
    failed = [nb.name for nb in result.notebooks if nb.status != "completed"]
    assert not failed, failed


def measure(name: str, action: Callable[[Path], None], repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        with tempfile.TemporaryDirectory() as out:
            started = time.perf_counter()
            action(Path(out))
            times.append(time.perf_counter() - started)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--notebooks", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    with tempfile.TemporaryDirectory() as folder:
        paths = write_notebooks(Path(folder), args.notebooks)
        ways = {
            "papermill CLI, one per notebook": lambda out: papermill_cli(paths, out),
            "papermill in-process, sequential": lambda out: papermill_in_process(paths, out),
            f"runeframe-nb runner, --jobs {args.jobs}": lambda out: runner(paths, out, args.jobs),
        }
        results = {name: measure(name, action, args.repeat) for name, action in ways.items()}
    n = args.notebooks
    baseline = statistics.median(results["papermill CLI, one per notebook"]) / n
    print(
        f"{n} trivial notebooks, {args.repeat} repeats, {os.cpu_count()} cores; median per notebook"
    )
    print(f"{'way':<36} {'s/notebook':>11} {'min':>7} {'max':>7} {'vs CLI':>8}")
    for name, times in results.items():
        per = [t / n for t in times]
        median = statistics.median(per)
        spread = f"{min(per):>7.3f} {max(per):>7.3f}"
        print(f"{name:<36} {median:>11.3f} {spread} {baseline / median:>7.1f}x")


if __name__ == "__main__":
    main()
