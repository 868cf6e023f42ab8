"""The checklist's requirements: an unknown id is refused at once, naming the known ones,
and every requirement is served by some notebook's checks, so none is ticked by nothing."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from runeframe_nb.requirements import REQUIREMENTS, requirement_ids

NOTEBOOKS = Path(__file__).parents[2] / "notebooks"


def test_covers_is_one_id_or_several_and_an_unknown_one_is_refused() -> None:
    assert requirement_ids("security") == ("security",)
    assert requirement_ids(["security", "performance"]) == ("security", "performance")
    with pytest.raises(ValueError, match=r"unknown requirement 'secure'; one of component-"):
        requirement_ids(["performance", "secure"])


def test_every_requirement_is_covered_by_some_notebooks_checks() -> None:
    named = {
        found
        for path in NOTEBOOKS.glob("*.ipynb")
        for found in re.findall(r'covers=\\?"([a-z-]+)', path.read_text())
    }
    assert set(REQUIREMENTS) - named == set()
