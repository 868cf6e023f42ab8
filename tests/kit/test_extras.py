"""A part of the kit whose extra is not installed says which, in one line."""

from __future__ import annotations

import pytest

from runeframe_nb.errors import StackStartError
from runeframe_nb.extras import require


def test_a_missing_extra_is_named_with_how_to_install_it() -> None:
    require("stack", "json", "anything")  # there: nothing said
    with pytest.raises(StackStartError) as missing:
        require("stack", "no_such_module_anywhere", "an embedded profile's stack", StackStartError)
    assert str(missing.value) == (
        "an embedded profile's stack needs the stack extra: "
        "pip install 'runeframe-notebooks[stack]'"
    )
