"""Names a package imports when they are first used, so importing it costs nothing."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Collection, Mapping
from typing import Any


def lazy_names(
    package: str, where: Mapping[str, str], submodules: Collection[str] = ()
) -> Callable[[str], Any]:
    """A module `__getattr__` for `package`: each name from its module in `where`
    (a submodule's name gives the module itself), kept once found."""

    def find(name: str) -> Any:
        module_name = where.get(name)
        if module_name is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        module = importlib.import_module(module_name, package)
        value = module if name in submodules else getattr(module, name)
        setattr(sys.modules[package], name, value)
        return value

    return find
