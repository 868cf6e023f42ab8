"""Scale presets: their parameters, the seed's durations, and an unknown one in one line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import nbformat

from runeframe_tools.runner import RunOptions, run

if TYPE_CHECKING:
    from conftest import Command, Tiny


NOTEBOOKS = Path(__file__).parents[1] / "notebooks"


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


def test_an_unknown_scale_is_one_line(
    tmp_path: Path, params_dir: Path, tiny: Tiny, command: Command
) -> None:
    (params_dir / "scales").mkdir()
    (params_dir / "scales" / "seed.yaml").write_text("notebooks: {}\n")
    done = command(*tiny.arguments(tmp_path, "run", "--env", "remote", "--scale", "huge"))
    assert done.returncode == 2
    assert done.stderr.strip() == (
        f"runeframe-nb: error: no scale 'huge' in {params_dir}/scales (known: seed)"
    )
