"""Tables show whole in a notebook: no cell is cut to an ellipsis. (That a notebook's own
tables do too, once it connects, notebook 03's stored outputs show through nbval.)"""

from __future__ import annotations

from runeframe_nb._tables import pandas


def test_a_long_cell_is_shown_whole_never_cut_to_an_ellipsis() -> None:
    import pandas as pd

    pd.reset_option("display.max_colwidth")  # as a fresh kernel has it
    pd = pandas()
    message = "user " + "é" * 150 + " not found"
    frame = pd.DataFrame({"error": [message]})
    for shown in (repr(frame), frame._repr_html_()):
        assert message in shown and "..." not in shown
