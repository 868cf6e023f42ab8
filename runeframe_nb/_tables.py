"""How tables show in a notebook: whole cell contents, never cut to an ellipsis.

A message or an error is read in full, and a stored output never holds half an id that
nbval's sanitizing could not recognise.
"""

from __future__ import annotations

import pandas as pd

pd.set_option("display.max_colwidth", None)
pd.set_option("display.width", 120)
