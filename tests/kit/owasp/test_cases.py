"""The registry of probes: kept in item order, and only against a real item."""

from __future__ import annotations

import pytest

from runeframe_nb import owasp
from runeframe_nb.owasp import cases


def test_a_probe_registers_itself_in_item_order_and_only_against_a_real_item(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(cases, "CASES", list(owasp.CASES))

    @cases.case("API2", "api", "a new kind of token")
    async def new_probe(x: object) -> cases.Outcome:
        return True, ""

    items = [c.item for c in cases.CASES]
    assert items == sorted(items, key=lambda item: int(item[3:]))
    added = [c for c in cases.CASES if c.probe is new_probe]
    assert [c.item for c in added] == ["API2"]
    assert cases.CASES.index(added[0]) == items.index("API3") - 1  # the last of its item
    with pytest.raises(ValueError, match="API11 is not an item"):
        cases.case("API11", "api", "not a risk")
