"""The notebook API's surface: small, eager, sorted, and complete for every notebook."""

from __future__ import annotations

import re
import subprocess
import sys
import types
from pathlib import Path

import runeframe_nb
from runeframe_nb import clients

NOTEBOOKS = Path(__file__).parents[2] / "notebooks"


def kind(name: str) -> int:
    """Constants, then classes, then the rest: isort's order, which ruff keeps too."""
    return 0 if name.isupper() else 1 if name[0].isupper() else 2


def test_the_export_lists_are_sorted() -> None:
    for module in (runeframe_nb, clients):
        names = list(module.__all__)
        assert names == sorted(names, key=lambda n: (kind(n), n)), module.__name__


def test_the_surface_is_small_and_every_name_is_bound_at_import() -> None:
    """No name is found on first use: each is in the package's namespace once it is
    imported, and a module attribute `__getattr__` would hide a missing one."""
    assert len(runeframe_nb.__all__) <= 40
    assert not hasattr(runeframe_nb, "__getattr__")
    missing = [name for name in runeframe_nb.__all__ if name not in vars(runeframe_nb)]
    assert missing == []


def test_models_and_errors_are_namespaces_of_their_own() -> None:
    assert isinstance(runeframe_nb.models, types.ModuleType)
    assert isinstance(runeframe_nb.errors, types.ModuleType)
    assert issubclass(runeframe_nb.errors.ApiError, runeframe_nb.errors.KitError)
    assert runeframe_nb.models.User(id="u1", name="ü", email="u@example.com") == "u1"


def test_every_name_a_notebook_reads_from_the_kit_is_exported() -> None:
    """`rf.data` and every other name must work as the first thing a fresh kernel touches."""
    used = {
        name
        for path in NOTEBOOKS.glob("*.ipynb")
        for name in re.findall(r"\brf\.([A-Za-z_]\w*)", path.read_text())
    }
    assert used - set(runeframe_nb.__all__) == set()


def test_importing_the_kit_loads_no_optional_engine() -> None:
    """The fuzzer's, Locust's and the stack's libraries load only when a part needs them:
    the core install has none of them."""
    heavy = "{'schemathesis', 'locust', 'gevent', 'starlette', 'uvicorn', 'runeframe_stack'}"
    probe = f"import sys, runeframe_nb; print(sorted({heavy} & set(sys.modules)))"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_the_kit_and_the_command_start_without_the_libraries_they_use_late() -> None:
    """pandas, plotly, gql and the tools' papermill and nbconvert load with the first table,
    chart, GraphQL client or run: `import runeframe_nb` in every kernel and load worker, and
    `runeframe-nb --help`, would otherwise take a second and a half more."""
    late = "{'pandas', 'plotly', 'numpy', 'gql', 'papermill', 'nbconvert'}"
    for start in ("import runeframe_nb", "import runeframe_tools.cli"):
        probe = f"import sys; {start}; print(sorted({late} & set(sys.modules)))"
        done = subprocess.run(
            [sys.executable, "-c", probe], capture_output=True, text=True, check=True
        )
        assert done.stdout.strip() == "[]", start
