"""Refreshing a committed notebook's outputs: written back only when it ran to its end
with every check passing, so a reference is never a failed run."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from runeframe_nb.errors import RunError
from runeframe_tools.runner.refresh import refresh


def _notebook(folder: Path, name: str, *cells: str) -> Path:
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    path = folder / f"{name}.ipynb"
    nbformat.write(nb, path)
    return path


def test_a_passing_notebook_is_written_back_with_its_outputs(tmp_path: Path) -> None:
    path = _notebook(
        tmp_path,
        "good",
        "import runeframe_nb as rf",
        'rf.check("one and one", 1 + 1 == 2)\nrf.check("two and two", 2 + 2 == 4)',
        "print('done')",
    )
    assert refresh(path, timeout=120) == 2
    cells = nbformat.read(path, as_version=4).cells
    assert cells[2].outputs[0]["text"] == "done\n"
    assert all("execution" not in cell.metadata for cell in cells)  # no timings: stable diffs


@pytest.mark.parametrize(
    ("body", "said"),
    [
        ('rf.check("one and one", 1 + 1 == 3, "not 3")', "1 checks failed, first: one and one"),
        ("raise ValueError('broken cell')", "ValueError: broken cell"),
    ],
)
def test_a_failing_notebook_is_left_as_it_was(tmp_path: Path, body: str, said: str) -> None:
    path = _notebook(tmp_path, "bad", "import runeframe_nb as rf", body)
    before = path.read_bytes()
    with pytest.raises(RunError, match=said):
        refresh(path, timeout=120)
    assert path.read_bytes() == before
