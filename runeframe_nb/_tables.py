"""pandas as the kit's tables use it, imported when the first table is made.

Tables show whole cell contents, never cut to an ellipsis: a message or an error is read
in full, and a stored output never holds half an id that nbval's sanitizing could not
recognise. pandas takes 0.4 s to import, which a kernel that makes no table, and every
command, would otherwise pay at `import runeframe_nb`.
"""

from __future__ import annotations

from types import ModuleType
from typing import cast


def pandas() -> ModuleType:
    """The pandas module, with the kit's display options set."""
    import pandas as pd

    pd.set_option("display.max_colwidth", None)
    pd.set_option("display.width", 120)
    return cast(ModuleType, pd)
