"""The package's public surface: everything notebooks import is re-exported, and sorted."""

from __future__ import annotations

import runeframe_nb
from runeframe_nb import clients


def test_the_top_level_re_exports_every_client_and_model() -> None:
    assert set(clients.__all__) <= set(runeframe_nb.__all__)


def test_every_lazily_resolved_name_is_exported_and_every_export_resolves() -> None:
    assert set(runeframe_nb._WHERE) == {*runeframe_nb.__all__, "__version__"}


def test_every_exported_name_exists() -> None:
    missing = [name for name in runeframe_nb.__all__ if not hasattr(runeframe_nb, name)]
    assert missing == []


def kind(name: str) -> int:
    """Constants, then classes, then the rest: isort's order, which ruff keeps too."""
    return 0 if name.isupper() else 1 if name[0].isupper() else 2


def test_the_export_lists_are_sorted() -> None:
    for module in (runeframe_nb, clients):
        names = list(module.__all__)
        assert names == sorted(names, key=lambda n: (kind(n), n)), module.__name__


def test_names_resolve_lazily_to_what_they_name() -> None:
    """A submodule's name gives the module; every other name gives the object itself
    (`rf.eventually` is the function, though its module has the same name)."""
    import types

    for name in runeframe_nb.__all__:
        value = getattr(runeframe_nb, name)
        is_module = isinstance(value, types.ModuleType)
        assert is_module == (name in runeframe_nb._SUBMODULES), name


def test_importing_the_kit_loads_neither_pandas_nor_plotly() -> None:
    import subprocess
    import sys

    heavy = "{'pandas', 'plotly'}"
    probe = f"import sys, runeframe_nb.errors; print(sorted({heavy} & set(sys.modules)))"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_every_name_a_notebook_reads_from_the_kit_is_exported() -> None:
    """`rf.data` must work as the first thing a fresh kernel touches, not only after
    another cell imported `runeframe_nb.data` by its own name."""
    import re
    from pathlib import Path

    notebooks = Path(__file__).parents[2] / "notebooks"
    used = {
        name
        for path in notebooks.glob("*.ipynb")
        for name in re.findall(r"\brf\.([A-Za-z_]\w*)", path.read_text())
    }
    assert used - set(runeframe_nb.__all__) == set()
