"""What the kit's optional parts need installed, said in one line when it is not.

The kit's core tests any deployment; the reference services, Locust, schemathesis and
the pytest plugin's fixtures come with extras (`pip install 'runeframe-notebooks[stack]'`).
"""

from __future__ import annotations

import importlib.util

from .errors import KitError


def require(extra: str, module: str, what: str, error: type[KitError] = KitError) -> None:
    """Raise `error` naming the extra to install when `module` cannot be imported."""
    if importlib.util.find_spec(module) is None:
        raise error(f"{what} needs the {extra} extra: pip install 'runeframe-notebooks[{extra}]'")
