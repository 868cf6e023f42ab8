"""Every package a module imports is declared where that module's users install it: the
kit's core for what a notebook runs against any deployment (no server among it), an
extra for what needs the reference stack, Locust, schemathesis or pytest;
runeframe_process stays free of any, and runeframe_wire needs httptools and
prometheus_client's parser alone."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).parents[2]
# the packages that promise fewer dependencies than the core's
OWN = {"runeframe_process": set(), "runeframe_wire": {"httptools", "prometheus-client"}}
# a module (a path prefix) and the extras it may import beside the core
EXTRAS_OF = {
    "runeframe_stack/": {"stack"},
    "runeframe_tools/mutate/": {"stack"},
    "runeframe_nb/load/locust": {"load"},
    "runeframe_nb/pytest_plugin.py": {"pytest"},
}


def _name(requirement: str) -> str:
    return re.split(r"[\s\[<>=!~;]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def declared() -> tuple[set[str], dict[str, set[str]]]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    core = {_name(r) for r in project["dependencies"]}
    extras = {e: {_name(r) for r in rs} for e, rs in project["optional-dependencies"].items()}
    return core, extras


def imported(path: Path) -> set[str]:
    """The top-level packages a module imports, anywhere in it, but its own."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return {n for n in found if n not in sys.stdlib_module_names and n != "__future__"}


def undeclared(package: str) -> list[str]:
    core, extras = declared()
    distributions = packages_distributions()
    problems = []
    for path in sorted((ROOT / package).rglob("*.py")):
        where = path.relative_to(ROOT).as_posix()
        allowed = set(OWN.get(package, core))
        for prefix, names in EXTRAS_OF.items():
            if where.startswith(prefix):
                allowed |= {d for extra in names for d in extras[extra]}
        for module in sorted(imported(path)):
            if module.startswith("runeframe_"):
                continue
            owners = {d.lower().replace("_", "-") for d in distributions.get(module, [module])}
            if not owners & allowed:
                problems.append(f"{where} imports {module} ({', '.join(sorted(owners))})")
    return problems


def test_every_import_of_the_kit_is_declared_in_its_core_or_its_extra() -> None:
    assert undeclared("runeframe_nb") == []


def test_every_import_of_the_tools_is_declared_in_the_core_or_their_extra() -> None:
    assert undeclared("runeframe_tools") == []


def test_every_import_of_the_stack_is_declared_in_the_stack_extra() -> None:
    assert undeclared("runeframe_stack") == []


def test_runeframe_process_imports_nothing_but_the_standard_library() -> None:
    assert undeclared("runeframe_process") == []


def test_runeframe_wire_imports_httptools_and_prometheus_client_alone() -> None:
    assert undeclared("runeframe_wire") == []
