"""Every module has its test file, as Starlette's do: `runeframe_nb/oauth.py` is tested
in `tests/kit/test_oauth.py` (or `tests/kit/<anywhere>/test_oauth.py`), so a newcomer who
opens a module finds its tests by its name, and a module added without tests is seen.

A package's `__init__` that only re-exports needs none; one with code of its own is named
after its package. Where two modules of a package share a name, the test file sits in
the mirrored folder (`runeframe_stack/api/graphql.py`: `tests/stack/api/test_graphql.py`).
A folder of registrations, one module per target (the mutant catalogue), is one table
split for its readers: its file is named after the folder and tests each module."""

from __future__ import annotations

import ast
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).parents[2]
TESTS = {
    "runeframe_nb": "kit",
    "runeframe_tools": "tools",
    "runeframe_stack": "stack",
    "runeframe_wire": "wire",
    "runeframe_process": "process",
}
TESTED_WHOLE = {"runeframe_tools/mutate/catalogue"}


def has_code(path: Path) -> bool:
    tree = ast.parse(path.read_text())
    return any(
        isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) for n in tree.body
    )


def modules_and_their_test_files() -> dict[str, str]:
    """Each module (or folder tested whole) that needs a test file, and that file's name."""
    wanted = {}
    for package, tests in TESTS.items():
        for path in sorted((ROOT / package).rglob("*.py")):
            if path.stem in ("__main__", "_version"):
                continue
            whole = next((f for f in TESTED_WHOLE if path.is_relative_to(ROOT / f)), None)
            if whole is not None:
                wanted[whole] = f"test_{Path(whole).name}.py"
                continue
            if path.stem == "__init__":
                if not has_code(path):
                    continue
                name = tests if path.parent.name == package else path.parent.name
            else:
                name = path.stem.lstrip("_")
            wanted[str(path.relative_to(ROOT))] = f"test_{name}.py"
    return wanted


def without_test_file() -> set[str]:
    """Modules with no test file of their name under their package's tests; where two
    modules of a package share a name (`app.py`), the file must be in the mirrored folder."""
    wanted = modules_and_their_test_files()
    names = Counter((m.split("/")[0], f) for m, f in wanted.items())
    missing = set()
    for module, test_file in wanted.items():
        package, *folders, _ = module.split("/")
        tests = ROOT / "tests" / TESTS[package]
        if names[package, test_file] > 1:
            found = (tests.joinpath(*folders) / test_file).exists()
        else:
            found = any(tests.rglob(test_file))
        if not found:
            missing.add(module)
    return missing


def test_every_module_has_its_test_file() -> None:
    assert without_test_file() == set(), "modules without a test file of their name"
