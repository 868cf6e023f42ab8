"""The import contract: the layers of the tree import downwards only.

    runeframe_tools    the command, runner, reports, mutation testing
          |
    runeframe_nb       the notebook API (what a notebook imports)

    runeframe_stack    the services; started as processes, never imported by the kit
    runeframe_process  the supervisor both use; imports no other layer
    runeframe_wire     HTTP/1.1 on httptools and /metrics samples, both use; likewise

A notebook imports the notebook API alone."""

from __future__ import annotations

import ast
import json
from pathlib import Path

ROOT = Path(__file__).parents[2]
LAYERS = (
    "runeframe_tools",
    "runeframe_nb",
    "runeframe_stack",
    "runeframe_process",
    "runeframe_wire",
)
BELOW = {"runeframe_process", "runeframe_wire"}  # what every layer above may use
# what each layer may import of the others
ALLOWED = {
    "runeframe_tools": {"runeframe_nb", *BELOW},
    "runeframe_nb": BELOW,
    "runeframe_stack": BELOW,
    "runeframe_process": set(),
    "runeframe_wire": set(),
}


def layers_named(source: str) -> set[str]:
    """The layers a module's source imports: import statements anywhere in it, and the
    module names it hands to importlib. (Starting a layer as a process, `python -m
    runeframe_stack`, is no import: the kit runs the stack that way.)"""
    found = set()
    for node in ast.walk(ast.parse(source)):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        elif isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "import_module":
            first = node.args[0] if node.args else None
            names = [first.value] if isinstance(first, ast.Constant) else []
        found |= {n.split(".")[0] for n in names if n.split(".")[0] in LAYERS}
    return found


def violations(root: Path) -> list[str]:
    """Every import of a layer above or beside a module's own, as 'module imports layer'."""
    found = []
    for layer, allowed in ALLOWED.items():
        for path in sorted((root / layer).rglob("*.py")):
            for other in sorted(layers_named(path.read_text()) - allowed - {layer}):
                found.append(f"{path.relative_to(root).as_posix()} imports {other}")
    return found


def test_each_layer_imports_only_the_layers_below_it() -> None:
    assert violations(ROOT) == []


def test_a_tools_import_in_the_notebook_api_breaks_the_contract(tmp_path: Path) -> None:
    for layer in LAYERS:
        (tmp_path / layer).mkdir()
    (tmp_path / "runeframe_nb" / "charts.py").write_text(
        "def chart():\n    from runeframe_tools.report import render\n    return render\n"
    )
    (tmp_path / "runeframe_stack" / "app.py").write_text("import runeframe_nb as rf\n")
    (tmp_path / "runeframe_tools" / "cli.py").write_text("import runeframe_nb\n")
    assert violations(tmp_path) == [
        "runeframe_nb/charts.py imports runeframe_tools",
        "runeframe_stack/app.py imports runeframe_nb",
    ]


def test_notebooks_import_the_notebook_api_alone() -> None:
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        cells = json.loads(path.read_text())["cells"]
        code = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
        source = "\n".join(line for line in code.splitlines() if not line.startswith(("%", "!")))
        named = layers_named(source)
        assert named <= {"runeframe_nb"}, f"{path.name} imports {named - {'runeframe_nb'}}"


def test_the_tools_import_one_another_without_a_cycle() -> None:
    """The report reads what a run archived and knows nothing of how it ran: the runner
    renders it, never the reverse. Likewise down the line: cli, mutate, runner, report."""
    order = ["cli", "lab", "scaffold", "mutate", "runner", "report"]
    found = []
    for path in sorted((ROOT / "runeframe_tools").rglob("*.py")):
        own = path.relative_to(ROOT / "runeframe_tools").parts[0].removesuffix(".py")
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.level and node.module:
                inside = len(path.relative_to(ROOT / "runeframe_tools").parts) - 1
                if node.level > inside:  # reaches above its own subpackage
                    other = node.module.split(".")[0]
                    if own in order and other in order and order.index(other) < order.index(own):
                        found.append(f"{own} imports {other}")
    assert found == []


def test_no_two_public_classes_of_one_package_share_a_name() -> None:
    """One name, one thing: within a package a class name says which class. (The kit's
    and the stack's models of one domain may share names: they are a wire's two ends.)"""
    for layer in LAYERS:
        where: dict[str, list[str]] = {}
        for path in sorted((ROOT / layer).rglob("*.py")):
            for node in ast.parse(path.read_text()).body:
                if isinstance(node, ast.ClassDef) and not node.name.startswith("_"):
                    where.setdefault(node.name, []).append(path.relative_to(ROOT).as_posix())
        shared = {name: paths for name, paths in where.items() if len(paths) > 1}
        assert shared == {}, layer


def test_every_command_is_at_most_thirty_lines() -> None:
    """A command parses its options, calls one function and hands its result to a
    presenter: what takes more lines is logic that belongs below the command line."""
    long = {}
    for path in sorted((ROOT / "runeframe_tools" / "cli").glob("*.py")):
        for node in ast.parse(path.read_text()).body:
            commands = [
                d
                for d in getattr(node, "decorator_list", [])
                if isinstance(d, ast.Call) and getattr(d.func, "attr", "") == "command"
            ]
            if isinstance(node, ast.FunctionDef) and commands:
                body = node.body[1:] if isinstance(node.body[0], ast.Expr) else node.body
                lines = (body[-1].end_lineno or 0) - body[0].lineno + 1
                if lines > 30:
                    long[node.name] = lines
    assert long == {}
